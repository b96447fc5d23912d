
# ---- Flux Operator, FluxInstance and bootstrap Secrets (generator/render/bootstrap/scripts/flux.sh) ----
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The repository root: this script lives in bootstrap/<cluster>/.
REPO_ROOT="${PI_GITOPS_REPO:-$(cd "${SCRIPT_DIR}/../.." && pwd)}"
WORK_DIR=""

usage() {
  cat <<USAGE
Usage: ./flux.sh [--git-ssh-key FILE --known-hosts FILE | --git-token-file FILE [--git-username NAME]] [--age-key FILE]

Run from a machine whose kubectl reaches cluster ${CLUSTER_NAME} (KUBECONFIG). It installs the Flux Operator
${FLUX_OPERATOR_VERSION} with Helm, creates the Secrets Flux and the apps need, and applies
${FLUX_INSTANCE_FILE}, which installs Flux ${FLUX_VERSION} and syncs ${GIT_URL}.

Git credentials for Secret ${FLUX_NAMESPACE}/${GIT_SECRET} (only needed while it does not exist):
  ssh:// URL:   --git-ssh-key FILE (deploy key, mode 0600) and --known-hosts FILE
                (or FLUX_GIT_SSH_KEY_FILE, FLUX_GIT_KNOWN_HOSTS_FILE)
  https:// URL: --git-token-file FILE (mode 0600), --git-username NAME (default: git)
                (or FLUX_GIT_TOKEN_FILE, FLUX_GIT_USERNAME)
SOPS age key for Secret ${FLUX_NAMESPACE}/${SOPS_SECRET} when secrets mode is sops:
  --age-key FILE (mode 0600) or SOPS_AGE_KEY_FILE

Existing Secrets are never overwritten and no secret value is ever printed.
Exit codes: 0 done (or nothing to change), 1 a check failed and nothing was changed, 2 usage,
4 a step failed midway (run again after fixing the cause).
USAGE
}

GIT_SSH_KEY="${FLUX_GIT_SSH_KEY_FILE:-}"
GIT_KNOWN_HOSTS="${FLUX_GIT_KNOWN_HOSTS_FILE:-}"
GIT_TOKEN_FILE="${FLUX_GIT_TOKEN_FILE:-}"
GIT_USERNAME="${FLUX_GIT_USERNAME:-git}"
AGE_KEY="${SOPS_AGE_KEY_FILE:-}"
parse_args() {
  while (($# > 0)); do
    case "$1" in
      --git-ssh-key | --known-hosts | --git-token-file | --git-username | --age-key)
        [[ $# -ge 2 ]] || usage_error "$1 needs a value"
        case "$1" in
          --git-ssh-key) GIT_SSH_KEY="$2" ;;
          --known-hosts) GIT_KNOWN_HOSTS="$2" ;;
          --git-token-file) GIT_TOKEN_FILE="$2" ;;
          --git-username) GIT_USERNAME="$2" ;;
          --age-key) AGE_KEY="$2" ;;
        esac
        shift 2
        ;;
      -h | --help) usage; exit 0 ;;
      *) usage_error "unknown argument: $1" ;;
    esac
  done
}

exists() { kubectl get "$@" >/dev/null 2>&1; }

run_checks() {
  need_commands kubectl helm openssl
  finish_checks
  [[ -f "${REPO_ROOT}/${FLUX_INSTANCE_FILE}" ]] ||
    fail "repository: ${REPO_ROOT}/${FLUX_INSTANCE_FILE} is missing; run pi-gitops generate, or set PI_GITOPS_REPO to the repository root"
  local ready
  ready="$(kubectl get --raw=/readyz 2>/dev/null || true)"
  if [[ "$ready" != ok ]]; then
    fail "cluster: the API server is not reachable or not ready (kubectl get --raw=/readyz); set KUBECONFIG to the cluster's kubeconfig"
    finish_checks
  fi

  if exists secret "$GIT_SECRET" --namespace "$FLUX_NAMESPACE"; then
    GIT_SECRET_EXISTS=1
  elif [[ "$GIT_AUTH" == ssh ]]; then
    if [[ -z "$GIT_SSH_KEY" || -z "$GIT_KNOWN_HOSTS" ]]; then
      fail "git credentials: ${GIT_URL} is SSH: give --git-ssh-key FILE and --known-hosts FILE (ssh-keyscan github.com > known_hosts)"
    else
      private_file "git SSH key" "$GIT_SSH_KEY" || true
      [[ -s "$GIT_KNOWN_HOSTS" ]] || fail "git credentials: known_hosts file ${GIT_KNOWN_HOSTS} is missing or empty"
    fi
  else
    if [[ -z "$GIT_TOKEN_FILE" ]]; then
      fail "git credentials: ${GIT_URL} is HTTPS: give --git-token-file FILE (a read-only access token, mode 0600)"
    else
      private_file "git token" "$GIT_TOKEN_FILE" || true
    fi
  fi

  if [[ "$SOPS_ENABLED" == true ]]; then
    if exists secret "$SOPS_SECRET" --namespace "$FLUX_NAMESPACE"; then
      SOPS_SECRET_EXISTS=1
    elif [[ -z "$AGE_KEY" ]]; then
      fail "sops: secrets mode is sops: give --age-key FILE (the age private key; age-keygen -o key.txt) or SOPS_AGE_KEY_FILE"
    elif private_file "age key" "$AGE_KEY"; then
      grep -q '^AGE-SECRET-KEY-' "$AGE_KEY" || fail "sops: ${AGE_KEY} holds no AGE-SECRET-KEY- line"
    fi
  fi
  finish_checks
  ok "checks passed: cluster reachable, repository rendered, credentials present"
}
GIT_SECRET_EXISTS=0
SOPS_SECRET_EXISTS=0

ensure_namespace() {
  if exists namespace "$1"; then
    ok "namespace $1 exists"
  else
    kubectl create namespace "$1" >/dev/null
    changed "namespace $1 created"
  fi
}

install_operator() {
  # Helm: the chart version pins the operator, upgrade --install is idempotent, and the release can be
  # upgraded or removed cleanly later; kubectl apply of install.yaml would leave no record of what was installed.
  if helm list --namespace "$FLUX_NAMESPACE" --filter '^flux-operator$' --deployed --output json 2>/dev/null |
    grep -qF "\"chart\":\"flux-operator-${FLUX_OPERATOR_VERSION}\""; then
    ok "Flux Operator ${FLUX_OPERATOR_VERSION} installed"
    return
  fi
  helm upgrade --install flux-operator "$FLUX_OPERATOR_CHART" --version "$FLUX_OPERATOR_VERSION" \
    --namespace "$FLUX_NAMESPACE" --wait --timeout 5m >/dev/null
  changed "Flux Operator ${FLUX_OPERATOR_VERSION} installed (helm release flux-operator in ${FLUX_NAMESPACE})"
}

create_git_secret() {
  if ((GIT_SECRET_EXISTS)); then
    ok "Secret ${FLUX_NAMESPACE}/${GIT_SECRET} exists, left unchanged"
    return
  fi
  if [[ "$GIT_AUTH" == ssh ]]; then
    kubectl create secret generic "$GIT_SECRET" --namespace "$FLUX_NAMESPACE" \
      --from-file=identity="$GIT_SSH_KEY" --from-file=known_hosts="$GIT_KNOWN_HOSTS" >/dev/null
  else
    # The token without its line break, through a private temporary file: never on a command line.
    tr -d '\r\n' <"$GIT_TOKEN_FILE" >"${WORK_DIR}/password"
    printf '%s' "$GIT_USERNAME" >"${WORK_DIR}/username"
    kubectl create secret generic "$GIT_SECRET" --namespace "$FLUX_NAMESPACE" \
      --from-file=username="${WORK_DIR}/username" --from-file=password="${WORK_DIR}/password" >/dev/null
    rm -f "${WORK_DIR}/password" "${WORK_DIR}/username"
  fi
  changed "Secret ${FLUX_NAMESPACE}/${GIT_SECRET} created (git ${GIT_AUTH} credentials)"
}

create_sops_secret() {
  [[ "$SOPS_ENABLED" == true ]] || return 0
  if ((SOPS_SECRET_EXISTS)); then
    ok "Secret ${FLUX_NAMESPACE}/${SOPS_SECRET} exists, left unchanged"
    return
  fi
  kubectl create secret generic "$SOPS_SECRET" --namespace "$FLUX_NAMESPACE" --from-file="${SOPS_KEY}=${AGE_KEY}" >/dev/null
  changed "Secret ${FLUX_NAMESPACE}/${SOPS_SECRET} created (age key)"
}

# copy_secret_value NAMESPACE/NAME/KEY: the decoded value on stdout (for a file, never the terminal).
copy_secret_value() {
  local namespace="${1%%/*}" rest="${1#*/}"
  local name="${rest%%/*}" key="${rest#*/}" encoded
  encoded="$(kubectl get secret "$name" --namespace "$namespace" -o "jsonpath={.data.${key//./\\.}}")" || return 1
  [[ -n "$encoded" ]] || return 1
  printf '%s' "$encoded" | base64 -d
}

# ensure_generated_secret NAMESPACE NAME KEY KIND VALUE [KEY KIND VALUE]...
# KIND random: 32 random bytes, hex; KIND literal: VALUE as given (a non-secret such as a user name);
# KIND copy: VALUE is NAMESPACE/NAME/KEY of a Secret created before, whose value is copied (never printed).
ensure_generated_secret() {
  local namespace="$1" name="$2"
  shift 2
  if exists secret "$name" --namespace "$namespace"; then
    ok "Secret ${namespace}/${name} exists, left unchanged"
    return
  fi
  ensure_namespace "$namespace"
  local dir="${WORK_DIR}/${namespace}.${name}" args=() key kind value
  mkdir "$dir"
  while (($# >= 3)); do
    key="$1" kind="$2" value="$3"
    shift 3
    [[ "$key" =~ ^[-._a-zA-Z0-9]+$ ]] || die "Secret ${namespace}/${name}: invalid key name '${key}'"
    if [[ "$kind" == random ]]; then
      openssl rand -hex 32 | tr -d '\n' >"${dir}/${key}"
    elif [[ "$kind" == copy ]]; then
      copy_secret_value "$value" >"${dir}/${key}" || die "Secret ${namespace}/${name}: cannot read ${value} to copy it"
    else
      printf '%s' "$value" >"${dir}/${key}"
    fi
    args+=("--from-file=${key}=${dir}/${key}")
  done
  kubectl create secret generic "$name" --namespace "$namespace" "${args[@]}" >/dev/null
  rm -rf "$dir"
  changed "Secret ${namespace}/${name} created with generated values"
}

apply_flux_instance() {
  local file="${REPO_ROOT}/${FLUX_INSTANCE_FILE}" rc=0
  kubectl diff --server-side -f "$file" >/dev/null 2>&1 || rc=$?
  case "$rc" in
    0) ok "FluxInstance ${FLUX_NAMESPACE}/${FLUX_INSTANCE_NAME} matches ${FLUX_INSTANCE_FILE}" ;;
    1)
      kubectl apply --server-side -f "$file" >/dev/null
      changed "FluxInstance ${FLUX_NAMESPACE}/${FLUX_INSTANCE_NAME} applied from ${FLUX_INSTANCE_FILE} (Flux ${FLUX_VERSION})"
      ;;
    *) return "$rc" ;;
  esac
  kubectl wait --namespace "$FLUX_NAMESPACE" "fluxinstance/${FLUX_INSTANCE_NAME}" --for=condition=Ready --timeout=10m >/dev/null
  ok "FluxInstance ${FLUX_INSTANCE_NAME} Ready: Flux ${FLUX_VERSION} syncs ${GIT_URL} path clusters/${CLUSTER_NAME}"
}

main() {
  parse_args "$@"
  run_checks
  set -E
  trap 'on_error "$LINENO" "$?"' ERR
  # Everything this script writes (generated values on their way to kubectl) is private.
  umask 077
  WORK_DIR="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: the directory is known
  trap "rm -rf '${WORK_DIR}'" EXIT
  ensure_namespace "$FLUX_NAMESPACE"
  install_operator
  create_git_secret
  create_sops_secret
  required_secrets
  apply_flux_instance
  say ""
  if ((CHANGES == 0)); then
    say "nothing to change: Flux on ${CLUSTER_NAME} already matches the repository"
  else
    say "done: ${CHANGES} change(s) on ${CLUSTER_NAME}"
  fi
  say "verify: kubectl -n ${FLUX_NAMESPACE} get fluxinstance ${FLUX_INSTANCE_NAME}   and   kubectl get kustomizations.kustomize.toolkit.fluxcd.io -A"
}

main "$@"
