{{/*
Name of the chart, cut at 63 characters (a label value's limit).
*/}}
{{- define "boxoffice.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects, cut at 63 characters (DNS label limit). When the release name
already contains the chart name it is used alone.
*/}}
{{- define "boxoffice.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
A name derived from the full name with a suffix, the whole cut at 63 characters.
Usage: include "boxoffice.componentName" (list . "migrate")
*/}}
{{- define "boxoffice.componentName" -}}
{{- $root := index . 0 }}
{{- $suffix := index . 1 }}
{{- printf "%s-%s" (include "boxoffice.fullname" $root | trunc (int (sub 62 (len $suffix)))) $suffix | trimSuffix "-" }}
{{- end }}

{{/*
Chart name and version, as used by the helm.sh/chart label.
*/}}
{{- define "boxoffice.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every object: the selector labels plus version and chart, which may change on upgrade.
*/}}
{{- define "boxoffice.labels" -}}
helm.sh/chart: {{ include "boxoffice.chart" . }}
{{ include "boxoffice.selectorLabels" . }}
app.kubernetes.io/version: {{ include "boxoffice.imageTag" . | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: boxoffice
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Selector labels: never the chart or app version, so that selectors (immutable on a Deployment)
stay the same across upgrades.
*/}}
{{- define "boxoffice.selectorLabels" -}}
app.kubernetes.io/name: {{ include "boxoffice.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of a component (server, migrate, loadtest, test, postgresql, redis).
Usage: include "boxoffice.componentLabels" (list . "server")
*/}}
{{- define "boxoffice.componentLabels" -}}
{{ include "boxoffice.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/*
Selector labels of a component.
*/}}
{{- define "boxoffice.componentSelectorLabels" -}}
{{ include "boxoffice.selectorLabels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/*
Name of the service's ServiceAccount.
*/}}
{{- define "boxoffice.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "boxoffice.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
ServiceAccount of the pre-install/pre-upgrade hooks: the chart's own does not exist yet on install.
*/}}
{{- define "boxoffice.hookServiceAccountName" -}}
{{- if .Values.migrate.serviceAccountName }}
{{- .Values.migrate.serviceAccountName }}
{{- else if .Values.serviceAccount.create }}
{{- "default" }}
{{- else }}
{{- include "boxoffice.serviceAccountName" . }}
{{- end }}
{{- end }}

{{/*
Tag of the image: image.tag, or the chart's appVersion.
*/}}
{{- define "boxoffice.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion | toString }}
{{- end }}

{{/*
The image reference: registry/repository followed by @digest when a digest is given, else :tag.
*/}}
{{- define "boxoffice.image" -}}
{{- $repo := .Values.image.repository }}
{{- if .Values.image.registry }}
{{- $repo = printf "%s/%s" (trimSuffix "/" .Values.image.registry) .Values.image.repository }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repo .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repo (include "boxoffice.imageTag" .) }}
{{- end }}
{{- end }}

{{/*
Name of the Secret the pods read.
*/}}
{{- define "boxoffice.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- include "boxoffice.fullname" . }}
{{- end }}
{{- end }}

{{/*
Name of the copy of the chart-created Secret made for the pre-install hook (the release's own
Secret is only created after the pre-install hooks have run).
*/}}
{{- define "boxoffice.hookSecretName" -}}
{{- if .Values.secrets.create }}
{{- include "boxoffice.componentName" (list . "hook") }}
{{- else }}
{{- include "boxoffice.secretName" . }}
{{- end }}
{{- end }}

{{/*
Whether Redis is configured at all: a Secret key for its URL (the dev Redis fills that key too).
*/}}
{{- define "boxoffice.redisEnabled" -}}
{{- if .Values.secrets.keys.redisUrl }}true{{ end }}
{{- end }}

{{/*
Data of the chart-created Secret (the values, or the dev dependencies' URLs), checked here because
a Secret with an empty database URL only fails later, in a crash-looping pod.
*/}}
{{- define "boxoffice.secretData" -}}
{{- $v := .Values.secrets.values }}
{{- $k := .Values.secrets.keys }}
{{- $db := $v.databaseUrl }}
{{- if .Values.dev.postgresql.enabled }}
{{- $pg := .Values.dev.postgresql }}
{{- $db = printf "postgresql://%s:%s@%s:5432/%s?sslmode=disable" ($pg.username | urlquery) ($pg.password | urlquery) (include "boxoffice.componentName" (list . "postgresql")) $pg.database }}
{{- end }}
{{- $redis := $v.redisUrl }}
{{- if and .Values.dev.redis.enabled (not $k.redisUrl) }}
{{- fail "dev.redis needs secrets.keys.redisUrl" }}
{{- end }}
{{- if .Values.dev.redis.enabled }}
{{- $redis = printf "redis://%s:6379" (include "boxoffice.componentName" (list . "redis")) }}
{{- end }}
{{- if lt (len $v.jwtSecret) 32 }}
{{- fail "secrets.values.jwtSecret must be at least 32 characters when secrets.create is true" }}
{{- end }}
{{- if not $db }}
{{- fail "secrets.values.databaseUrl is required when secrets.create is true (or enable dev.postgresql)" }}
{{- end }}
{{- if not (or (regexMatch "^[A-Za-z0-9+/]{43}=$" $v.ticketSigningKey) (contains "PRIVATE KEY-----" $v.ticketSigningKey)) }}
{{- fail "secrets.values.ticketSigningKey must be an Ed25519 PEM private key or the base64 of a 32-byte seed (openssl rand -base64 32) when secrets.create is true" }}
{{- end }}
{{ $k.jwtSecret }}: {{ $v.jwtSecret | b64enc | quote }}
{{ $k.ticketSigningKey }}: {{ $v.ticketSigningKey | b64enc | quote }}
{{ $k.databaseUrl }}: {{ $db | b64enc | quote }}
{{- if and $k.redisUrl (not $redis) }}
{{- fail "secrets.values.redisUrl is required when secrets.create is true and secrets.keys.redisUrl is set (or enable dev.redis, or set secrets.keys.redisUrl to \"\" for in-process holds)" }}
{{- end }}
{{- if $k.redisUrl }}
{{ $k.redisUrl }}: {{ $redis | b64enc | quote }}
{{- end }}
{{- if .Values.dev.postgresql.enabled }}
DEV_POSTGRES_PASSWORD: {{ .Values.dev.postgresql.password | b64enc | quote }}
{{- end }}
{{- if eq .Values.config.paymentsProvider "stripe" }}
{{- if not $v.stripeSecretKey }}
{{- fail "secrets.values.stripeSecretKey is required when secrets.create is true and config.paymentsProvider is stripe (Stripe's secret API key, sk_...)" }}
{{- end }}
{{- if not (trim $v.stripeWebhookSecrets) }}
{{- fail "secrets.values.stripeWebhookSecrets is required when secrets.create is true and config.paymentsProvider is stripe (the webhook endpoint's signing secret, whsec_...; comma-separated during a rotation)" }}
{{- end }}
{{- if and .Values.secrets.mountAsFiles (contains "," $v.stripeWebhookSecrets) }}
{{- fail "secrets.values.stripeWebhookSecrets must hold one secret with secrets.mountAsFiles (BOXOFFICE_STRIPE_WEBHOOK_SECRET_FILE is read as one secret): no comma list" }}
{{- end }}
{{ $k.stripeSecretKey }}: {{ $v.stripeSecretKey | b64enc | quote }}
{{ $k.stripeWebhookSecrets }}: {{ trim $v.stripeWebhookSecrets | b64enc | quote }}
{{- else if $k.paymentsDevWebhookSecret }}
{{- if not $v.paymentsDevWebhookSecret }}
{{- fail "secrets.values.paymentsDevWebhookSecret is required when secrets.create is true and secrets.keys.paymentsDevWebhookSecret is set (or set that key to \"\")" }}
{{- end }}
{{ $k.paymentsDevWebhookSecret }}: {{ $v.paymentsDevWebhookSecret | b64enc | quote }}
{{- end }}
{{- end }}

{{/*
Seconds of a duration such as 500ms, 5s, 2m, 1h, 1d (the service's syntax), rounded up.
*/}}
{{- define "boxoffice.durationSeconds" -}}
{{- $d := toString . }}
{{- if not (regexMatch "^[0-9]+(ms|s|m|h|d)$" $d) }}
{{- fail (printf "not a duration: %q (use ms, s, m, h or d)" $d) }}
{{- end }}
{{- $n := regexFind "^[0-9]+" $d | int64 }}
{{- $unit := regexReplaceAll "^[0-9]+" $d "" }}
{{- if eq $unit "ms" }}{{ div (add $n 999) 1000 }}
{{- else if eq $unit "s" }}{{ $n }}
{{- else if eq $unit "m" }}{{ mul $n 60 }}
{{- else if eq $unit "h" }}{{ mul $n 3600 }}
{{- else }}{{ mul $n 86400 }}
{{- end }}
{{- end }}

{{/*
terminationGracePeriodSeconds: the preStop sleep, then the service's own drain (readiness fails
for BOXOFFICE_SHUTDOWN_GRACE, then in-flight requests get up to BOXOFFICE_SHUTDOWN_TIMEOUT), plus a
margin, so the kubelet never SIGKILLs a pod that is still answering.
*/}}
{{- define "boxoffice.terminationGracePeriodSeconds" -}}
{{- $grace := include "boxoffice.durationSeconds" .Values.config.shutdownGrace | int }}
{{- $timeout := include "boxoffice.durationSeconds" .Values.config.shutdownTimeout | int }}
{{- add .Values.lifecycle.preStopSleepSeconds $grace $timeout .Values.lifecycle.terminationGraceMarginSeconds }}
{{- end }}

{{/*
The non-secret BOXOFFICE_* settings as a map of variable name to string: the ConfigMap's data and,
for the pre-install hook (which runs before the ConfigMap exists), inline env.
*/}}
{{- define "boxoffice.configData" -}}
BOXOFFICE_PORT: {{ .Values.containerPorts.http | toString | quote }}
BOXOFFICE_METRICS_PORT: {{ .Values.containerPorts.metrics | toString | quote }}
BOXOFFICE_AUTO_MIGRATE: "false"
{{- range $key, $value := .Values.config }}
{{- if ne (toString $value) "" }}
BOXOFFICE_{{ snakecase $key | upper }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/*
env entries that read the secrets. Usage: include "boxoffice.secretEnv" (list . secretName)
*/}}
{{- define "boxoffice.secretEnv" -}}
{{- $root := index . 0 }}
{{- $name := index . 1 }}
{{- $k := $root.Values.secrets.keys -}}
- name: BOXOFFICE_JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ $k.jwtSecret }}
- name: BOXOFFICE_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ $k.databaseUrl }}
{{- if include "boxoffice.redisEnabled" $root }}
- name: BOXOFFICE_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ $k.redisUrl }}
{{- end }}
{{- end }}

{{/*
The service's own containers (server, migrations) read the secrets like secretEnv, or with
`secrets.mountAsFiles` from the Secret mounted as files (BOXOFFICE_*_FILE). Usage as secretEnv; the
pod then needs boxoffice.secretVolume and the container boxoffice.secretVolumeMount.
*/}}
{{- define "boxoffice.serviceSecretEnv" -}}
{{- $root := index . 0 }}
{{- if $root.Values.secrets.mountAsFiles }}
{{- $k := $root.Values.secrets.keys -}}
- name: BOXOFFICE_JWT_SECRET_FILE
  value: /var/run/secrets/boxoffice/{{ $k.jwtSecret }}
- name: BOXOFFICE_TICKET_SIGNING_KEY_FILE
  value: /var/run/secrets/boxoffice/{{ $k.ticketSigningKey }}
- name: BOXOFFICE_DATABASE_URL_FILE
  value: /var/run/secrets/boxoffice/{{ $k.databaseUrl }}
{{- if include "boxoffice.redisEnabled" $root }}
- name: BOXOFFICE_REDIS_URL_FILE
  value: /var/run/secrets/boxoffice/{{ $k.redisUrl }}
{{- end }}
{{- if eq $root.Values.config.paymentsProvider "stripe" }}
- name: BOXOFFICE_STRIPE_SECRET_KEY_FILE
  value: /var/run/secrets/boxoffice/{{ $k.stripeSecretKey }}
{{- /* The service reads no _FILE for the comma list: the single-secret variable, one secret. */}}
- name: BOXOFFICE_STRIPE_WEBHOOK_SECRET_FILE
  value: /var/run/secrets/boxoffice/{{ $k.stripeWebhookSecrets }}
{{- else if $k.paymentsDevWebhookSecret }}
- name: BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET_FILE
  value: /var/run/secrets/boxoffice/{{ $k.paymentsDevWebhookSecret }}
{{- end }}
{{- else }}
{{- include "boxoffice.secretEnv" . }}
{{- /* Only the service's own containers sign tickets: the load-test Job (secretEnv) never sees the key. */}}
- name: BOXOFFICE_TICKET_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ index . 1 }}
      key: {{ $root.Values.secrets.keys.ticketSigningKey }}
{{- /* The payment provider's secrets: only the service's own containers (the load test pays with dev's confirm-payment). */}}
{{- include "boxoffice.paymentSecretEnv" . }}
{{- end }}
{{- end }}

{{/*
env entries of the payment provider's secrets (secretKeyRef): Stripe's key and webhook secrets with
config.paymentsProvider stripe, the dev webhook secret with dev when its key is set, else none.
Usage: include "boxoffice.paymentSecretEnv" (list . secretName)
*/}}
{{- define "boxoffice.paymentSecretEnv" -}}
{{- $root := index . 0 }}
{{- $name := index . 1 }}
{{- $k := $root.Values.secrets.keys }}
{{- if eq $root.Values.config.paymentsProvider "stripe" }}
- name: BOXOFFICE_STRIPE_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ $k.stripeSecretKey }}
- name: BOXOFFICE_STRIPE_WEBHOOK_SECRETS
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ $k.stripeWebhookSecrets }}
{{- else if $k.paymentsDevWebhookSecret }}
- name: BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ $k.paymentsDevWebhookSecret }}
{{- end }}
{{- end }}

{{/* The Secret as a volume (only with secrets.mountAsFiles). Usage: include ... (list . secretName) */}}
{{- define "boxoffice.secretVolume" -}}
{{- $root := index . 0 }}
{{- if $root.Values.secrets.mountAsFiles -}}
- name: secrets
  secret:
    secretName: {{ index . 1 }}
    defaultMode: 0440
{{- end }}
{{- end }}

{{- define "boxoffice.secretVolumeMount" -}}
{{- if .Values.secrets.mountAsFiles -}}
- name: secrets
  mountPath: /var/run/secrets/boxoffice
  readOnly: true
{{- end }}
{{- end }}

{{/*
The http URL of the Service inside the cluster.
*/}}
{{- define "boxoffice.internalUrl" -}}
{{- printf "http://%s.%s.svc:%d" (include "boxoffice.fullname" .) .Release.Namespace (int .Values.service.port) }}
{{- end }}

{{/*
Checks of combinations the schema cannot express well.
*/}}
{{- define "boxoffice.validate" -}}
{{- if and (or .Values.dev.postgresql.enabled .Values.dev.redis.enabled) (not .Values.secrets.create) }}
{{- fail "dev.postgresql / dev.redis need secrets.create: true (the chart writes their URLs into its Secret)" }}
{{- end }}
{{- if and .Values.config.jwksUrl .Values.config.jwksFile }}
{{- fail "set either config.jwksUrl or config.jwksFile, not both" }}
{{- end }}
{{- if and .Values.secrets.create .Values.secrets.existingSecret }}
{{- fail "set either secrets.existingSecret or secrets.create, not both" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (eq (int .Values.autoscaling.targetCPUUtilizationPercentage) 0) (not .Values.autoscaling.requestRate.enabled) }}
{{- fail "autoscaling needs a metric: targetCPUUtilizationPercentage > 0 or requestRate.enabled" }}
{{- end }}
{{- if and (not (include "boxoffice.redisEnabled" .)) (or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1)) }}
{{- fail "without Redis (secrets.keys.redisUrl empty) holds live in each pod: run one replica (replicaCount: 1, autoscaling.enabled: false)" }}
{{- end }}
{{- end }}
