
# ---- common helpers (generator/render/bootstrap/scripts/common.sh) ----
# Exit codes shared by the bootstrap scripts.
readonly EXIT_CHECK=1    # a check failed; nothing was changed
readonly EXIT_USAGE=2    # bad arguments
readonly EXIT_FAILED=4   # a step failed after changes began; fix the cause and run again (every step is idempotent)

CHANGES=0
FAILURES=()

say() { printf '%s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
changed() {
  CHANGES=$((CHANGES + 1))
  printf 'changed: %s\n' "$*"
}
fail() { FAILURES+=("$*"); }
die() {
  printf 'error: %s\n' "$*" >&2
  exit "$EXIT_CHECK"
}
usage_error() {
  printf 'error: %s\n' "$*" >&2
  printf 'run %s --help for usage\n' "$0" >&2
  exit "$EXIT_USAGE"
}
on_error() {
  printf 'error: %s failed at line %s (exit %s); the steps before it are done, fix the cause and run again\n' "$0" "$1" "$2" >&2
  exit "$EXIT_FAILED"
}

# Every failed check at once, then stop before the first change.
finish_checks() {
  if ((${#FAILURES[@]} > 0)); then
    printf 'error: %s check(s) failed; nothing was changed:\n' "${#FAILURES[@]}" >&2
    local failure
    for failure in "${FAILURES[@]}"; do printf '  - %s\n' "$failure" >&2; done
    exit "$EXIT_CHECK"
  fi
}

need_commands() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || fail "command not found: ${cmd}"
  done
}

# A secret file must be readable by its owner only (0600 or 0400).
private_file() {
  local what="$1" file="$2" mode
  if [[ ! -f "$file" ]]; then
    fail "${what}: ${file} does not exist"
    return 1
  fi
  mode="$(stat -c '%a' "$file")"
  if [[ "$mode" != 600 && "$mode" != 400 ]]; then
    fail "${what}: ${file} has mode ${mode}; it holds a secret, run: chmod 600 '${file}'"
    return 1
  fi
  if [[ ! -s "$file" ]]; then
    fail "${what}: ${file} is empty"
    return 1
  fi
}

# Write stdin to FILE with MODE (e.g. 644) only when content or mode differ; 0 when written, 1 when already equal.
write_if_changed() {
  local file="$1" mode="$2" tmp
  tmp="$(mktemp "${file}.pi-gitops.XXXXXX")"
  cat >"$tmp"
  if [[ -f "$file" ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    [[ "$(stat -c '%a' "$file")" != "$mode" ]] || return 1
    chmod "$mode" "$file"
    return 0
  fi
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$file"
}
