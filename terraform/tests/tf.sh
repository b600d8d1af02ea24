#!/usr/bin/env bash
# The Terraform checks that ctest runs (label `terraform`). Each runs in a temporary copy of
# terraform/ (and dashboards/prometheus/, which the envs read with file()), so checks can run in
# parallel and the source tree never gets .terraform/ folders, lock files, overrides or state.
#
#   tf.sh fmt                    terraform fmt -check -recursive
#   tf.sh validate DIR           init -backend=false + validate (DIR: modules/NAME or envs/NAME)
#   tf.sh test MODULE            terraform test of modules/MODULE (mock provider, offline)
#   tf.sh plan                   plan dev and prod offline with fake credentials; policy checks (policies.jq)
#                                over `terraform show -json` and the differences prod must have over dev
#   tf.sh apply                  apply + destroy envs/dev against moto_server (see apply.sh)
#
# Providers come only from the offline mirror through terraform/terraform.tfrc (TF_CLI_CONFIG_FILE).
# Plan JSON holds the provider's (fake) keys: it stays in the temporary folder and is never printed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd -P)
TF_ROOT=$(dirname "$HERE")
REPO=$(dirname "$TF_ROOT")
MIRROR=${BOXOFFICE_TF_MIRROR:-/opt/tf-plugins}

log() { echo "tf: $*" >&2; }
die() {
  log "$*"
  exit 1
}

command -v terraform >/dev/null ||
  die "terraform not found on PATH (Terraform >= 1.11 is needed; it is not a Debian package: install it from HashiCorp)"
[[ -d $MIRROR/registry.terraform.io/hashicorp/aws ]] ||
  die "the offline provider mirror $MIRROR has no hashicorp/aws (set BOXOFFICE_TF_MIRROR, or drop terraform/terraform.tfrc to use the registry)"
command -v jq >/dev/null || die "jq not found (apt-get install jq)"

export TF_CLI_CONFIG_FILE=$TF_ROOT/terraform.tfrc
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
# Never let a developer's AWS profile or the instance metadata service leak into a check.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true

WORK=$(mktemp -d "${TMPDIR:-/tmp}/boxoffice-tf.XXXXXX")
cleanup() { rm -rf -- "$WORK"; }
trap cleanup EXIT
[[ -n ${KEEP_TF_WORK:-} ]] && trap - EXIT && echo "tf: keeping $WORK" >&2
mkdir -p "$WORK/dashboards"
cp -r "$TF_ROOT" "$WORK/terraform"
cp -r "$REPO/dashboards/prometheus" "$WORK/dashboards/prometheus"
find "$WORK/terraform" \( -name .terraform -o -name '.terraform.lock.hcl' -o -name '*.tfstate*' \) -prune -exec rm -rf {} +

FAKE_CERT=arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000
# prod is planned with Stripe (operator-created secrets, by ARN), dev with its default dev provider.
FAKE_STRIPE_KEY=arn:aws:secretsmanager:eu-west-1:123456789012:secret:boxoffice-prod/stripe-secret-key-AbCdEf
FAKE_STRIPE_WEBHOOK=arn:aws:secretsmanager:eu-west-1:123456789012:secret:boxoffice-prod/stripe-webhook-secrets-AbCdEf

init() { # DIR [extra init args]
  local dir=$1
  shift
  (cd "$dir" && terraform init -input=false -no-color "$@" >"$WORK/init.log" 2>&1) ||
    {
      cat "$WORK/init.log" >&2
      die "terraform init failed in ${dir#"$WORK"/}"
    }
}

# Offline: fake keys, no credential or account look-up, local state instead of the S3 backend.
offline_overrides() {
  local dir=$1
  cat >"$dir/provider_override.tf" <<'EOF'
provider "aws" {
  access_key                  = "AKIAFAKEFAKEFAKEFAKE"
  secret_key                  = "fake-secret-key-for-offline-plans-only"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
EOF
  printf 'terraform {\n  backend "local" {}\n}\n' >"$dir/backend_override.tf"
}

plan_env() { # ENV -> $WORK/ENV.json
  local env=$1 dir=$WORK/terraform/envs/$1
  local vars=(-var "certificate_arn=$FAKE_CERT")
  [[ $env == prod ]] &&
    vars+=(-var "payments={provider=\"stripe\", stripe={secret_key_arn=\"$FAKE_STRIPE_KEY\", webhook_secrets_arn=\"$FAKE_STRIPE_WEBHOOK\"}}")
  offline_overrides "$dir"
  init "$dir"
  (cd "$dir" && terraform plan -refresh=false -lock=false -input=false -no-color \
    "${vars[@]}" -out="$WORK/$env.tfplan" >"$WORK/$env.plan.log" 2>&1) ||
    {
      grep -v -i -E 'secret|key' "$WORK/$env.plan.log" | tail -n 40 >&2
      die "terraform plan of envs/$env failed"
    }
  (cd "$dir" && terraform show -json "$WORK/$env.tfplan" >"$WORK/$env.json")
  grep -E '^Plan:' "$WORK/$env.plan.log" | sed "s/^/tf: $env: /" >&2
}

cmd=${1:-}
case $cmd in
  fmt)
    terraform fmt -check -recursive -diff "$WORK/terraform" || die "run: terraform fmt -recursive terraform/"
    log "fmt: clean"
    ;;
  validate)
    [[ $# -eq 2 && -d $WORK/terraform/$2 ]] || die "usage: tf.sh validate modules/NAME|envs/NAME"
    for f in main.tf variables.tf outputs.tf versions.tf README.md; do
      [[ -f $WORK/terraform/$2/$f ]] || die "$2 lacks $f (house style: main/variables/outputs/versions.tf + README.md)"
    done
    init "$WORK/terraform/$2" -backend=false
    (cd "$WORK/terraform/$2" && terraform validate -no-color)
    # Every variable has a description and a type other than `any` (house style).
    (cd "$WORK/terraform/$2" && awk '
      /^variable "/ { if (name != "") check(); name = $2; d = 0; t = 0; any = 0 }
      /^  description *=/ { d = 1 }
      /^  type *=/ { t = 1; if ($0 ~ /(^|[^a-z_])any([^a-z_]|$)/) any = 1 }
      function check() { if (!d || !t || any) { print "variable " name " needs a description and a concrete type"; bad = 1 } }
      END { if (name != "") check(); exit bad }' variables.tf) || die "$2: untyped or undescribed variables"
    ;;
  test)
    [[ $# -eq 2 && -d $WORK/terraform/modules/$2 ]] || die "usage: tf.sh test MODULE"
    dir=$WORK/terraform/modules/$2
    compgen -G "$dir/tests/*.tftest.hcl" >/dev/null || die "modules/$2 has no tests/*.tftest.hcl"
    init "$dir" -backend=false
    (cd "$dir" && terraform test -no-color) | tee "$WORK/test.log"
    grep -Eq '^Success! [0-9]+ passed, 0 failed' "$WORK/test.log" || die "terraform test of modules/$2 failed"
    ;;
  plan)
    plan_env dev &
    dev_pid=$!
    plan_env prod &
    prod_pid=$!
    wait "$dev_pid" || die "plan of dev failed"
    wait "$prod_pid" || die "plan of prod failed"
    rule_files=$(find "$REPO/dashboards/prometheus" -maxdepth 1 -name '*.yaml' | wc -l)
    failures=0
    for env in dev prod; do
      out=$(jq -r --arg env "$env" --argjson rule_files "$rule_files" --arg stripe_key "$FAKE_STRIPE_KEY" \
        --arg stripe_webhook "$FAKE_STRIPE_WEBHOOK" -f "$HERE/policies.jq" "$WORK/$env.json") ||
        die "policies.jq could not evaluate the $env plan"
      if [[ -n $out ]]; then
        echo "$out" | sed "s/^/tf: $env: /" >&2
        failures=$((failures + $(echo "$out" | wc -l)))
      else
        checks=$(grep -c 'expect(' "$HERE/policies.jq")
        log "$env: all $checks policy checks passed"
      fi
    done
    # What prod must have over dev, side by side from the two plans.
    facts() {
      jq -c '[.resource_changes[] | select(.change.actions | index("create"))] as $r | {
        nat: [$r[] | select(.type == "aws_nat_gateway")] | length,
        azs: [$r[] | select(.type == "aws_subnet") | .change.after.availability_zone] | unique | length,
        multi_az: [$r[] | select(.type == "aws_db_instance") | .change.after.multi_az][0],
        backups: [$r[] | select(.type == "aws_db_instance") | .change.after.backup_retention_period][0],
        deletion_protection: [$r[] | select(.type == "aws_db_instance") | .change.after.deletion_protection][0],
        redis_failover: [$r[] | select(.type == "aws_elasticache_replication_group") | .change.after.automatic_failover_enabled][0],
        max_tasks: [$r[] | select(.type == "aws_appautoscaling_target") | .change.after.max_capacity][0],
        spot: ([$r[] | select(.type == "aws_ecs_cluster_capacity_providers") | .change.after.capacity_providers[]] | index("FARGATE_SPOT") != null)
      }' "$1"
    }
    dev=$(facts "$WORK/dev.json")
    prod=$(facts "$WORK/prod.json")
    log "dev:  $dev"
    log "prod: $prod"
    diffs=$(jq -n -r --argjson d "$dev" --argjson p "$prod" '
      def need(c; m): if c then empty else "FAIL prod vs dev: " + m end;
      need($p.nat == $p.azs and $d.nat == 1 and $p.nat > $d.nat; "NAT per AZ in prod, one in dev"),
      need($p.azs == 3 and $d.azs == 2; "3 AZs in prod, 2 in dev"),
      need($p.multi_az and ($d.multi_az | not); "Multi-AZ database in prod only"),
      need($p.backups > $d.backups; "longer backup retention in prod"),
      need($p.deletion_protection and ($d.deletion_protection | not); "deletion protection in prod only"),
      need($p.redis_failover and ($d.redis_failover | not); "Redis failover in prod only"),
      need($p.max_tasks > $d.max_tasks; "more tasks in prod"),
      need(($p.spot | not) and $d.spot; "spot only in dev")')
    if [[ -n $diffs ]]; then
      echo "$diffs" | sed 's/^/tf: /' >&2
      failures=$((failures + $(echo "$diffs" | wc -l)))
    else
      log "prod differs from dev where it must (NAT per AZ, AZs, Multi-AZ, backups, deletion protection, failover, scale, spot)"
    fi
    ((failures == 0)) || die "$failures policy violation(s)"
    ;;
  apply)
    "$HERE/apply.sh" "$WORK"
    ;;
  *)
    die "usage: tf.sh fmt | validate DIR | test MODULE | plan | apply"
    ;;
esac
