#!/usr/bin/env bash
# Deploys the current commit to an environment made by terraform/envs/ENV:
#
#   scripts/deploy.sh dev                  # build, push, migrate, roll the service, print the URL
#   scripts/deploy.sh prod --tag 1a2b3c4d5e6f   # deploy an image already in ECR (rollback: an older tag)
#   scripts/deploy.sh dev --push-only      # build and push only (the first deploy, see terraform/README.md)
#
# 1. builds the image (scripts/build-image.sh) tagged with the commit and pushes it to the stack's
#    ECR repository (tags are immutable: a tag that exists is reused, never overwritten);
# 2. registers a migrate task definition with that image and runs it (`boxoffice migrate up`) in the
#    private subnets; waits for it to stop and fails the deploy unless its exit code is 0;
# 3. registers a service task definition with that image (from the revision Terraform last wrote,
#    so configuration changes made with `terraform apply` roll out here too), updates the service,
#    waits until it is stable (the circuit breaker rolls a failing deployment back), prints the URL.
#
# Needs: terraform (with the env's backend initialised), the AWS CLI, jq, and docker or
# buildah + skopeo. AWS credentials come from the usual AWS CLI chain.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)

log() { echo "deploy: $*" >&2; }
die() {
  log "$*"
  exit 1
}
usage() {
  echo "usage: scripts/deploy.sh ENV [--tag TAG] [--push-only]" >&2
  exit 2
}

[[ $# -ge 1 ]] || usage
ENV=$1
shift
TAG=""
PUSH_ONLY=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --tag) TAG=${2:?--tag needs a value}; shift 2 ;;
    --push-only) PUSH_ONLY=1; shift ;;
    *) usage ;;
  esac
done
ENV_DIR=$ROOT/terraform/envs/$ENV
[[ -d $ENV_DIR ]] || die "no terraform/envs/$ENV"
for tool in terraform aws jq; do command -v "$tool" >/dev/null || die "$tool not found"; done

out() { terraform -chdir="$ENV_DIR" output -raw "$1"; }
REPO=$(out ecr_repository_url) || die "no outputs: run terraform init/apply in terraform/envs/$ENV first"
REGION=$(cut -d. -f4 <<<"$REPO") # ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME
REGISTRY=${REPO%%/*}
export AWS_REGION=$REGION AWS_DEFAULT_REGION=$REGION

# 1. Image
build_and_push() {
  if [[ -z $TAG ]]; then
    [[ -z $(git status --porcelain --untracked-files=no) ]] || die "uncommitted changes: commit first (the tag names a commit)"
    TAG=$(git rev-parse --short=12 HEAD)
  fi
  if aws ecr describe-images --repository-name "${REPO#*/}" --image-ids "imageTag=$TAG" >/dev/null 2>&1; then
    log "image $REPO:$TAG is already in ECR (immutable tags): not rebuilding"
    return
  fi
  log "building $REPO:$TAG"
  IMAGE_TAG=$REPO:$TAG scripts/build-image.sh
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    aws ecr get-login-password | docker login --username AWS --password-stdin "$REGISTRY" >/dev/null
    docker push "$REPO:$TAG"
  else
    command -v skopeo >/dev/null || die "neither a Docker engine nor skopeo to push with"
    aws ecr get-login-password | skopeo login --username AWS --password-stdin "$REGISTRY" >/dev/null
    skopeo copy "oci-archive:${BUILD_DIR:-build}/image/boxoffice.oci.tar" "docker://$REPO:$TAG"
  fi
  log "pushed $REPO:$TAG"
}

if [[ -n $TAG && -z $PUSH_ONLY ]]; then
  aws ecr describe-images --repository-name "${REPO#*/}" --image-ids "imageTag=$TAG" >/dev/null ||
    die "no image $REPO:$TAG in ECR"
else
  build_and_push
fi
[[ -n $PUSH_ONLY ]] && {
  log "pushed only; next: terraform apply -var image_tag=$TAG, then scripts/deploy.sh $ENV --tag $TAG"
  exit 0
}
IMAGE=$REPO:$TAG

# A new revision of a task definition family with every container of our image moved to IMAGE.
register_with_image() { # TASK_DEFINITION_ARN -> new revision ARN
  aws ecs describe-task-definition --task-definition "$1" --query taskDefinition --output json |
    jq --arg image "$IMAGE" --arg repo "$REPO" '
      {family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes,
       requiresCompatibilities, cpu, memory, runtimePlatform}
      | with_entries(select(.value != null))   # register-task-definition refuses null fields
      | .containerDefinitions |= map(if (.image | startswith($repo + ":")) then .image = $image else . end)' \
      >"$WORK/taskdef.json"
  aws ecs register-task-definition --cli-input-json "file://$WORK/taskdef.json" \
    --query taskDefinition.taskDefinitionArn --output text
}

WORK=$(mktemp -d)
trap 'rm -rf -- "$WORK"' EXIT
CLUSTER=$(out cluster_name)
SERVICE=$(out service_name)
SUBNETS=$(terraform -chdir="$ENV_DIR" output -json private_subnet_ids | jq -r 'join(",")')
SG=$(out service_security_group_id)

# 2. Migrations, as their own step: the deploy stops here unless they succeeded.
migrate_td=$(register_with_image "$(out migrate_task_definition_arn)")
log "running migrations ($migrate_td)"
task=$(aws ecs run-task --cluster "$CLUSTER" --task-definition "$migrate_td" --launch-type FARGATE \
  --network-configuration "awsvpcConfiguration={subnets=[$SUBNETS],securityGroups=[$SG],assignPublicIp=DISABLED}" \
  --started-by "deploy.sh" --query 'tasks[0].taskArn' --output text)
[[ $task == arn:* ]] || die "the migrate task did not start: $task"
aws ecs wait tasks-stopped --cluster "$CLUSTER" --tasks "$task"
aws ecs describe-tasks --cluster "$CLUSTER" --tasks "$task" --output json >"$WORK/migrate.json"
code=$(jq -r '.tasks[0].containers[] | select(.name == "migrate") | .exitCode // "none"' "$WORK/migrate.json")
if [[ $code != 0 ]]; then
  jq -r '.tasks[0] | "stopped: \(.stoppedReason // "?"); container: \(.containers[0].reason // "-")"' "$WORK/migrate.json" >&2
  die "migrations failed (exit code $code): see the log group of $CLUSTER, stream prefix migrate/; nothing was rolled out"
fi
log "migrations applied (exit code 0)"

# 3. Roll the service to the new image and wait for it to settle.
service_td=$(register_with_image "$(out service_task_definition_arn)")
log "updating $SERVICE to $service_td"
aws ecs update-service --cluster "$CLUSTER" --service "$SERVICE" --task-definition "$service_td" >/dev/null
if ! aws ecs wait services-stable --cluster "$CLUSTER" --services "$SERVICE"; then
  die "the service did not become stable; the circuit breaker rolls back a failed deployment (aws ecs describe-services)"
fi
running=$(aws ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" \
  --query 'services[0].deployments[?status==`PRIMARY`].taskDefinition' --output text)
[[ $running == "$service_td" ]] || die "the service runs $running, not $service_td (rolled back by the circuit breaker)"
url=$(out service_url)
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz" || true)
log "deployed $IMAGE to $ENV: $url (/readyz: $code)"
echo "$url"
