resource "aws_prometheus_workspace" "this" {
  alias = var.name
  tags  = var.tags
}

# The repository's own recording and alert rules, one namespace per file: the AMP workspace
# evaluates exactly what dashboards/prometheus/ holds (and what promtool tests).
resource "aws_prometheus_rule_group_namespace" "this" {
  for_each     = var.rule_files
  name         = each.key
  workspace_id = aws_prometheus_workspace.this.id
  data         = each.value
}

locals {
  remote_write_url = "${aws_prometheus_workspace.this.prometheus_endpoint}api/v1/remote_write"

  # ADOT collector: scrape the service's /metrics on localhost (same task), remote-write to AMP
  # signed with the task role (aps:RemoteWrite on this workspace only).
  collector_config = yamlencode({
    extensions = {
      sigv4auth = { region = var.region, service = "aps" }
    }
    receivers = {
      prometheus = {
        config = {
          global = { scrape_interval = var.scrape_interval }
          scrape_configs = [{
            job_name       = "boxoffice"
            static_configs = [{ targets = ["localhost:${var.metrics_port}"] }]
          }]
        }
      }
    }
    exporters = {
      prometheusremotewrite = {
        endpoint                         = local.remote_write_url
        auth                             = { authenticator = "sigv4auth" }
        resource_to_telemetry_conversion = { enabled = true }
      }
    }
    service = {
      extensions = ["sigv4auth"]
      pipelines = {
        metrics = { receivers = ["prometheus"], exporters = ["prometheusremotewrite"] }
      }
    }
  })
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = "alias/aws/sns"
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  count     = var.alarm_email == "" ? 0 : 1
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

locals {
  t = var.thresholds
  ecs = {
    ClusterName = var.targets.cluster_name
    ServiceName = var.targets.service_name
  }
  alb = { LoadBalancer = var.targets.alb_arn_suffix }
  tg = {
    LoadBalancer = var.targets.alb_arn_suffix
    TargetGroup  = var.targets.target_group_arn_suffix
  }
  db = { DBInstanceIdentifier = var.targets.db_instance_identifier }

  alarms = merge({
    service-cpu = {
      description = "Service CPU above ${local.t.cpu_percent} % (autoscaling is not keeping up)"
      namespace   = "AWS/ECS", metric = "CPUUtilization", statistic = "Average", dimensions = local.ecs
      comparison  = "GreaterThanThreshold", threshold = local.t.cpu_percent, periods = 3
    }
    service-memory = {
      description = "Service memory above ${local.t.memory_percent} %"
      namespace   = "AWS/ECS", metric = "MemoryUtilization", statistic = "Average", dimensions = local.ecs
      comparison  = "GreaterThanThreshold", threshold = local.t.memory_percent, periods = 3
    }
    alb-5xx = {
      description = "More than ${local.t.alb_5xx_per_minute} 5XX per minute answered by the targets"
      namespace   = "AWS/ApplicationELB", metric = "HTTPCode_Target_5XX_Count", statistic = "Sum", dimensions = local.alb
      comparison  = "GreaterThanThreshold", threshold = local.t.alb_5xx_per_minute, periods = 2
    }
    alb-elb-5xx = {
      description = "More than ${local.t.alb_5xx_per_minute} 5XX per minute made by the ALB itself (no healthy target, resets)"
      namespace   = "AWS/ApplicationELB", metric = "HTTPCode_ELB_5XX_Count", statistic = "Sum", dimensions = local.alb
      comparison  = "GreaterThanThreshold", threshold = local.t.alb_5xx_per_minute, periods = 2
    }
    target-response-time = {
      description = "Average target response time above ${local.t.response_time_seconds} s"
      namespace   = "AWS/ApplicationELB", metric = "TargetResponseTime", statistic = "Average", dimensions = local.alb
      comparison  = "GreaterThanThreshold", threshold = local.t.response_time_seconds, periods = 3
    }
    unhealthy-targets = {
      description = "At least one target fails /readyz"
      namespace   = "AWS/ApplicationELB", metric = "UnHealthyHostCount", statistic = "Maximum", dimensions = local.tg
      comparison  = "GreaterThanThreshold", threshold = 0, periods = 3
    }
    db-connections = {
      description = "More than ${local.t.db_connections} database connections"
      namespace   = "AWS/RDS", metric = "DatabaseConnections", statistic = "Maximum", dimensions = local.db
      comparison  = "GreaterThanThreshold", threshold = local.t.db_connections, periods = 3
    }
    db-free-storage = {
      description = "Less than ${floor(local.t.db_free_storage_bytes / 1073741824)} GiB free on the database"
      namespace   = "AWS/RDS", metric = "FreeStorageSpace", statistic = "Minimum", dimensions = local.db
      comparison  = "LessThanThreshold", threshold = local.t.db_free_storage_bytes, periods = 1
    }
    dlq-messages = {
      description = "Notifications in the dead-letter queue (delivered 5 times without success)"
      namespace   = "AWS/SQS", metric = "ApproximateNumberOfMessagesVisible", statistic = "Maximum",
      dimensions  = { QueueName = var.targets.dlq_name }
      comparison  = "GreaterThanThreshold", threshold = 0, periods = 1
    }
    },
    merge([for id in var.targets.cache_cluster_ids : {
      "cache-cpu-${id}" = {
        description = "Redis ${id}: engine CPU above ${local.t.cache_cpu_percent} % (Redis is single-threaded)"
        namespace   = "AWS/ElastiCache", metric = "EngineCPUUtilization", statistic = "Average",
        dimensions  = { CacheClusterId = id }
        comparison  = "GreaterThanThreshold", threshold = local.t.cache_cpu_percent, periods = 3
      }
      "cache-memory-${id}" = {
        description = "Redis ${id}: memory above ${local.t.cache_memory_percent} % of maxmemory"
        namespace   = "AWS/ElastiCache", metric = "DatabaseMemoryUsagePercentage", statistic = "Maximum",
        dimensions  = { CacheClusterId = id }
        comparison  = "GreaterThanThreshold", threshold = local.t.cache_memory_percent, periods = 3
      }
      "cache-evictions-${id}" = {
        description = "Redis ${id} evicts keys: holds may be lost (PostgreSQL still guards against overselling)"
        namespace   = "AWS/ElastiCache", metric = "Evictions", statistic = "Sum",
        dimensions  = { CacheClusterId = id }
        comparison  = "GreaterThanThreshold", threshold = 0, periods = 1
      }
    }]...)
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each            = local.alarms
  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  dimensions          = each.value.dimensions
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  period              = 60
  evaluation_periods  = each.value.periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}
