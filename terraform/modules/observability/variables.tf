variable "name" {
  description = "Name prefix of every resource."
  type        = string
}

variable "region" {
  description = "AWS region (the collector signs remote writes for it)."
  type        = string
}

variable "rule_files" {
  description = "Prometheus rule files (name => YAML content, `groups:` at the top), each loaded as one AMP rule group namespace. The envs pass the repository's dashboards/prometheus/*.yaml through file()."
  type        = map(string)

  validation {
    condition     = alltrue([for content in values(var.rule_files) : can(yamldecode(content).groups)])
    error_message = "Every rule file must be Prometheus rules YAML with a top-level `groups` list."
  }
}

variable "metrics_port" {
  description = "Port of the service's /metrics (scraped on localhost by the sidecar)."
  type        = number
  default     = 9464
}

variable "scrape_interval" {
  description = "Scrape interval of the collector."
  type        = string
  default     = "15s"
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (empty: subscribe something else yourself)."
  type        = string
  default     = ""
}

variable "targets" {
  description = "What the CloudWatch alarms watch (names and ARN suffixes from the other modules)."
  type = object({
    cluster_name            = string
    service_name            = string
    alb_arn_suffix          = string
    target_group_arn_suffix = string
    db_instance_identifier  = string
    cache_cluster_ids       = list(string)
    dlq_name                = string
  })
}

variable "thresholds" {
  description = "Alarm thresholds."
  type = object({
    cpu_percent           = optional(number, 90)
    memory_percent        = optional(number, 90)
    db_connections        = optional(number, 150)
    alb_5xx_per_minute    = optional(number, 10)
    response_time_seconds = optional(number, 2)
    db_free_storage_bytes = optional(number, 5368709120)
    cache_cpu_percent     = optional(number, 90)
    cache_memory_percent  = optional(number, 90)
  })
  default = {}
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
