#!/usr/bin/env bash
# Assertions over the rendered chart (jq over `helm template`, one JSON object per line): probes,
# security contexts, hooks, the drain timing, the checksum roll, secrets never outside a Secret,
# selectors stable across a version bump, the monitoring objects equal to dashboards/, the ConfigMap
# equal to the service's settings, names within 63 characters, the template's own refusals.
source "$(dirname "$0")/common.sh"

# assert DESCRIPTION FILE.jsonl JQ_EXPRESSION   (the expression sees the array of all objects as .)
assert() {
  local what=$1 file=$2 expr=$3
  if jq -s -e "$expr" "$file" >/dev/null 2>"$WORK/jq-err"; then
    pass "$what"
  else
    cat "$WORK/jq-err"; fail "$what"
  fi
}
# set NAME [helm flags...]: renders into $WORK/NAME.jsonl
set_render() {
  local name=$1; shift
  render "$@" > "$WORK/$name.yaml"
  objects "$WORK/$name.yaml" > "$WORK/$name.jsonl"
}

set_render default
set_render minimal -f "$CHART/ci/minimal-values.yaml"
set_render prod -f "$CHART/ci/production-values.yaml"
set_render dev -f "$CHART/ci/dev-values.yaml"
set_render ingress -f "$CHART/ci/ingress-tls-values.yaml"
set_render external -f "$CHART/ci/external-secrets-values.yaml"
set_render stripe -f "$CHART/ci/stripe-values.yaml"
D=$WORK/default.jsonl P=$WORK/prod.jsonl V=$WORK/dev.jsonl

# jq helpers: the Deployment's pod spec and its boxoffice container.
DEP='(map(select(.kind=="Deployment"))[0])'
C="($DEP.spec.template.spec.containers[] | select(.name==\"boxoffice\"))"
# Every pod spec the chart renders (Deployment, StatefulSets, Jobs, test Pods).
PODSPECS='[.[] | if .kind=="Pod" then .spec elif (.kind=="Deployment" or .kind=="StatefulSet" or .kind=="Job") then .spec.template.spec else empty end]'

# --- probes ------------------------------------------------------------------------------------
assert "probes: liveness GET /healthz on port http" "$D" "$C.livenessProbe.httpGet == {path: \"/healthz\", port: \"http\"}"
assert "probes: readiness GET /readyz on port http" "$D" "$C.readinessProbe.httpGet == {path: \"/readyz\", port: \"http\"}"
assert "probes: startup GET /healthz, up to 60 s" "$D" "$C.startupProbe.httpGet.path == \"/healthz\" and ($C.startupProbe.failureThreshold * $C.startupProbe.periodSeconds) == 60"
assert "ports: http 8080 and metrics 9464, Service ports named alike" "$D" \
  "([$C.ports[] | {(.name): .containerPort}] | add) == {http: 8080, metrics: 9464} and
   ([.[] | select(.kind==\"Service\") | .spec.ports[] | .targetPort] == [\"http\", \"metrics\"])"
assert "serve: the container runs \`boxoffice serve\`" "$D" "$C.args == [\"serve\"] and ($C | has(\"command\") | not)"
assert "resources: requests and limits for cpu and memory" "$D" "$C.resources | (.requests.cpu and .requests.memory and .limits.cpu and .limits.memory)"

# --- security context (every container of every pod, in every set) ------------------------------
for s in default prod dev ingress; do
  assert "security: every container: no privilege escalation, read-only root, ALL capabilities dropped ($s)" "$WORK/$s.jsonl" \
    "[$PODSPECS[] | (.containers + (.initContainers // []))[] | .securityContext |
      (.allowPrivilegeEscalation == false and .readOnlyRootFilesystem == true and (.capabilities.drop | index(\"ALL\")))] | (length > 0 and all)"
  assert "security: every pod non-root with seccomp RuntimeDefault, no API token ($s)" "$WORK/$s.jsonl" \
    "[$PODSPECS[] | (.securityContext.runAsNonRoot == true and .securityContext.seccompProfile.type == \"RuntimeDefault\" and .automountServiceAccountToken == false)] | (length > 0 and all)"
done
assert "security: the service container is not privileged and not uid 0" "$D" "$C.securityContext.privileged == false and $C.securityContext.runAsUser > 0"

# --- drain timing -------------------------------------------------------------------------------
assert "drain: preStop sleeps 5 s; terminationGracePeriodSeconds = 5 + grace 5 s + timeout 20 s + 5 = 35" "$D" \
  "$C.lifecycle.preStop.sleep.seconds == 5 and $DEP.spec.template.spec.terminationGracePeriodSeconds == 35"
assert "drain: production (grace 10 s, timeout 30 s) -> 50" "$P" "$DEP.spec.template.spec.terminationGracePeriodSeconds == 50"
set_render drain --set config.shutdownGrace=1500ms --set config.shutdownTimeout=2m --set lifecycle.preStopSleepSeconds=0
assert "drain: grace 1500ms (2 s) + timeout 2m (120 s) + margin 5, no preStop -> 127" "$WORK/drain.jsonl" \
  "$DEP.spec.template.spec.terminationGracePeriodSeconds == 127 and ($C | has(\"lifecycle\") | not)"
assert "drain: the service's settings are the ones counted" "$WORK/drain.jsonl" \
  "(map(select(.kind==\"ConfigMap\"))[0].data | .BOXOFFICE_SHUTDOWN_GRACE == \"1500ms\" and .BOXOFFICE_SHUTDOWN_TIMEOUT == \"2m\")"
assert "rollout: maxUnavailable 0" "$D" "$DEP.spec.strategy.rollingUpdate.maxUnavailable == 0"

# --- hooks --------------------------------------------------------------------------------------
MIG='(map(select(.kind=="Job" and .metadata.labels["app.kubernetes.io/component"]=="migrate"))[0])'
assert "hooks: migrate Job is pre-install,pre-upgrade, weight 0, deleted before re-creation and on success" "$D" \
  "$MIG.metadata.annotations | (.[\"helm.sh/hook\"] == \"pre-install,pre-upgrade\" and .[\"helm.sh/hook-weight\"] == \"0\" and
   .[\"helm.sh/hook-delete-policy\"] == \"before-hook-creation,hook-succeeded\")"
assert "hooks: migrate Job runs \`migrate up\` with a backoffLimit and a deadline" "$D" \
  "$MIG.spec.template.spec.containers[0].args == [\"migrate\", \"up\"] and $MIG.spec.backoffLimit == 2 and $MIG.spec.activeDeadlineSeconds == 300"
assert "hooks: migrate Job needs nothing the release creates later (no envFrom, SA default, inline settings)" "$D" \
  "$MIG.spec.template.spec | (.serviceAccountName == \"default\" and (.containers[0] | has(\"envFrom\") | not) and
   ([.containers[0].env[] | select(.name==\"BOXOFFICE_DB_CONNECT_TIMEOUT\")][0].value == \"3s\"))"
set_render created --set secrets.create=true --set secrets.values.jwtSecret=jwt-created-0123456789-0123456789-01 \
  --set secrets.values.ticketSigningKey=dGlja2V0LWNyZWF0ZWQtMDEyMzQ1Njc4OS0wMTIzNDU= \
  --set secrets.values.databaseUrl=postgresql://u:pw-created@db:5432/b --set secrets.values.redisUrl=rediss://:tok-created@r:6379
assert "hooks: with secrets.create the migrate Job reads a hook Secret created before it (weight -10)" "$WORK/created.jsonl" \
  "($MIG.spec.template.spec.containers[0].env[] | select(.name==\"BOXOFFICE_DATABASE_URL\") | .valueFrom.secretKeyRef.name) as \$s |
   (map(select(.kind==\"Secret\" and .metadata.name==\$s))[0].metadata.annotations | .[\"helm.sh/hook\"] == \"pre-install,pre-upgrade\" and
    (.[\"helm.sh/hook-weight\"] | tonumber) < 0) and \$s != \"rel-boxoffice\""
assert "hooks: dev: no migrate Job; the pods migrate in an init container instead" "$V" \
  "($MIG == null) and ($DEP.spec.template.spec.initContainers[0].args == [\"migrate\", \"up\"])"
LT='(map(select(.kind=="Job" and .metadata.labels["app.kubernetes.io/component"]=="loadtest"))[0])'
assert "hooks: load test is a post-install,post-upgrade Job, never retried, running boxoffice-load against the Service" "$P" \
  "$LT.metadata.annotations[\"helm.sh/hook\"] == \"post-install,post-upgrade\" and $LT.spec.backoffLimit == 0 and
   ($LT.spec.template.spec.containers[0] | .command == [\"/usr/local/bin/boxoffice-load\"] and
    (.args | index(\"--base\") as \$i | .[\$i+1] == \"http://rel-boxoffice.tickets.svc:80\") and
    (.args | index(\"--preset\") as \$i | .[\$i+1] == \"ci\") and (.args | index(\"--pg\") as \$i | .[\$i+1] == \"\$(BOXOFFICE_DATABASE_URL)\"))"
assert "hooks: no load-test Job unless loadtest.enabled" "$D" "$LT == null"
assert "helm test: a /readyz pod and a verified-sale pod, both test hooks" "$D" \
  "[.[] | select(.kind==\"Pod\") | {name: .metadata.name, hook: .metadata.annotations[\"helm.sh/hook\"]}] ==
   [{name: \"rel-boxoffice-test-readyz\", hook: \"test\"}, {name: \"rel-boxoffice-test-sale\", hook: \"test\"}] and
   ([.[] | select(.kind==\"Pod\" and .metadata.name==\"rel-boxoffice-test-readyz\") | .spec.containers[0].command[-1]][0] == \"http://rel-boxoffice.tickets.svc:80/readyz\")"

# --- checksum roll ------------------------------------------------------------------------------
sum() { jq -s -r "$DEP.spec.template.metadata.annotations[\"checksum/$2\"]" "$1"; }
set_render holdttl --set config.holdTtl=5m
set_render replicas --set autoscaling.enabled=false --set replicaCount=5
if [ "$(sum "$D" config)" != "$(sum "$WORK/holdttl.jsonl" config)" ] && [ -n "$(sum "$D" config)" ]; then
  pass "checksum: changing config.holdTtl changes checksum/config (the pods roll)"
else fail "checksum: changing config.holdTtl changes checksum/config"; fi
if [ "$(sum "$D" config)" = "$(sum "$WORK/replicas.jsonl" config)" ]; then
  pass "checksum: changing replicaCount leaves checksum/config alone"
else fail "checksum: changing replicaCount leaves checksum/config alone"; fi
set_render created2 --set secrets.create=true --set secrets.values.jwtSecret=jwt-created-0123456789-0123456789-02 \
  --set secrets.values.ticketSigningKey=dGlja2V0LWNyZWF0ZWQtMDEyMzQ1Njc4OS0wMTIzNDU= \
  --set secrets.values.databaseUrl=postgresql://u:pw-created@db:5432/b --set secrets.values.redisUrl=rediss://:tok-created@r:6379
if [ "$(sum "$WORK/created.jsonl" secret)" != "$(sum "$WORK/created2.jsonl" secret)" ] && [ "$(sum "$WORK/created.jsonl" secret)" != null ]; then
  pass "checksum: changing a chart-created secret changes checksum/secret"
else fail "checksum: changing a chart-created secret changes checksum/secret"; fi

# --- secrets ------------------------------------------------------------------------------------
for s in created dev stripe; do
  f=$WORK/$s.jsonl
  # The secret values, decoded from the rendered Secret(s); none may appear in any other object.
  jq -r 'select(.kind=="Secret") | .data[] | @base64d' "$f" | sort -u > "$WORK/secret-values"
  if [ "$(wc -l < "$WORK/secret-values")" -lt 3 ]; then fail "secrets: $s renders its secrets"; continue; fi
  leaked=0
  while IFS= read -r value; do
    if jq -c 'select(.kind!="Secret")' "$f" | grep -qF -- "$value"; then echo "  leaked: a secret value of $s"; leaked=1; fi
  done < "$WORK/secret-values"
  [ $leaked -eq 0 ] && pass "secrets: no secret value in any ConfigMap or other non-Secret object ($s)" || fail "secrets: no secret value outside a Secret ($s)"
done
for s in default prod dev external created stripe; do
  ticket_key=BOXOFFICE_TICKET_SIGNING_KEY
  [ $s = external ] && ticket_key=ticket-signing-key  # ci/external-secrets-values.yaml renames the keys
  assert "secrets: the ConfigMap holds no secret setting, the pods read them by secretKeyRef only, the ticket signing key included ($s)" "$WORK/$s.jsonl" \
    "(map(select(.kind==\"ConfigMap\" and .metadata.name==\"rel-boxoffice\"))[0].data | keys | map(select(test(\"JWT_SECRET|TICKET_SIGNING_KEY|DATABASE_URL|REDIS_URL|PASSWORD|STRIPE_SECRET_KEY|WEBHOOK_SECRET\"))) | length == 0) and
     ([.[] | select(.kind==\"Deployment\" or .kind==\"Job\") | .spec.template.spec | (.containers + (.initContainers // []))[] | .env[]? |
       select(.name | test(\"JWT_SECRET|TICKET_SIGNING_KEY|DATABASE_URL|REDIS_URL|STRIPE_SECRET_KEY|WEBHOOK_SECRET\")) | (has(\"value\") | not) and .valueFrom.secretKeyRef.name != null] | all) and
     ([.[] | select(.kind==\"Deployment\") | .spec.template.spec.containers[] | select(.name==\"boxoffice\") | .env[] |
       select(.name==\"BOXOFFICE_TICKET_SIGNING_KEY\") | .valueFrom.secretKeyRef.key] == [\"$ticket_key\"])"
done
assert "secrets: existingSecret with keys of its own naming, no Secret rendered" "$WORK/external.jsonl" \
  "(map(select(.kind==\"Secret\")) | length == 0) and
   ([$C.env[] | select(.name==\"BOXOFFICE_DATABASE_URL\") | .valueFrom.secretKeyRef] == [{name: \"boxoffice-from-aws-secrets-manager\", key: \"database-url\"}])"
# secrets.mountAsFiles: the service's containers get BOXOFFICE_*_FILE paths into the mounted Secret
# (the service reads them, config.cpp), never the values; the load-test Job keeps secretKeyRef.
set_render files -f "$CHART/ci/production-values.yaml" --set secrets.mountAsFiles=true
assert "secrets: mountAsFiles: *_FILE paths into the Secret mounted read-only, no secret in the environment" "$WORK/files.jsonl" \
  "([$C.env[] | select(.name | startswith(\"BOXOFFICE_\")) | {(.name): .value}] | add) ==
     {BOXOFFICE_JWT_SECRET_FILE: \"/var/run/secrets/boxoffice/BOXOFFICE_JWT_SECRET\",
      BOXOFFICE_TICKET_SIGNING_KEY_FILE: \"/var/run/secrets/boxoffice/BOXOFFICE_TICKET_SIGNING_KEY\",
      BOXOFFICE_DATABASE_URL_FILE: \"/var/run/secrets/boxoffice/BOXOFFICE_DATABASE_URL\",
      BOXOFFICE_REDIS_URL_FILE: \"/var/run/secrets/boxoffice/BOXOFFICE_REDIS_URL\"} and
   ([$C.volumeMounts[] | select(.name == \"secrets\")] == [{name: \"secrets\", mountPath: \"/var/run/secrets/boxoffice\", readOnly: true}]) and
   ([$DEP.spec.template.spec.volumes[] | select(.name == \"secrets\") | .secret.secretName] == [\"boxoffice-secrets\"]) and
   ([$MIG.spec.template.spec.containers[0].env[] | select(.name | test(\"JWT_SECRET|TICKET_SIGNING_KEY|DATABASE_URL|REDIS_URL\")) | .name] | sort ==
     [\"BOXOFFICE_DATABASE_URL_FILE\", \"BOXOFFICE_JWT_SECRET_FILE\", \"BOXOFFICE_REDIS_URL_FILE\", \"BOXOFFICE_TICKET_SIGNING_KEY_FILE\"]) and
   ([$MIG.spec.template.spec.volumes[] | select(.name == \"secrets\")] | length == 1) and
   ([.[] | select(.kind==\"Job\" and .metadata.labels[\"app.kubernetes.io/component\"] != \"migrate\") | .spec.template.spec.containers[].env[]? |
     select(.name == \"BOXOFFICE_JWT_SECRET\") | .valueFrom.secretKeyRef != null] | all) and
   ([.[] | select(.kind==\"Job\" and .metadata.labels[\"app.kubernetes.io/component\"] != \"migrate\") | .spec.template.spec.containers[].env[]? |
     select(.name | test(\"TICKET_SIGNING_KEY\"))] | length == 0)"
assert "secrets: default: the Secret named after the release, which the operator creates" "$D" \
  "(map(select(.kind==\"Secret\")) | length == 0) and ([$C.env[] | .valueFrom.secretKeyRef.name] | unique == [\"rel-boxoffice\"])"

# --- payments: the provider's secrets, from the Secret, only for the provider configured -------------
# PAY: the payment secrets' env entries of every container of the Deployment and the Jobs, as
# {kind/component/container: {NAME: secretKeyRef or value}}.
PAY='[.[] | select(.kind=="Deployment" or .kind=="Job") | (.metadata.labels["app.kubernetes.io/component"]) as $comp |
  .spec.template.spec | (.containers + (.initContainers // []))[] | .name as $c |
  {key: "\($comp)/\($c)", value: ([.env[]? | select(.name | test("STRIPE_SECRET_KEY|STRIPE_WEBHOOK_SECRET|PAYMENTS_DEV_WEBHOOK_SECRET")) |
    {(.name): (.valueFrom.secretKeyRef // .value)}] | add // {})}] | from_entries'
for s in default prod dev minimal; do
  assert "payments: provider dev, no webhook key: no payment secret in any container ($s)" "$WORK/$s.jsonl" \
    "map(select(.kind==\"ConfigMap\" and .metadata.name==\"rel-boxoffice\"))[0].data.BOXOFFICE_PAYMENTS_PROVIDER == \"dev\" and ($PAY | [.[] | length] | (length > 0 and all(. == 0)))"
done
assert "payments: stripe, chart-created Secret: server and migrate read Stripe's key and webhook secrets by secretKeyRef" "$WORK/stripe.jsonl" \
  "map(select(.kind==\"ConfigMap\" and .metadata.name==\"rel-boxoffice\"))[0].data.BOXOFFICE_PAYMENTS_PROVIDER == \"stripe\" and
   ($PAY | .[\"server/boxoffice\"] == {BOXOFFICE_STRIPE_SECRET_KEY: {name: \"rel-boxoffice\", key: \"BOXOFFICE_STRIPE_SECRET_KEY\"},
                                   BOXOFFICE_STRIPE_WEBHOOK_SECRETS: {name: \"rel-boxoffice\", key: \"BOXOFFICE_STRIPE_WEBHOOK_SECRETS\"}} and
     .[\"migrate/migrate\"] == {BOXOFFICE_STRIPE_SECRET_KEY: {name: \"rel-boxoffice-hook\", key: \"BOXOFFICE_STRIPE_SECRET_KEY\"},
                                 BOXOFFICE_STRIPE_WEBHOOK_SECRETS: {name: \"rel-boxoffice-hook\", key: \"BOXOFFICE_STRIPE_WEBHOOK_SECRETS\"}})"
assert "payments: stripe, chart-created Secret: both Secrets (release and hook copy) hold the key and the webhook secrets as given" "$WORK/stripe.jsonl" \
  "[.[] | select(.kind==\"Secret\") | .data | {k: (.BOXOFFICE_STRIPE_SECRET_KEY | @base64d), w: (.BOXOFFICE_STRIPE_WEBHOOK_SECRETS | @base64d)}] ==
   [range(2) | {k: \"sk_test_ciPlaceholderNotARealKey0001\", w: \"whsec_ciPlaceholderCurrent0001,whsec_ciPlaceholderPrevious0001\"}]"
assert "payments: stripe, existingSecret with keys of its own naming: the server reads those keys" "$WORK/external.jsonl" \
  "$PAY | .[\"server/boxoffice\"] == {BOXOFFICE_STRIPE_SECRET_KEY: {name: \"boxoffice-from-aws-secrets-manager\", key: \"stripe-secret-key\"},
                                  BOXOFFICE_STRIPE_WEBHOOK_SECRETS: {name: \"boxoffice-from-aws-secrets-manager\", key: \"stripe-webhook-secrets\"}}"
assert "payments: no Stripe setting or value in the ConfigMap but the non-secret ones" "$WORK/stripe.jsonl" \
  "map(select(.kind==\"ConfigMap\" and .metadata.name==\"rel-boxoffice\"))[0].data | (keys | map(select(startswith(\"BOXOFFICE_STRIPE\"))) ==
   [\"BOXOFFICE_STRIPE_API_BASE\", \"BOXOFFICE_STRIPE_CONNECT_TIMEOUT\", \"BOXOFFICE_STRIPE_MAX_ATTEMPTS\", \"BOXOFFICE_STRIPE_TIMEOUT\"]) and
   (tostring | contains(\"whsec_\") or contains(\"sk_test_\") | not)"
set_render stripefiles -f "$CHART/ci/external-secrets-values.yaml" --set secrets.mountAsFiles=true
assert "payments: stripe with mountAsFiles: *_FILE paths into the mounted Secret, no Stripe value in the environment" "$WORK/stripefiles.jsonl" \
  "$PAY | .[\"server/boxoffice\"] == {BOXOFFICE_STRIPE_SECRET_KEY_FILE: \"/var/run/secrets/boxoffice/stripe-secret-key\",
                                  BOXOFFICE_STRIPE_WEBHOOK_SECRET_FILE: \"/var/run/secrets/boxoffice/stripe-webhook-secrets\"} and
         .[\"migrate/migrate\"] == .[\"server/boxoffice\"]"
set_render devhook -f "$CHART/ci/dev-values.yaml" --set secrets.keys.paymentsDevWebhookSecret=BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET \
  --set secrets.values.paymentsDevWebhookSecret=dev-webhook-secret-0123456789
assert "payments: dev with a webhook key: the service reads BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET from the Secret, which holds it; no Stripe secret" "$WORK/devhook.jsonl" \
  "($PAY | .[\"server/boxoffice\"] == {BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET: {name: \"rel-boxoffice\", key: \"BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET\"}}) and
   (map(select(.kind==\"Secret\"))[0].data | (.BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET | @base64d) == \"dev-webhook-secret-0123456789\" and (has(\"BOXOFFICE_STRIPE_SECRET_KEY\") | not))"
set_render stripedevkey -f "$CHART/ci/stripe-values.yaml" --set secrets.keys.paymentsDevWebhookSecret=BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET
assert "payments: with stripe the dev webhook secret is not wired even when its key is set" "$WORK/stripedevkey.jsonl" \
  "$PAY | .[\"server/boxoffice\"] | keys == [\"BOXOFFICE_STRIPE_SECRET_KEY\", \"BOXOFFICE_STRIPE_WEBHOOK_SECRETS\"]"

# Every payment secret config.cpp reads is wired by the chart in some case (as NAME or NAME_FILE).
PAYMENT_SECRETS='BOXOFFICE_(PAYMENTS_DEV_WEBHOOK_SECRET|STRIPE_SECRET_KEY|STRIPE_WEBHOOK_SECRET|STRIPE_WEBHOOK_SECRETS)'
grep -o '"BOXOFFICE_[A-Z0-9_]\+"' "$ROOT/service/src/app/config.cpp" | tr -d '"' | sort -u | grep -xE "$PAYMENT_SECRETS" > "$WORK/pay-service"
cat "$WORK"/{stripe,stripefiles,devhook}.jsonl | jq -r 'select(.kind=="Deployment") | .spec.template.spec.containers[].env[]?.name' |
  sed 's/_FILE$//' | grep -xE "$PAYMENT_SECRETS" | sort -u > "$WORK/pay-chart"
if [ "$(wc -l < "$WORK/pay-service")" -eq 4 ] && cmp -s "$WORK/pay-service" "$WORK/pay-chart"; then
  pass "payments: every payment secret of config.cpp is wired by the chart ($(paste -sd' ' "$WORK/pay-chart"))"
else diff "$WORK/pay-service" "$WORK/pay-chart" || true; fail "payments: every payment secret of config.cpp is wired by the chart"; fi

# --- configuration ------------------------------------------------------------------------------
# The ConfigMap's keys are the service's settings (service/src/app/config.cpp) less the secret ones,
# the ports' and the embedded database's, plus the outbox relay's settings of issue 13.
# BOXOFFICE_ADMISSION_SECRET is a secret too; left unset, it is derived from the JWT secret. The
# payment providers' secrets (issue 15) are secrets: they come from the Secret (see "payments" below).
grep -o '"BOXOFFICE_[A-Z0-9_]\+"' "$ROOT/service/src/app/config.cpp" | tr -d '"' | sort -u \
  | grep -vxE 'BOXOFFICE_(DATABASE_URL|REDIS_URL|JWT_SECRET|TICKET_SIGNING_KEY|ADMISSION_SECRET|SQLITE_PATH|JWKS_FILE)' \
  | grep -vxE "$PAYMENT_SECRETS" \
  > "$WORK/service-settings"
printf '%s\n' BOXOFFICE_SQS_QUEUE_URL BOXOFFICE_SQS_ENDPOINT >> "$WORK/service-settings"
sort -u -o "$WORK/service-settings" "$WORK/service-settings"
jq -r 'select(.kind=="ConfigMap" and .metadata.name=="rel-boxoffice") | .data | keys[]' "$P" | sort > "$WORK/chart-settings"
if diff "$WORK/service-settings" "$WORK/chart-settings" > "$WORK/settings.diff"; then
  pass "config: the ConfigMap sets every BOXOFFICE_* setting of config.cpp ($(wc -l < "$WORK/chart-settings"))"
else
  cat "$WORK/settings.diff"; fail "config: the ConfigMap sets every BOXOFFICE_* setting of config.cpp (< service, > chart)"
fi
assert "config: auto-migrate off (the hook migrates), ports from containerPorts, empty settings left out" "$D" \
  "map(select(.kind==\"ConfigMap\"))[0].data | (.BOXOFFICE_AUTO_MIGRATE == \"false\" and .BOXOFFICE_PORT == \"8080\" and
   .BOXOFFICE_METRICS_PORT == \"9464\" and (has(\"BOXOFFICE_SQS_QUEUE_URL\") | not) and .BOXOFFICE_HOLD_TTL == \"10m\")"
assert "config: the pods read the ConfigMap" "$D" "$C.envFrom[0].configMapRef.name == \"rel-boxoffice\""
# BOXOFFICE_JWKS_FILE is the alternative to the production set's BOXOFFICE_JWKS_URL (never both).
set_render jwksfile --set config.jwksFile=/etc/boxoffice/jwks/jwks.json
assert "config: OIDC: a JWKS file instead of a URL; provider tokens' role claim and admin value" "$WORK/jwksfile.jsonl" \
  "map(select(.kind==\"ConfigMap\"))[0].data | (.BOXOFFICE_JWKS_FILE == \"/etc/boxoffice/jwks/jwks.json\" and
   (has(\"BOXOFFICE_JWKS_URL\") | not) and .BOXOFFICE_JWT_ROLE_CLAIM == \"role\" and .BOXOFFICE_JWT_ADMIN_VALUE == \"admin\")"
assert "config: OIDC: production verifies Cognito tokens (issuer, audience, groups)" "$P" \
  "map(select(.kind==\"ConfigMap\"))[0].data | (.BOXOFFICE_JWT_ROLE_CLAIM == \"cognito:groups\" and
   (.BOXOFFICE_JWKS_URL | startswith(\"https://cognito-idp.\")) and (.BOXOFFICE_JWT_ISSUER | length > 0))"

# --- image --------------------------------------------------------------------------------------
APP=$(yq -r .appVersion "$CHART/Chart.yaml")
assert "image: boxoffice:<appVersion> by default" "$D" "$C.image == \"boxoffice:$APP\""
assert "image: registry and digest (production)" "$P" \
  "$C.image == \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/boxoffice@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\""
CMAKE_VERSION=$(sed -n 's/^project(boxoffice VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
[ "$APP" = "$CMAKE_VERSION" ] && pass "Chart.yaml appVersion $APP is the service version (CMakeLists.txt)" \
  || fail "Chart.yaml appVersion $APP is the service version (CMakeLists.txt: $CMAKE_VERSION)"

# --- labels and selectors -----------------------------------------------------------------------
# The same chart with another chart version and appVersion: every selector must stay the same
# (a Deployment's selector is immutable), while the version labels do change.
cp -r "$CHART" "$WORK/bumped"
sed -i -e 's/^version: .*/version: 9.8.7/' -e 's/^appVersion: .*/appVersion: "9.8.7"/' "$WORK/bumped/Chart.yaml"
for s in prod dev; do
  flags="-f $CHART/ci/production-values.yaml"; [ $s = dev ] && flags="-f $CHART/ci/dev-values.yaml"
  # shellcheck disable=SC2086
  "$HELM" template rel "$WORK/bumped" --namespace tickets --kube-version "$KUBE_FLOOR" "${API_VERSIONS[@]}" $flags > "$WORK/bumped-$s.yaml"
  objects "$WORK/bumped-$s.yaml" > "$WORK/bumped-$s.jsonl"
  selectors='[.[] | {kind, name: .metadata.name, s: [.spec.selector?, .spec.podSelector?, (.spec.template.spec.topologySpreadConstraints? // [] | map(.labelSelector))]}]'
  if [ "$(jq -s -c "$selectors" "$WORK/$s.jsonl")" = "$(jq -s -c "$selectors" "$WORK/bumped-$s.jsonl")" ]; then
    pass "labels: every selector is the same after a chart and app version bump ($s)"
  else fail "labels: every selector is the same after a chart and app version bump ($s)"; fi
  assert "labels: the bump did change the version labels ($s)" "$WORK/bumped-$s.jsonl" \
    "$DEP.metadata.labels | (.[\"app.kubernetes.io/version\"] == \"9.8.7\" or .[\"app.kubernetes.io/version\"] == null) and .[\"helm.sh/chart\"] == \"boxoffice-9.8.7\""
done
assert "labels: selectors never hold the chart or version labels" "$P" \
  "[.[] | (.spec.selector.matchLabels? // .spec.selector? // .spec.podSelector.matchLabels? // {}) | objects | keys[]] |
   (length > 0 and all(. != \"helm.sh/chart\" and . != \"app.kubernetes.io/version\"))"
assert "labels: every object carries the standard app.kubernetes.io labels" "$P" \
  "all(.[]; .metadata.labels | (.[\"app.kubernetes.io/name\"] == \"boxoffice\" and .[\"app.kubernetes.io/instance\"] == \"rel\" and
     .[\"app.kubernetes.io/managed-by\"] == \"Helm\" and (.[\"app.kubernetes.io/version\"] | length > 0) and .[\"helm.sh/chart\"] == \"boxoffice-0.1.0\"))"
LONG=$(printf 'x%.0s' $(seq 53))  # Helm's longest release name
render_long() { "$HELM" template "$LONG" "$CHART" --kube-version "$KUBE_FLOOR" "${API_VERSIONS[@]}" -f "$CHART/ci/production-values.yaml" "$@"; }
render_long > "$WORK/long.yaml" && objects "$WORK/long.yaml" > "$WORK/long.jsonl"
assert "names: a 53-character release name: every name within 63 characters, suffixes kept, no trailing dash" "$WORK/long.jsonl" \
  "all(.[]; .metadata.name | length <= 63 and (endswith(\"-\") | not)) and
   (map(.metadata.name) | any(endswith(\"-migrate\")) and any(endswith(\"-loadtest\")) and any(endswith(\"-dashboard-flash-sale\")))"

# --- monitoring objects equal to dashboards/ ----------------------------------------------------
yq -c -s '[.[].groups[]]' "$ROOT"/dashboards/prometheus/*.yaml | jq -S . > "$WORK/groups-repo.json"
jq -s -S 'map(select(.kind=="PrometheusRule"))[0].spec.groups' "$P" > "$WORK/groups-chart.json"
if [ "$(jq length "$WORK/groups-repo.json")" -gt 0 ] && cmp -s "$WORK/groups-repo.json" "$WORK/groups-chart.json"; then
  pass "PrometheusRule: its $(jq length "$WORK/groups-chart.json") groups ($(jq '[.[].rules[]] | length' "$WORK/groups-chart.json") rules) equal dashboards/prometheus/*.yaml"
else
  { diff "$WORK/groups-repo.json" "$WORK/groups-chart.json" | head -20 || true; }; fail "PrometheusRule: its groups equal dashboards/prometheus/*.yaml"
fi
# What the operator hands to Prometheus: the rendered groups load in promtool (Prometheus' own parser).
if command -v promtool >/dev/null; then
  jq -s 'map(select(.kind=="PrometheusRule"))[0].spec | {groups}' "$P" | yq -y . > "$WORK/rendered-rules.yaml"
  if promtool check rules "$WORK/rendered-rules.yaml" > "$WORK/promtool" 2>&1; then
    pass "PrometheusRule: the rendered groups pass promtool check rules ($(grep -o 'SUCCESS: [0-9]* rules found' "$WORK/promtool"))"
  else cat "$WORK/promtool"; fail "PrometheusRule: the rendered groups pass promtool check rules"; fi
else
  fail "PrometheusRule: promtool is missing (scripts/install-deps.sh installs prometheus)"
fi
ok=1
for f in "$ROOT"/dashboards/grafana/*.json; do
  name=$(basename "$f")
  jq -S . "$f" > "$WORK/dash-repo.json"
  jq -s -r --arg n "$name" 'map(select(.kind=="ConfigMap" and .data[$n] != null))[0].data[$n]' "$P" | jq -S . > "$WORK/dash-chart.json" 2>/dev/null || true
  cmp -s "$WORK/dash-repo.json" "$WORK/dash-chart.json" || { echo "  $name differs or is missing"; ok=0; }
done
[ $ok -eq 1 ] && pass "Grafana: one ConfigMap per dashboards/grafana/*.json, content equal" || fail "Grafana: one ConfigMap per dashboards/grafana/*.json, content equal"
assert "Grafana: sidecar label and folder annotation, in the namespace asked for" "$P" \
  "[.[] | select(.kind==\"ConfigMap\" and .metadata.labels[\"app.kubernetes.io/component\"]==\"dashboards\")] |
   length == $(ls "$ROOT"/dashboards/grafana/*.json | wc -l) and all(.metadata.labels.grafana_dashboard == \"1\" and
   .metadata.annotations.grafana_folder == \"boxoffice\" and .metadata.namespace == \"monitoring\")"
assert "ServiceMonitor: the metrics port of the Service, selected by the selector labels" "$P" \
  "map(select(.kind==\"ServiceMonitor\"))[0] as \$m | map(select(.kind==\"Service\"))[0] as \$s |
   \$m.spec.endpoints[0].port == \"metrics\" and \$m.spec.endpoints[0].path == \"/metrics\" and
   (\$m.spec.selector.matchLabels | to_entries | all(\$s.metadata.labels[.key] == .value)) and \$m.metadata.labels.release == \"kube-prometheus-stack\""
assert "monitoring: no ServiceMonitor, PrometheusRule or dashboards by default" "$D" \
  "map(select(.kind==\"ServiceMonitor\" or .kind==\"PrometheusRule\" or (.metadata.labels[\"app.kubernetes.io/component\"]==\"dashboards\"))) | length == 0"

# --- scaling, availability, network ---------------------------------------------------------------
assert "HPA: autoscaling/v2 on CPU 70 %, 2-10 pods, no fixed replicas on the Deployment" "$D" \
  "map(select(.kind==\"HorizontalPodAutoscaler\"))[0].spec | (.minReplicas == 2 and .maxReplicas == 10 and
   .metrics == [{type: \"Resource\", resource: {name: \"cpu\", target: {type: \"Utilization\", averageUtilization: 70}}}])" 
assert "HPA: the Deployment leaves replicas to it" "$D" "$DEP.spec | has(\"replicas\") | not"
assert "HPA: production adds the request-rate pods metric" "$P" \
  "map(select(.kind==\"HorizontalPodAutoscaler\"))[0].spec.metrics[1].pods | .metric.name == \"boxoffice_http_requests_per_second\" and .target.averageValue == \"2000\""
assert "PDB: maxUnavailable 1 by default, minAvailable 50% in production" "$D" "map(select(.kind==\"PodDisruptionBudget\"))[0].spec.maxUnavailable == 1"
assert "PDB: minAvailable 50% in production" "$P" "map(select(.kind==\"PodDisruptionBudget\"))[0].spec | .minAvailable == \"50%\" and (has(\"maxUnavailable\") | not)"
assert "topology: spread over zones and nodes with pod-template-hash" "$D" \
  "[$DEP.spec.template.spec.topologySpreadConstraints[] | .topologyKey] == [\"topology.kubernetes.io/zone\", \"kubernetes.io/hostname\"] and
   all($DEP.spec.template.spec.topologySpreadConstraints[]; .matchLabelKeys == [\"pod-template-hash\"])"
assert "IRSA: the ServiceAccount carries the role ARN" "$P" \
  "map(select(.kind==\"ServiceAccount\"))[0].metadata.annotations[\"eks.amazonaws.com/role-arn\"] == \"arn:aws:iam::123456789012:role/boxoffice-prod\""
NP='(map(select(.kind=="NetworkPolicy"))[0])'
assert "NetworkPolicy: http from the ingress namespace and the release, metrics from monitoring only" "$P" \
  "$NP.spec.ingress | (.[0].ports == [{port: \"http\", protocol: \"TCP\"}] and .[0].from[0].namespaceSelector.matchLabels[\"kubernetes.io/metadata.name\"] == \"ingress-nginx\" and
   .[1].ports == [{port: \"metrics\", protocol: \"TCP\"}] and .[1].from == [{namespaceSelector: {matchLabels: {\"kubernetes.io/metadata.name\": \"monitoring\"}}, podSelector: {}}])"
assert "NetworkPolicy: egress only DNS, PostgreSQL, Redis and HTTPS" "$P" \
  "[$NP.spec.egress[].ports[].port] == [53, 53, 5432, 6379, 443] and ($NP.spec.policyTypes == [\"Ingress\", \"Egress\"])"
assert "NetworkPolicy: dev: PostgreSQL and Redis egress to the dev pods" "$V" \
  "[$NP.spec.egress[] | .to[]?.podSelector.matchLabels[\"app.kubernetes.io/component\"]] == [\"postgresql\", \"redis\"]"
assert "Ingress: ALB class, TLS host, idle timeout 60 s and /readyz health check" "$WORK/ingress.jsonl" \
  "map(select(.kind==\"Ingress\"))[0] | .spec.ingressClassName == \"alb\" and .spec.tls == [{hosts: [\"tickets.example.com\"]}] and
   .metadata.annotations[\"alb.ingress.kubernetes.io/load-balancer-attributes\"] == \"idle_timeout.timeout_seconds=60\" and
   .metadata.annotations[\"alb.ingress.kubernetes.io/healthcheck-path\"] == \"/readyz\" and
   .spec.rules[0].http.paths[0].backend.service == {name: \"rel-boxoffice\", port: {name: \"http\"}}"
assert "dev: PostgreSQL and Redis StatefulSets of one pod, the service pointed at them" "$V" \
  "[.[] | select(.kind==\"StatefulSet\") | {c: .metadata.labels[\"app.kubernetes.io/component\"], r: .spec.replicas}] == [{c: \"postgresql\", r: 1}, {c: \"redis\", r: 1}] and
   (map(select(.kind==\"Secret\"))[0].data | (.BOXOFFICE_DATABASE_URL | @base64d | startswith(\"postgresql://boxoffice:boxoffice-dev-only@rel-boxoffice-postgresql:5432/boxoffice\")) and
    (.BOXOFFICE_REDIS_URL | @base64d) == \"redis://rel-boxoffice-redis:6379\")"
assert "dev: nothing of it by default" "$D" "map(select(.kind==\"StatefulSet\")) | length == 0"

# --- NOTES.txt ----------------------------------------------------------------------------------
# helm template does not render NOTES.txt: a copy of the chart renders it into a ConfigMap.
cp -r "$CHART" "$WORK/notes"
{ echo '{{- define "boxoffice.notesUnderTest" }}'; cat "$CHART/templates/NOTES.txt"; echo '{{- end }}'; } > "$WORK/notes/templates/_notes.tpl"
printf '%s\n' 'apiVersion: v1' 'kind: ConfigMap' 'metadata:' '  name: notes' 'data:' \
  '  notes: {{ include "boxoffice.notesUnderTest" . | quote }}' > "$WORK/notes/templates/notes-under-test.yaml"
notes() {  # notes [helm flags...] -> the rendered NOTES.txt
  "$HELM" template rel "$WORK/notes" --namespace tickets --kube-version "$KUBE_FLOOR" --show-only templates/notes-under-test.yaml "$@" | yq -r .data.notes
}
notes -f "$CHART/ci/minimal-values.yaml" > "$WORK/notes-minimal.txt"
notes -f "$CHART/ci/ingress-tls-values.yaml" > "$WORK/notes-ingress.txt"
notes -f "$CHART/ci/dev-values.yaml" > "$WORK/notes-dev.txt"
has() { grep -qF -- "$2" "$1"; }
if has "$WORK/notes-minimal.txt" "kubectl -n tickets create secret generic boxoffice-secrets" &&
   has "$WORK/notes-minimal.txt" "kubectl -n tickets port-forward svc/rel-boxoffice 8080:80" &&
   has "$WORK/notes-minimal.txt" "helm test rel -n tickets" &&
   has "$WORK/notes-minimal.txt" "--set loadtest.enabled=true" &&
   has "$WORK/notes-minimal.txt" "logs job/rel-boxoffice-loadtest" &&
   has "$WORK/notes-minimal.txt" "boxoffice token --user ops --role admin"; then
  pass "NOTES: the Secret to create, how to reach the service, mint tokens, run the tests and the verified sale"
else cat "$WORK/notes-minimal.txt"; fail "NOTES: the Secret to create, how to reach the service, mint tokens, run the tests and the verified sale"; fi
if has "$WORK/notes-ingress.txt" "BASE=https://tickets.example.com" && ! has "$WORK/notes-ingress.txt" "port-forward"; then
  pass "NOTES: with an Ingress, its https URL"
else cat "$WORK/notes-ingress.txt"; fail "NOTES: with an Ingress, its https URL"; fi
notes -f "$CHART/ci/external-secrets-values.yaml" > "$WORK/notes-stripe.txt"
if has "$WORK/notes-stripe.txt" "--from-literal=stripe-secret-key='sk_live_...'" &&
   has "$WORK/notes-stripe.txt" "--from-literal=stripe-webhook-secrets='whsec_...'" &&
   has "$WORK/notes-stripe.txt" "/v1/payments/stripe/webhook" && ! has "$WORK/notes-minimal.txt" "stripe"; then
  pass "NOTES: with stripe, the Secret's Stripe keys and the webhook endpoint (and not without)"
else cat "$WORK/notes-stripe.txt"; fail "NOTES: with stripe, the Secret's Stripe keys and the webhook endpoint"; fi
if has "$WORK/notes-dev.txt" "DEV DEPENDENCIES ARE ON (PostgreSQL and Redis" && ! has "$WORK/notes-dev.txt" "create secret"; then
  pass "NOTES: dev dependencies are announced as not for production"
else cat "$WORK/notes-dev.txt"; fail "NOTES: dev dependencies are announced as not for production"; fi

# --- what the templates refuse ------------------------------------------------------------------
refuses() {  # refuses DESCRIPTION MESSAGE_PART [helm flags...]
  local what=$1 message=$2; shift 2
  if render "$@" > /dev/null 2> "$WORK/err"; then fail "refuses: $what (rendered)"
  elif grep -qF -- "$message" "$WORK/err"; then pass "refuses: $what"
  else cat "$WORK/err"; fail "refuses: $what (other error)"; fi
}
refuses "secrets.create without a database URL" "secrets.values.databaseUrl is required" \
  --set secrets.create=true --set secrets.values.jwtSecret=jwt-created-0123456789-0123456789-01
refuses "several pods without Redis" "without Redis" --set secrets.keys.redisUrl=
refuses "dev dependencies without secrets.create" "secrets.create" --set dev.redis.enabled=true --set secrets.existingSecret=x
refuses "both existingSecret and create" "not both" -f "$CHART/ci/dev-values.yaml" --set secrets.existingSecret=x
refuses "an autoscaler without a metric" "needs a metric" --set autoscaling.targetCPUUtilizationPercentage=0
STRIPE_CREATED=(--set secrets.create=true --set secrets.values.jwtSecret=jwt-created-0123456789-0123456789-01
  --set secrets.values.ticketSigningKey=dGlja2V0LWNyZWF0ZWQtMDEyMzQ1Njc4OS0wMTIzNDU= --set secrets.values.databaseUrl=postgresql://u:p@db:5432/b
  --set secrets.values.redisUrl=rediss://:t@r:6379 --set config.paymentsProvider=stripe)
refuses "stripe with secrets.create and no Stripe secret key" "secrets.values.stripeSecretKey is required" "${STRIPE_CREATED[@]}" \
  --set secrets.values.stripeWebhookSecrets=whsec_a
refuses "stripe with secrets.create and no webhook secrets" "secrets.values.stripeWebhookSecrets is required" "${STRIPE_CREATED[@]}" \
  --set secrets.values.stripeSecretKey=sk_test_a
refuses "stripe with mountAsFiles and a comma list of webhook secrets" "must hold one secret with secrets.mountAsFiles" \
  -f "$CHART/ci/stripe-values.yaml" --set secrets.mountAsFiles=true
refuses "a dev webhook key with secrets.create and no value" "secrets.values.paymentsDevWebhookSecret is required" \
  -f "$CHART/ci/dev-values.yaml" --set secrets.keys.paymentsDevWebhookSecret=BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET
refuses "both a JWKS URL and a JWKS file" "config.jwksUrl or config.jwksFile" --set config.jwksUrl=https://idp.example/jwks --set config.jwksFile=/x
finish
