#!/usr/bin/env bash
# values.schema.json refuses bad values: `helm lint` must fail, naming the value, for a wrong type,
# a missing required value, an unknown key, a value outside its enum, range or pattern. The same
# command without the bad value passes (so each failure is the schema's, not something else's).
source "$(dirname "$0")/common.sh"
lint() { "$HELM" lint --strict "$CHART" --kube-version "$KUBE_FLOOR" -f "$CHART/ci/minimal-values.yaml" "$@"; }
if lint > "$WORK/out" 2>&1; then pass "schema: the minimal values pass"; else cat "$WORK/out"; fail "schema: the minimal values pass"; fi
# rejects DESCRIPTION TEXT_EXPECTED_IN_THE_ERROR [helm flags...]
rejects() {
  local what=$1 expected=$2; shift 2
  if lint "$@" > "$WORK/out" 2>&1; then
    fail "schema rejects $what (helm lint passed)"
  elif grep -qE "values don.t meet the specifications of the schema|\[ERROR\] values.yaml: " "$WORK/out" &&
       grep -qF -- "$expected" "$WORK/out"; then
    pass "schema rejects $what"
  else
    cat "$WORK/out"; fail "schema rejects $what (not the schema's error)"
  fi
}
rejects "a wrong type: replicaCount: two" "replicaCount" --set replicaCount=two
rejects "a wrong type: config.httpThreads as a string" "config.httpThreads" --set-string config.httpThreads=4
rejects "a wrong type: ingress.enabled: yes-please" "ingress.enabled" --set ingress.enabled=yes-please
rejects "a missing required value: image.repository" "repository" --set image.repository=null
rejects "a missing required value: config.holdTtl" "holdTtl" --set config.holdTtl=null
rejects "an unknown key: config.holdTTL (a typo)" "holdTTL" --set config.holdTTL=5m
rejects "an unknown top-level key: replicas" "replicas" --set replicas=3
rejects "an unknown nested key: autoscaling.requestRate.target" "target" --set autoscaling.requestRate.target=5
rejects "a value outside its enum: config.logLevel: verbose" "config.logLevel" --set config.logLevel=verbose
rejects "a value outside its enum: loadtest.preset: huge" "loadtest.preset" --set loadtest.preset=huge
rejects "a value outside its enum: image.pullPolicy: Sometimes" "image.pullPolicy" --set image.pullPolicy=Sometimes
rejects "a duration without a unit: config.holdTtl: 600" "config.holdTtl" --set-string config.holdTtl=600
rejects "a value out of range: config.httpThreads: 100" "config.httpThreads" --set config.httpThreads=100
rejects "a value out of range: config.accessLogSample: 2" "config.accessLogSample" --set config.accessLogSample=2
rejects "a bad digest" "image.digest" --set image.digest=latest
rejects "a chart-created Secret with a short JWT secret" "jwtSecret" \
  --set secrets.existingSecret= --set secrets.create=true --set secrets.values.jwtSecret=short \
  --set secrets.values.databaseUrl=postgresql://u:p@h/d --set secrets.values.redisUrl=redis://r:6379
rejects "a chart-created Secret with a ticket signing key that is neither PEM nor a 32-byte seed" "ticketSigningKey" \
  --set secrets.existingSecret= --set secrets.create=true --set secrets.values.jwtSecret=jwt-created-0123456789-0123456789-01 \
  --set secrets.values.ticketSigningKey=c2hvcnQ= \
  --set secrets.values.databaseUrl=postgresql://u:p@h/d --set secrets.values.redisUrl=redis://r:6379
rejects "dev dependencies without secrets.create" "secrets.create" --set dev.postgresql.enabled=true
rejects "a database URL that is not PostgreSQL" "databaseUrl" --set secrets.values.databaseUrl=mysql://h/d
rejects "a Stripe secret key that is a publishable key" "stripeSecretKey" --set secrets.values.stripeSecretKey=pk_live_abc
rejects "Stripe webhook secrets that are not whsec_ secrets" "stripeWebhookSecrets" --set-string "secrets.values.stripeWebhookSecrets=whsec_a\\,oops"
rejects "a payments provider outside its enum" "config.paymentsProvider" --set config.paymentsProvider=paypal
rejects "an empty Secret key for Stripe's secret key" "stripeSecretKey" --set secrets.keys.stripeSecretKey=
finish
