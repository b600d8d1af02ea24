#!/usr/bin/env python3
"""Checks dashboards and rules against a real Prometheus that scraped the service under load:
every dashboard panel query (variables substituted) and every recording rule must return data,
every alerting rule must evaluate without error and every series it reads must exist.
Prints, per dashboard, what each panel returned.
Usage: check_live.py PROMETHEUS_URL RANGE DASHBOARD.json..."""
import json
import re
import sys
import urllib.parse
import urllib.request

KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left",
            "group_right", "inf", "nan"}


def api(base, path, **params):
    url = f"{base}{path}?{urllib.parse.urlencode(params, doseq=True)}"
    with urllib.request.urlopen(url, timeout=10) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError(f"{path} {params}: {body}")
    return body["data"]


LAST_VALUES = []


def query(base, expr):
    """(series count, error text or None); the series' values are left in LAST_VALUES."""
    LAST_VALUES.clear()
    try:
        data = api(base, "/api/v1/query", query=expr)
    except urllib.error.HTTPError as e:
        return 0, e.read().decode(errors="replace")[:300]
    except Exception as e:  # noqa: BLE001 - report any failure as the panel's error
        return 0, str(e)[:300]
    result = data["result"]
    if isinstance(result, list):
        LAST_VALUES.extend(float(r["value"][1]) for r in result)
        return len(result), None
    LAST_VALUES.append(float(result[1]))
    return 1, None


def summary():
    real = [v for v in LAST_VALUES if v == v]  # NaN: a quantile over no requests
    if not real:
        return "all NaN"
    return f"max {max(real):.4g}"


def selectors(expr):
    """Metric selectors an expression reads (name plus its label matchers)."""
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    out, i = [], 0
    while i < len(e):
        c = e[i]
        if c == '"':
            i = e.index('"', i + 1) + 1
            continue
        m = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", e[i:])
        if m and (i == 0 or not (e[i - 1].isalnum() or e[i - 1] in "_.")):
            name, k = m.group(0), i + len(m.group(0))
            rest = e[k:].lstrip()
            if rest.startswith("(") or name.lower() in KEYWORDS:
                i = k
                continue
            sel = name
            if rest.startswith("{"):
                start = e.index("{", k)
                end = e.index("}", start)
                sel, k = name + e[start:end + 1], end + 1
            out.append(sel)
            i = k
            continue
        i += 1
    return out


def main():
    base, rng, boards = sys.argv[1], sys.argv[2], sys.argv[3:]
    failures = []
    instances = api(base, "/api/v1/label/instance/values", **{"match[]": "boxoffice_build_info"})
    shows = api(base, "/api/v1/label/show/values", **{"match[]": "boxoffice_show_seats"})
    if not instances:
        failures.append("no boxoffice_build_info: Prometheus never scraped the service")
    subst = {
        "$__rate_interval": "30s", "$__interval": "5s", "$__range": rng,
        "$instance": "|".join(instances) or ".*",  # as Grafana renders a multi-value variable (dots match themselves too)
        "$show": shows[0] if shows else "none",
    }

    query(base, 'sum(count_over_time(up{job="boxoffice"}[10m]))')
    print(f"scrapes of the service: {LAST_VALUES[0] if LAST_VALUES else 0:g}")
    for path in boards:
        board = json.load(open(path))
        print(f"dashboard {board['uid']} ({board['title']}):")
        for panel in board["panels"]:
            if panel["type"] == "row":
                continue
            counts = []
            for t in panel["targets"]:
                expr = t["expr"]
                for k in sorted(subst, key=len, reverse=True):
                    expr = expr.replace(k, subst[k])
                n, err = query(base, expr)
                counts.append(f"{t['refId']}={n}" + (f" ERROR {err}" if err else f" ({summary()})"))
                if err or n == 0:
                    failures.append(f"{board['uid']} / {panel['title']} / {t['refId']}: "
                                    f"{'error ' + err if err else 'no data'}: {expr}")
            print(f"  {'ok  ' if all('=0 ' not in c and 'ERROR' not in c for c in counts) else 'FAIL'} "
                  f"{panel['title']}: {', '.join(counts)} (series count, largest value)")

    groups = api(base, "/api/v1/rules")["groups"]
    print("rules:")
    for g in groups:
        for r in g["rules"]:
            name = r.get("name")
            problems = []
            if r.get("health") != "ok" or r.get("lastError"):
                problems.append(f"health {r.get('health')} {r.get('lastError', '')}")
            if r["type"] == "recording":
                n, err = query(base, name)
                detail = f"{n} series"
                if err or n == 0:
                    problems.append("recorded nothing")
            else:
                n, err = query(base, r["query"])
                if err:
                    problems.append(f"error {err}")
                missing = []
                sels = selectors(r["query"])
                for s in sels:
                    sn, serr = query(base, f"count({s})")
                    if serr or sn == 0:
                        missing.append(s)
                if missing:
                    problems.append(f"reads series with no data: {', '.join(missing)}")
                detail = f"{r['state']}, reads {len(sels)} selector(s) with data"
            print(f"  {'ok  ' if not problems else 'FAIL'} {r['type']:9} {name}: {detail}"
                  + (f" - {'; '.join(problems)}" if problems else ""))
            if problems:
                failures.append(f"rule {name}: {'; '.join(problems)}")

    if failures:
        print(f"\n{len(failures)} problem(s):")
        for f in failures:
            print(f"  {f}")
        sys.exit(1)
    print("every panel and rule returned data")


if __name__ == "__main__":
    main()
