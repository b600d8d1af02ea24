#!/usr/bin/env python3
"""Writes dashboards/grafana/*.json, dashboards/prometheus/{rules,alerts}.yaml and
dashboards/tests/alerts_test.yaml from the definitions below: one place for every query, so the
dashboards, the rules and their tests cannot drift apart. Run it after editing; commit its output.
Usage: dashboards/tools/generate.py [OUT]   (OUT: another root to write into, for the ctest
dashboards.generated, which checks that what is committed is what this script writes)"""
import json
import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNBOOK = "https://github.com/boxoffice/boxoffice/blob/main/dashboards/runbook.md"
DS = {"type": "prometheus", "uid": "${datasource}"}
HOLD = 'route="/v1/holds",method="POST"'
CONFIRM = 'route="/v1/orders/{id}/confirm-payment",method="POST"'
I = 'instance=~"$instance"'
RI = "$__rate_interval"
ALL = {"text": "All", "value": "$__all"}

# --------------------------------------------------------------------------------------------
# Recording rules: level:metric:operation
WINDOWS = ["5m", "30m", "1h", "6h"]


def slo_rules(name, sel, latency_le):
    rules = []
    for w in WINDOWS:
        rules.append({
            "record": f"slo:boxoffice_{name}_errors:ratio_rate{w}",
            "expr": f'1 - sum(rate(boxoffice_http_requests_total{{{sel},code!~"5.."}}[{w}]))'
                    f' / sum(rate(boxoffice_http_requests_total{{{sel}}}[{w}]))',
        })
        rules.append({
            "record": f"slo:boxoffice_{name}_slow:ratio_rate{w}",
            "expr": f'1 - sum(rate(boxoffice_http_request_duration_seconds_bucket{{{sel},le="{latency_le}"}}[{w}]))'
                    f' / sum(rate(boxoffice_http_request_duration_seconds_count{{{sel}}}[{w}]))',
        })
    return rules


RULES = {"groups": [
    {"name": "boxoffice.http", "rules": [
        {"record": "route_method_code:boxoffice_http_requests:rate5m",
         "expr": "sum by (route, method, code) (rate(boxoffice_http_requests_total[5m]))"},
        {"record": "route_method:boxoffice_http_request_duration_seconds:p99_5m",
         "expr": "histogram_quantile(0.99, sum by (route, method, le) "
                 "(rate(boxoffice_http_request_duration_seconds_bucket[5m])))"},
        {"record": "instance:boxoffice_http_5xx:ratio_rate5m",
         "expr": '1 - sum by (instance) (rate(boxoffice_http_requests_total{code!~"5.."}[5m]))'
                 " / sum by (instance) (rate(boxoffice_http_requests_total[5m]))"},
    ]},
    {"name": "boxoffice.business", "rules": [
        {"record": "outcome:boxoffice_holds:rate5m", "expr": "sum by (outcome) (rate(boxoffice_holds_total[5m]))"},
        {"record": "to:boxoffice_order_transitions:rate5m",
         "expr": "sum by (to) (rate(boxoffice_order_transitions_total[5m]))"},
        {"record": "show_state:boxoffice_show_seats:max", "expr": "max by (show, state) (boxoffice_show_seats)"},
    ]},
    {"name": "boxoffice.dependencies", "rules": [
        {"record": "dependency_operation:boxoffice_dependency_request_duration_seconds:p99_5m",
         "expr": "histogram_quantile(0.99, sum by (dependency, operation, le) "
                 "(rate(boxoffice_dependency_request_duration_seconds_bucket[5m])))"},
        {"record": "dependency:boxoffice_pool_utilisation:ratio",
         "expr": "max by (instance, dependency) (boxoffice_pool_connections_in_use / boxoffice_pool_connections)"},
    ]},
    # Availability SLI: share of 5xx answers; latency SLI: share slower than the target (holds
    # 100 ms, confirmations 500 ms). One rule per window of the burn-rate alerts.
    {"name": "boxoffice.slo.hold", "rules": slo_rules("hold", HOLD, "0.1")},
    {"name": "boxoffice.slo.confirm", "rules": slo_rules("confirm", CONFIRM, "0.5")},
]}

# --------------------------------------------------------------------------------------------
# Alerts, each with the series of a promtool test in which it fires (a "healthy" test checks
# that none fires on normal traffic).
AVAILABILITY_BUDGET = 0.001  # 99.9 % of holds / confirmations answered without a 5xx
LATENCY_BUDGET = 0.01        # 99 % under the latency target

def series(name, labels, values):
    lbl = ",".join(f'{k}="{v}"' for k, v in labels.items())
    return {"series": f"{name}{{{lbl}}}", "values": values}


INST = {"instance": "app-1:9464", "job": "boxoffice"}


def traffic(route, method, ok_code, ok_per_min, bad_per_min, fast_per_min):
    base = dict(INST, route=route, method=method)
    total = ok_per_min + bad_per_min
    out = [series("boxoffice_http_requests_total", dict(base, code=ok_code), f"0+{ok_per_min}x400")]
    if bad_per_min:
        out.append(series("boxoffice_http_requests_total", dict(base, code="503"), f"0+{bad_per_min}x400"))
    le = "0.1" if route == "/v1/holds" else "0.5"
    out.append(series("boxoffice_http_request_duration_seconds_bucket", dict(base, le=le), f"0+{fast_per_min}x400"))
    out.append(series("boxoffice_http_request_duration_seconds_bucket", dict(base, le="+Inf"), f"0+{total}x400"))
    out.append(series("boxoffice_http_request_duration_seconds_count", base, f"0+{total}x400"))
    return out


def healthy_series():
    s = traffic("/v1/holds", "POST", "201", 6000, 0, 6000)
    s += traffic("/v1/orders/{id}/confirm-payment", "POST", "200", 600, 0, 600)
    s += [
        series("boxoffice_oversell_guard_hits_total", INST, "0x400"),
        series("boxoffice_outbox_oldest_age_seconds", INST, "2x400"),
        series("boxoffice_outbox_parked", INST, "0x400"),
        series("boxoffice_sweeper_last_run_timestamp_seconds", INST, "0+60x400"),
        series("boxoffice_sweeper_lag_seconds", INST, "0x400"),
        series("up", INST, "1x400"),
        series("boxoffice_rate_limit_fail_open_total", dict(INST, budget="holds", scope="user"), "0x400"),
    ]
    for dep in ("redis", "postgresql"):
        d = dict(INST, dependency=dep)
        s += [series("boxoffice_dependency_up", d, "1x400"),
              series("boxoffice_pool_exhausted_total", d, "0x400"),
              series("boxoffice_pool_connections_in_use", d, "2x400"),
              series("boxoffice_pool_connections", d, "8x400")]
    return s


def burn(kind, slo, label, fast):
    """A multi-window burn-rate alert (SRE workbook: 1h/5m at 14.4x, 6h/30m at 6x the budget)."""
    budget = AVAILABILITY_BUDGET if kind == "errors" else LATENCY_BUDGET
    factor, long_w, short_w = (14.4, "1h", "5m") if fast else (6, "6h", "30m")
    what = "availability" if kind == "errors" else "latency"
    name = f"{label}{what.capitalize()}BudgetBurn{'Fast' if fast else 'Slow'}"
    thr = f"({factor} * {budget})"
    pretty = {"Hold": "POST /v1/holds", "Confirm": "POST /v1/orders/{id}/confirm-payment"}[label]
    target = {"Hold": "100 ms", "Confirm": "500 ms"}[label]
    desc = (f"{pretty} is answering 5xx fast enough to spend the {what} error budget ({100 - budget * 100:g} %) "
            f"{factor}x too quickly over both {long_w} and {short_w}." if kind == "errors" else
            f"{pretty} answers slower than {target} often enough to spend the latency budget "
            f"({100 - budget * 100:g} % under {target}) {factor}x too quickly over both {long_w} and {short_w}.")
    if label == "Hold":
        fire = traffic("/v1/holds", "POST", "201", 5400, 600, 6000) if kind == "errors" else \
            traffic("/v1/holds", "POST", "201", 6000, 0, 3000)
    else:
        fire = traffic("/v1/orders/{id}/confirm-payment", "POST", "200", 540, 60, 600) if kind == "errors" else \
            traffic("/v1/orders/{id}/confirm-payment", "POST", "200", 600, 0, 300)
    return {
        "alert": name,
        "expr": f"slo:boxoffice_{slo}_{kind}:ratio_rate{long_w} > {thr} and slo:boxoffice_{slo}_{kind}:ratio_rate{short_w} > {thr}",
        "for": "2m" if fast else "15m",
        "severity": "critical",
        "summary": f"{pretty} is burning its {what} error budget {factor}x too fast",
        "description": desc,
        "fire": fire, "fire_at": "60m", "fire_labels": {},
    }


ALERTS = []
for label, slo in (("Hold", "hold"), ("Confirm", "confirm")):
    for kind in ("errors", "slow"):
        for fast in (True, False):
            ALERTS.append(burn(kind, slo, label, fast))

ALERTS += [
    {"alert": "HighHttp5xxRatio",
     "expr": "instance:boxoffice_http_5xx:ratio_rate5m > 0.05", "for": "5m", "severity": "warning",
     "summary": "More than 5 % of all HTTP answers are 5xx",
     "description": "An instance answers more than 5 % of its requests with 5xx over 5 minutes, on every route taken together.",
     "fire": traffic("/v1/holds", "POST", "201", 900, 100, 1000), "fire_at": "30m",
     "fire_labels": {"instance": INST["instance"]}},
    {"alert": "OversellGuardHit",
     "expr": "sum by (instance) (increase(boxoffice_oversell_guard_hits_total[15m])) > 0", "for": "0m",
     "severity": "critical",
     "summary": "PostgreSQL refused a second order for a seat: the hold store let a seat through twice",
     "description": "The unique index over active order seats caught an oversell that Redis should have prevented. "
                    "No seat was sold twice, but the hold path is wrong: page now.",
     "fire": [series("boxoffice_oversell_guard_hits_total", INST, "0x10 1x30")], "fire_at": "15m",
     "fire_labels": {"instance": INST["instance"]}},
    {"alert": "OutboxLagHigh",
     "expr": "max by (instance) (boxoffice_outbox_oldest_age_seconds) > 300", "for": "10m", "severity": "warning",
     "summary": "Outbox messages wait more than 5 minutes to be published",
     "description": "The oldest unpublished, unparked outbox message is older than 5 minutes: the relay is not "
                    "running, or SQS refuses or cannot be reached; confirmations and expiries reach consumers late.",
     "fire": [series("boxoffice_outbox_oldest_age_seconds", INST, "0+60x60")], "fire_at": "30m",
     "fire_labels": {"instance": INST["instance"]}},
    {"alert": "OutboxMessagesParked",
     "expr": "max(boxoffice_outbox_parked) > 0", "for": "5m", "severity": "warning",
     "summary": "Outbox messages were parked: the relay gave up on them",
     "description": "At least one outbox message failed so often (refused by SQS, too large, unreadable) that the "
                    "relay parked it. It will never be published by itself; its consumers miss that event.",
     "fire": [series("boxoffice_outbox_parked", INST, "0x5 2x30")], "fire_at": "20m",
     "fire_labels": {}},
    {"alert": "RefundsNotCompleting",
     "expr": 'sum by (instance) (increase(boxoffice_refund_retries_total{outcome="failed"}[30m])) > 0 and '
             'sum by (instance) (increase(boxoffice_refund_retries_total{outcome="completed"}[30m])) == 0',
     "for": "15m", "severity": "warning",
     "summary": "Refunds stay pending: the payment provider refuses or cannot be reached",
     "description": "For half an hour the refund retrier has asked the provider again for reserved refunds and "
                    "none went through. Their tickets are void and their seats on sale, but the buyers have "
                    "not got their money back.",
     "fire": [series("boxoffice_refund_retries_total", dict(INST, outcome="failed"), "0+1x90"),
              series("boxoffice_refund_retries_total", dict(INST, outcome="completed"), "0x90")],
     "fire_at": "60m", "fire_labels": {"instance": INST["instance"]}},
    {"alert": "SweeperNotRunning",
     "expr": "time() - max by (instance) (boxoffice_sweeper_last_run_timestamp_seconds) > 120", "for": "2m",
     "severity": "critical",
     "summary": "The order sweeper has not completed a run for over 2 minutes",
     "description": "Pending orders past their payment window are no longer expired in the background, so their "
                    "seats stay blocked (reads still expire them lazily).",
     "fire": [series("boxoffice_sweeper_last_run_timestamp_seconds", INST, "0+60x10 600x50")], "fire_at": "30m",
     "fire_labels": {"instance": INST["instance"]}},
    {"alert": "SweeperLagging",
     "expr": "max by (instance) (boxoffice_sweeper_lag_seconds) > 60", "for": "5m", "severity": "warning",
     "summary": "Pending orders stay past their payment window for over a minute",
     "description": "The oldest pending order past its window is more than 60 s overdue: the sweeper runs but "
                    "cannot keep up, or fails on every run.",
     "fire": [series("boxoffice_sweeper_lag_seconds", INST, "0+30x60")], "fire_at": "20m",
     "fire_labels": {"instance": INST["instance"]}},
    {"alert": "RedisDown",
     "expr": 'max by (instance) (boxoffice_dependency_up{dependency="redis"}) == 0', "for": "1m",
     "severity": "critical",
     "summary": "Redis does not answer: holds fail",
     "description": "The instance's Redis health check (PING) has failed for a minute. Holds answer 503; orders "
                    "and confirmations of existing holds fail too.",
     "fire": [series("boxoffice_dependency_up", dict(INST, dependency="redis"), "1x5 0x30")], "fire_at": "20m",
     "fire_labels": {"instance": INST["instance"]}},
    {"alert": "PostgresDown",
     "expr": 'max by (instance) (boxoffice_dependency_up{dependency="postgresql"}) == 0', "for": "1m",
     "severity": "critical",
     "summary": "PostgreSQL does not answer: orders, confirmations and the catalog fail",
     "description": "The instance's database health check (SELECT 1) has failed for a minute.",
     "fire": [series("boxoffice_dependency_up", dict(INST, dependency="postgresql"), "1x5 0x30")], "fire_at": "20m",
     "fire_labels": {"instance": INST["instance"]}},
    {"alert": "BoxofficeTargetDown",
     "expr": 'up{job="boxoffice"} == 0', "for": "2m", "severity": "critical",
     "summary": "Prometheus cannot scrape a boxoffice instance",
     "description": "The metrics listener of an instance does not answer: the process is down, or its metrics port is unreachable.",
     "fire": [series("up", INST, "1x5 0x30")], "fire_at": "20m",
     "fire_labels": {"instance": INST["instance"], "job": INST["job"]}},
    {"alert": "DependencyPoolExhausted",
     "expr": "sum by (instance, dependency) (rate(boxoffice_pool_exhausted_total[5m])) > 0", "for": "2m",
     "severity": "warning",
     "summary": "Requests are refused because no pooled connection became free in time",
     "description": "Leases of a connection pool time out (503 to clients): the pool is too small for the load, "
                    "or the dependency is slow and connections stay busy.",
     "fire": [series("boxoffice_pool_exhausted_total", dict(INST, dependency="postgresql"), "0+10x60")],
     "fire_at": "20m", "fire_labels": {"instance": INST["instance"], "dependency": "postgresql"}},
    {"alert": "RateLimiterFailingOpen",
     "expr": "sum by (instance) (rate(boxoffice_rate_limit_fail_open_total[5m])) > 0", "for": "5m",
     "severity": "warning",
     "summary": "Rate limits are not enforced: the limiter's store does not answer",
     "description": "Rate limit checks fail (Redis unreachable, its pool exhausted, or the script refused), so "
                    "requests are let through unlimited rather than refused. Nothing breaks for clients, but one "
                    "client can flood holds until the store answers again.",
     "fire": [series("boxoffice_rate_limit_fail_open_total", dict(INST, budget="holds", scope="user"), "0+30x60")],
     "fire_at": "20m", "fire_labels": {"instance": INST["instance"]}},
    {"alert": "DependencyPoolSaturated",
     "expr": "dependency:boxoffice_pool_utilisation:ratio > 0.9", "for": "10m", "severity": "warning",
     "summary": "A connection pool is more than 90 % in use",
     "description": "Nearly every pooled connection is leased for 10 minutes: the next burst will wait for "
                    "connections and then be refused.",
     "fire": [series("boxoffice_pool_connections_in_use", dict(INST, dependency="redis"), "16x60"),
              series("boxoffice_pool_connections", dict(INST, dependency="redis"), "16x60")],
     "fire_at": "30m", "fire_labels": {"instance": INST["instance"], "dependency": "redis"}},
]


def anchor(name):
    return name.lower()


def alert_rule(a):
    return {"alert": a["alert"], "expr": a["expr"], "for": a["for"],
            "labels": {"severity": a["severity"]},
            "annotations": {"summary": a["summary"], "description": a["description"],
                            "runbook_url": f"{RUNBOOK}#{anchor(a['alert'])}"}}


ALERT_FILE = {"groups": [{"name": "boxoffice.alerts", "rules": [alert_rule(a) for a in ALERTS]}]}


def expected(a):
    r = alert_rule(a)
    return [{"exp_labels": dict(a["fire_labels"], severity=a["severity"]), "exp_annotations": r["annotations"]}]


TESTS = {
    "rule_files": ["../prometheus/rules.yaml", "../prometheus/alerts.yaml"],
    "evaluation_interval": "1m",
    "tests": [
        {"name": "healthy traffic fires nothing", "interval": "1m", "input_series": healthy_series(),
         "alert_rule_test": [{"eval_time": "6h", "alertname": a["alert"], "exp_alerts": []} for a in ALERTS]},
    ] + [
        {"name": f"{a['alert']} fires", "interval": "1m", "input_series": a["fire"],
         "alert_rule_test": [{"eval_time": "1m", "alertname": a["alert"], "exp_alerts": []},
                             {"eval_time": a["fire_at"], "alertname": a["alert"], "exp_alerts": expected(a)}]}
        for a in ALERTS
    ],
}

# --------------------------------------------------------------------------------------------
# Dashboards


class Board:
    def __init__(self, uid, title, description, show_var=False):
        self.uid, self.title, self.description, self.show_var = uid, title, description, show_var
        self.panels, self.x, self.y, self.row_h = [], 0, 0, 0

    def row(self, title):
        if self.x:
            self.x, self.y = 0, self.y + self.row_h
        self.panels.append({"id": len(self.panels) + 1, "type": "row", "title": title, "collapsed": False,
                            "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}, "panels": []})
        self.y += 1

    def panel(self, title, targets, unit="short", kind="timeseries", w=8, h=8, description=""):
        if self.x + w > 24:
            self.x, self.y = 0, self.y + self.row_h
        p = {
            "id": len(self.panels) + 1, "type": kind, "title": title, "description": description,
            "datasource": DS, "gridPos": {"h": h, "w": w, "x": self.x, "y": self.y},
            "targets": [{"refId": chr(ord("A") + i), "datasource": DS, "expr": e, "legendFormat": l,
                         "range": kind == "timeseries", "instant": kind != "timeseries"}
                        for i, (e, l) in enumerate(targets)],
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                        "tooltip": {"mode": "multi", "sort": "none"}} if kind == "timeseries" else
                       {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                        "orientation": "auto"},
        }
        self.panels.append(p)
        self.x += w
        self.row_h = h

    def json(self):
        variables = [
            {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
             "hide": 0, "current": {"text": "default", "value": "default"}, "options": [], "refresh": 1,
             "regex": ""},
            {"name": "instance", "label": "Instance", "type": "query", "datasource": DS,
             "query": {"query": "label_values(boxoffice_build_info, instance)", "refId": "instance"},
             "hide": 0, "includeAll": True, "multi": True, "allValue": ".*", "current": ALL, "options": [],
             "refresh": 2, "sort": 1, "regex": ""},
        ]
        if self.show_var:
            variables.append(
                {"name": "show", "label": "Show", "type": "query", "datasource": DS,
                 "query": {"query": "label_values(boxoffice_show_seats, show)", "refId": "show"},
                 "hide": 0, "includeAll": True, "multi": True, "allValue": ".*", "current": ALL, "options": [],
                 "refresh": 2, "sort": 1, "regex": ""})
        return {
            "uid": self.uid, "title": self.title, "description": self.description, "tags": ["boxoffice"],
            "schemaVersion": 39, "version": 1, "editable": True, "graphTooltip": 1, "timezone": "utc",
            "refresh": "10s", "time": {"from": "now-1h", "to": "now"}, "fiscalYearStartMonth": 0,
            "liveNow": False, "weekStart": "",
            "timepicker": {}, "links": [], "annotations": {"list": []},
            "templating": {"list": variables}, "panels": self.panels,
        }


def overview():
    b = Board("boxoffice-overview", "boxoffice / service overview",
              "RED by route template, saturation, pools and the process")
    b.row("Requests (RED)")
    b.panel("Requests per second by route",
            [(f"sum by (route, method) (rate(boxoffice_http_requests_total{{{I}}}[{RI}]))", "{{method}} {{route}}")],
            "reqps", w=12)
    b.panel("5xx ratio", [(f'1 - sum(rate(boxoffice_http_requests_total{{{I},code!~"5.."}}[{RI}]))'
                           f" / sum(rate(boxoffice_http_requests_total{{{I}}}[{RI}]))", "5xx share")],
            "percentunit", w=6)
    b.panel("Answers by status code",
            [(f"sum by (code) (rate(boxoffice_http_requests_total{{{I}}}[{RI}]))", "{{code}}")], "reqps", w=6)
    b.panel("Latency p99 by route",
            [(f"histogram_quantile(0.99, sum by (route, method, le) "
              f"(rate(boxoffice_http_request_duration_seconds_bucket{{{I}}}[{RI}])))", "{{method}} {{route}}")],
            "s", w=12)
    b.panel("Latency p50 by route",
            [(f"histogram_quantile(0.5, sum by (route, method, le) "
              f"(rate(boxoffice_http_request_duration_seconds_bucket{{{I}}}[{RI}])))", "{{method}} {{route}}")],
            "s", w=12)
    b.row("Saturation")
    b.panel("Requests in flight", [(f"sum by (instance) (boxoffice_http_requests_in_flight{{{I}}})", "{{instance}}")])
    b.panel("Pool connections in use / size",
            [(f"sum by (dependency) (boxoffice_pool_connections_in_use{{{I}}})", "{{dependency}} in use"),
             (f"sum by (dependency) (boxoffice_pool_connections{{{I}}})", "{{dependency}} size")])
    b.panel("Pool wait per lease",
            [(f"sum by (dependency) (rate(boxoffice_pool_wait_seconds_total{{{I}}}[{RI}]))"
              f" / sum by (dependency) (rate(boxoffice_pool_acquisitions_total{{{I}}}[{RI}]))", "{{dependency}}")],
            "s")
    b.row("Process")
    b.panel("CPU", [(f"rate(process_cpu_seconds_total{{{I},job=\"boxoffice\"}}[{RI}])", "{{instance}}")],
            "percentunit", w=6)
    b.panel("Resident memory", [(f"process_resident_memory_bytes{{{I},job=\"boxoffice\"}}", "{{instance}}")],
            "bytes", w=6)
    b.panel("Open file descriptors / threads",
            [(f"process_open_fds{{{I},job=\"boxoffice\"}}", "fds {{instance}}"),
             (f"process_threads{{{I},job=\"boxoffice\"}}", "threads {{instance}}")], w=6)
    b.panel("Build", [(f"boxoffice_build_info{{{I}}}", "{{version}} {{commit}}")], kind="stat", w=6)
    return b


def flash_sale():
    S = 'show=~"$show"'
    b = Board("boxoffice-flash-sale", "boxoffice / flash sale live",
              "Holds, conflicts, seats sold vs remaining, the hold -> order -> confirm funnel", show_var=True)
    b.row("Holds")
    b.panel("Holds per second by outcome",
            [(f"sum by (outcome) (rate(boxoffice_holds_total{{{I}}}[{RI}]))", "{{outcome}}")], "reqps", w=12)
    b.panel("Conflicts per second",
            [(f'sum(rate(boxoffice_holds_total{{{I},outcome="conflict"}}[{RI}]))', "conflicts")], "reqps", w=6)
    b.panel("Hold latency p99",
            [(f"histogram_quantile(0.99, sum by (le) (rate(boxoffice_http_request_duration_seconds_bucket"
              f"{{{I},{HOLD}}}[{RI}])))", "p99")], "s", w=6)
    b.row("Rate limits")
    b.panel("Rate-limited requests per second (429) by budget and scope",
            [(f'sum by (budget, scope) (rate(boxoffice_rate_limit_decisions_total{{{I},outcome="limited"}}[{RI}]))',
              "{{budget}} per {{scope}}")], "reqps", w=12,
            description="Requests refused with 429 RATE_LIMITED; a request counted per user and per address "
                        "appears in both scopes")
    b.panel("Share of checks limited",
            [(f'sum by (budget) (rate(boxoffice_rate_limit_decisions_total{{{I},outcome="limited"}}[{RI}]))'
              f" / sum by (budget) (rate(boxoffice_rate_limit_decisions_total{{{I}}}[{RI}]))", "{{budget}}")],
            "percentunit", w=6)
    b.panel("Limiter failing open",
            [(f"sum by (budget) (rate(boxoffice_rate_limit_fail_open_total{{{I}}}[{RI}]))", "{{budget}}")],
            "reqps", w=6, description="Checks the limiter's store could not answer: those requests were let through")
    b.row("Waiting room")
    b.panel("People in line and admitted, per show",
            [(f"max by (show) (boxoffice_waiting_room_queue_size{{{I}}})"
              f" - max by (show) (boxoffice_waiting_room_admitted{{{I}}})", "waiting {{show}}"),
             (f"max by (show) (boxoffice_waiting_room_admitted{{{I}}})", "admitted {{show}}")], w=12,
            description="As last seen by each replica (the queue itself is in Redis): max over replicas")
    b.panel("Admissions per second",
            [(f"sum by (show) (rate(boxoffice_waiting_room_admissions_total{{{I}}}[{RI}]))", "{{show}}")],
            "reqps", w=4, description="People let through to the hold route, at the room's admitRate or maxActive")
    b.panel("Abandoned turns per second",
            [(f"sum by (show) (rate(boxoffice_waiting_room_abandoned_total{{{I}}}[{RI}]))", "{{show}}")],
            "reqps", w=4, description="Admitted people whose shopping window ended without a hold")
    b.panel("Active shoppers",
            [(f"max by (show) (boxoffice_waiting_room_active_shoppers{{{I}}})", "{{show}}")], w=4,
            description="Admitted, inside their window, not held yet (what maxActive bounds)")
    b.row("Seats")
    b.panel("Seats by state", [(f"max by (show, state) (boxoffice_show_seats{{{I},{S}}})", "{{state}} {{show}}")],
            w=12)
    b.panel("Sold", [(f'sum(max by (show) (boxoffice_show_seats{{{I},{S},state="sold"}}))', "sold")],
            kind="stat", w=4)
    b.panel("Remaining", [(f'sum(max by (show) (boxoffice_show_seats{{{I},{S},state="available"}}))', "available")],
            kind="stat", w=4)
    b.panel("Time to sell out at the current pace",
            [(f'max by (show) (boxoffice_show_seats{{{I},{S},state="available"}})'
              f' / clamp_min(max by (show) (deriv(boxoffice_show_seats{{{I},{S},state="sold"}}[5m])), 0.001)',
              "{{show}}")], "s", kind="stat", w=4,
            description="Seats still available divided by seats sold per second over the last 5 minutes")
    b.row("Funnel")
    b.panel("Funnel per second: held -> ordered -> confirmed",
            [(f'sum(rate(boxoffice_holds_total{{{I},outcome="held"}}[{RI}]))', "holds"),
             (f'sum(rate(boxoffice_order_transitions_total{{{I},to="PAYMENT_PENDING"}}[{RI}]))', "orders"),
             (f'sum(rate(boxoffice_order_transitions_total{{{I},to="CONFIRMED"}}[{RI}]))', "confirmed")],
            "reqps", w=12)
    b.panel("Funnel over the time range",
            [(f'sum(increase(boxoffice_holds_total{{{I},outcome="held"}}[$__range]))', "holds"),
             (f'sum(increase(boxoffice_order_transitions_total{{{I},to="PAYMENT_PENDING"}}[$__range]))', "orders"),
             (f'sum(increase(boxoffice_order_transitions_total{{{I},to="CONFIRMED"}}[$__range]))', "confirmed")],
            kind="bargauge", w=6)
    b.panel("Holds that became paid orders",
            [(f'sum(increase(boxoffice_order_transitions_total{{{I},to="CONFIRMED"}}[$__range]))'
              f' / sum(increase(boxoffice_holds_total{{{I},outcome="held"}}[$__range]))', "conversion")],
            "percentunit", kind="stat", w=6)
    b.row("Expiries and safety")
    b.panel("Expiries per second",
            [(f"sum(rate(boxoffice_hold_expiries_total{{{I}}}[{RI}]))", "holds (found expired)"),
             (f"sum by (via) (rate(boxoffice_order_expiries_total{{{I}}}[{RI}]))", "orders via {{via}}")], w=8)
    b.panel("Order transitions per second",
            [(f"sum by (to) (rate(boxoffice_order_transitions_total{{{I}}}[{RI}]))", "{{to}}")], "reqps", w=8)
    b.panel("Idempotent replays per second",
            [(f"sum(rate(boxoffice_idempotent_replays_total{{{I}}}[{RI}]))", "replays")], "reqps", w=4)
    b.panel("Oversell-guard hits (must stay 0)",
            [(f"sum(boxoffice_oversell_guard_hits_total{{{I}}})", "hits")], kind="stat", w=4)
    return b


def dependencies():
    b = Board("boxoffice-dependencies", "boxoffice / dependencies", "Redis, PostgreSQL, pools, outbox and sweeper")
    b.row("Health")
    b.panel("Dependency up", [(f"min by (dependency) (boxoffice_dependency_up{{{I}}})", "{{dependency}}")],
            kind="stat", w=8)
    b.panel("Pool leases refused per second",
            [(f"sum by (dependency) (rate(boxoffice_pool_exhausted_total{{{I}}}[{RI}]))", "{{dependency}}")],
            "reqps", w=8)
    b.panel("Reconnects per second",
            [(f"sum by (dependency) (rate(boxoffice_dependency_reconnects_total{{{I}}}[{RI}]))", "{{dependency}}")],
            w=8)
    for dep, title in (("redis", "Redis"), ("postgresql", "PostgreSQL")):
        D = f'dependency="{dep}"'
        b.row(title)
        b.panel(f"{title} calls per second by operation",
                [(f"sum by (operation) (rate(boxoffice_dependency_request_duration_seconds_count{{{I},{D}}}[{RI}]))",
                  "{{operation}}")], "ops", w=8)
        b.panel(f"{title} latency p99 by operation",
                [(f"histogram_quantile(0.99, sum by (operation, le) "
                  f"(rate(boxoffice_dependency_request_duration_seconds_bucket{{{I},{D}}}[{RI}])))", "{{operation}}")],
                "s", w=8)
        b.panel(f"{title} errors per second by kind",
                [(f"sum by (kind) (rate(boxoffice_dependency_errors_total{{{I},{D}}}[{RI}]))", "{{kind}}")],
                "ops", w=8)
        b.panel(f"{title} pool in use / size",
                [(f"sum(boxoffice_pool_connections_in_use{{{I},{D}}})", "in use"),
                 (f"sum(boxoffice_pool_connections{{{I},{D}}})", "size")], w=12)
        b.panel(f"{title} pool wait per lease",
                [(f"sum(rate(boxoffice_pool_wait_seconds_total{{{I},{D}}}[{RI}]))"
                  f" / sum(rate(boxoffice_pool_acquisitions_total{{{I},{D}}}[{RI}]))", "wait")], "s", w=12)
    b.row("Outbox and sweeper")
    b.panel("Outbox depth and parked",
            [(f"max(boxoffice_outbox_depth{{{I}}})", "unpublished"),
             (f"max(boxoffice_outbox_parked{{{I}}})", "parked")], w=6)
    b.panel("Outbox relay lag (oldest unsent message)",
            [(f"max(boxoffice_outbox_oldest_age_seconds{{{I}}})", "oldest")], "s", w=6)
    b.panel("Sweeper runs per second",
            [(f"sum by (result) (rate(boxoffice_sweeper_runs_total{{{I}}}[{RI}]))", "{{result}}")], "ops", w=6)
    b.panel("Sweeper lag and time since last run",
            [(f"max(boxoffice_sweeper_lag_seconds{{{I}}})", "lag"),
             (f"time() - max(boxoffice_sweeper_last_run_timestamp_seconds{{{I}}})", "since last run")], "s", w=6)
    b.panel("Outbox messages published and failed per second",
            [(f"sum(rate(boxoffice_outbox_published_total{{{I}}}[{RI}]))", "published"),
             (f"sum by (reason) (rate(boxoffice_outbox_publish_failures_total{{{I}}}[{RI}]))", "failed: {{reason}}")],
            "ops", w=8)
    b.panel("SendMessageBatch latency",
            [(f"histogram_quantile(0.5, sum by (le) (rate(boxoffice_outbox_batch_duration_seconds_bucket{{{I}}}[{RI}])))",
              "p50"),
             (f"histogram_quantile(0.99, sum by (le) (rate(boxoffice_outbox_batch_duration_seconds_bucket{{{I}}}[{RI}])))",
              "p99")], "s", w=8)
    b.panel("Outbox messages parked and pruned per second",
            [(f"sum(rate(boxoffice_outbox_parked_total{{{I}}}[{RI}]))", "parked"),
             (f"sum(rate(boxoffice_outbox_pruned_total{{{I}}}[{RI}]))", "pruned")], "ops", w=8)
    return b


def dump_yaml(path, data, header):
    with open(path, "w") as f:
        f.write(header)
        yaml.safe_dump(data, f, sort_keys=False, width=200, allow_unicode=True)


def main(root):
    gen = "# Generated by dashboards/tools/generate.py: edit that, then run it.\n"
    for sub in ("prometheus", "tests", "grafana"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    dump_yaml(os.path.join(root, "prometheus", "rules.yaml"), RULES, gen)
    dump_yaml(os.path.join(root, "prometheus", "alerts.yaml"), ALERT_FILE, gen)
    dump_yaml(os.path.join(root, "tests", "alerts_test.yaml"), TESTS, gen)
    for name, board in (("service-overview", overview()), ("flash-sale", flash_sale()),
                        ("dependencies", dependencies())):
        with open(os.path.join(root, "grafana", f"{name}.json"), "w") as f:
            json.dump(board.json(), f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    import sys
    main(sys.argv[1] if len(sys.argv) > 1 else ROOT)
