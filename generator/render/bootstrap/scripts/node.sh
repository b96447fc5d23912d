
# ---- node preparation and K3s install (generator/render/bootstrap/scripts/node.sh) ----
# Every path is under PI_GITOPS_ROOT (empty on a real node), so the tests can run this script in a sandbox.
ROOT="${PI_GITOPS_ROOT:-}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Memory cgroup for the kubelet, cpuset as k3s-ansible adds (FACTS.md: Raspberry Pi OS preparation).
readonly CGROUP_FLAGS=(cgroup_memory=1 cgroup_enable=memory cgroup_enable=cpuset)
readonly SWAP_DROPIN="/etc/rpi/swap.conf.d/90-pi-gitops-no-swap.conf"
readonly SYSCTL_FILE="/etc/sysctl.d/90-pi-gitops-k3s.conf"
readonly EXIT_REBOOT=3   # reboot, then run the script again
readonly KERNEL8_MARK="# pi-gitops: 4 KB pages for jemalloc builds (spec nodes[].pageSize4k)"

usage() {
  cat <<USAGE
Usage: sudo ./node.sh [--node NAME] [--role server|agent] [--token-file FILE]

Prepares this Raspberry Pi as node NAME of cluster ${CLUSTER_NAME} and installs K3s ${K3S_VERSION}.
NAME defaults to the hostname; it must be one of: ${SPEC_NODES[*]}.
--role, when given, must match the node's role in the spec.

Join token (the same on every node; generate it once with: openssl rand -hex 32):
  K3S_TOKEN            environment variable, or
  --token-file FILE    a file with mode 0600 (default: ${K3S_TOKEN_PATH})
The token is installed to ${K3S_TOKEN_PATH} (0600); it is never printed nor passed on a command line.

Exit codes: 0 done (or nothing to change), 1 a check failed and nothing was changed, 2 usage,
3 reboot needed: reboot, then run this script again, 4 a step failed midway (run again after fixing).
USAGE
}

NODE_NAME=""
ROLE_ARG=""
TOKEN_FILE=""
parse_args() {
  while (($# > 0)); do
    case "$1" in
      --node) [[ $# -ge 2 ]] || usage_error "--node needs a value"; NODE_NAME="$2"; shift 2 ;;
      --node=*) NODE_NAME="${1#--node=}"; shift ;;
      --role) [[ $# -ge 2 ]] || usage_error "--role needs a value"; ROLE_ARG="$2"; shift 2 ;;
      --role=*) ROLE_ARG="${1#--role=}"; shift ;;
      --token-file) [[ $# -ge 2 ]] || usage_error "--token-file needs a value"; TOKEN_FILE="$2"; shift 2 ;;
      --token-file=*) TOKEN_FILE="${1#--token-file=}"; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage_error "unknown argument: $1" ;;
    esac
  done
  case "$ROLE_ARG" in "" | server | agent) ;; *) usage_error "--role must be server or agent (got: ${ROLE_ARG})" ;; esac
}

os_release() {
  sed -n "s/^$1=//p" "${ROOT}/etc/os-release" 2>/dev/null | tr -d '"' | head -n 1
}

boot_file() {
  # Bookworm and later keep the boot partition at /boot/firmware; /boot is the fallback of older releases (k3s#8890).
  if [[ -f "${ROOT}/boot/firmware/$1" ]]; then
    printf '%s' "${ROOT}/boot/firmware/$1"
  elif [[ -f "${ROOT}/boot/$1" ]]; then
    printf '%s' "${ROOT}/boot/$1"
  fi
}

fstab_device_for() {
  awk -v m="$1" '$1 !~ /^#/ && $2 == m { print $1; exit }' "${ROOT}/etc/fstab" 2>/dev/null || true
}

is_mounted() {
  awk -v m="$1" '$2 == m { found = 1 } END { exit !found }' "${ROOT}/proc/mounts" 2>/dev/null
}

service_name() {
  if [[ "$NODE_ROLE" == server ]]; then printf 'k3s'; else printf 'k3s-agent'; fi
}

CODENAME=""
CMDLINE=""
CONFIG_TXT=""
SSD_UUID=""
SSD_FSTYPE=""
BUNDLED_CONFIG=""

run_checks() {
  if [[ -z "$ROOT" && "$(id -u)" != 0 ]]; then
    die "run as root: sudo $0"
  fi
  need_commands uname hostname ip timedatectl blkid mount systemctl swapoff sysctl curl
  finish_checks

  [[ -n "$NODE_NAME" ]] || NODE_NAME="$(hostname)"
  if ! spec_node "$NODE_NAME"; then
    die "node '${NODE_NAME}' is not in ${CLUSTER_NAME}'s spec (nodes: ${SPEC_NODES[*]}); set the hostname or pass --node NAME"
  fi
  say "node ${NODE_NAME}: ${NODE_ROLE} of ${CLUSTER_NAME}, K3s ${K3S_VERSION}"
  if [[ -n "$ROLE_ARG" && "$ROLE_ARG" != "$NODE_ROLE" ]]; then
    fail "role: --role ${ROLE_ARG}, but the spec makes ${NODE_NAME} a ${NODE_ROLE}"
  fi

  local arch
  arch="$(uname -m)"
  [[ "$arch" == aarch64 ]] || fail "architecture: ${arch}; K3s on a Pi 5 needs the 64-bit Raspberry Pi OS (aarch64)"

  CODENAME="$(os_release VERSION_CODENAME)"
  case "$CODENAME" in
    bookworm | trixie) ;;
    *) fail "operating system: release '${CODENAME:-unknown}'; flash Raspberry Pi OS Lite (64-bit) Bookworm or Trixie" ;;
  esac
  [[ -f "${ROOT}/etc/rpi-issue" ]] || fail "operating system: ${ROOT}/etc/rpi-issue is missing; this is not Raspberry Pi OS"

  local total_kib min_mib max_mib mib
  total_kib="$(awk '/^MemTotal:/ { print $2 }' "${ROOT}/proc/meminfo" 2>/dev/null || true)"
  # A Pi 5 shows a little under its nominal size (firmware, CMA; FACTS.md: ~171 MiB on a 4 GB board).
  max_mib=$((NODE_MEMORY_GIB * 1024))
  min_mib=$((max_mib - 512))
  if [[ -z "$total_kib" ]]; then
    fail "memory: cannot read MemTotal from ${ROOT}/proc/meminfo"
  else
    mib=$((total_kib / 1024))
    if ((mib < min_mib || mib > max_mib)); then
      fail "memory: ${mib} MiB visible, but the spec says memoryGiB: ${NODE_MEMORY_GIB} (expected ${min_mib}-${max_mib} MiB); fix nodes[].memoryGiB or use the right board"
    fi
  fi

  local synced
  synced="$(timedatectl show --property=NTPSynchronized --value 2>/dev/null || true)"
  [[ "$synced" == yes ]] || fail "time: the clock is not synchronised (timedatectl: NTPSynchronized=${synced:-unknown}); TLS certificates need the right time: check network and systemd-timesyncd"

  CMDLINE="$(boot_file cmdline.txt)"
  if [[ -z "$CMDLINE" ]]; then
    fail "boot: neither ${ROOT}/boot/firmware/cmdline.txt nor ${ROOT}/boot/cmdline.txt exists"
  elif [[ "$(wc -l <"$CMDLINE")" -gt 1 ]]; then
    fail "boot: ${CMDLINE} has more than one line; the kernel reads only the first: join it into one line"
  fi
  if [[ "$NODE_PAGE_SIZE_4K" == true ]]; then
    CONFIG_TXT="$(boot_file config.txt)"
    [[ -n "$CONFIG_TXT" ]] || fail "boot: config.txt not found under ${ROOT}/boot/firmware or ${ROOT}/boot (needed for kernel=kernel8.img)"
  fi

  if [[ ! -e "${ROOT}${NODE_DEVICE}" ]]; then
    fail "SSD: ${NODE_DEVICE} not found; is the NVMe on the M.2 HAT+ seated and partitioned? (lsblk)"
  else
    SSD_UUID="$(blkid -s UUID -o value "$NODE_DEVICE" || true)"
    SSD_FSTYPE="$(blkid -s TYPE -o value "$NODE_DEVICE" || true)"
    if [[ -z "$SSD_UUID" || -z "$SSD_FSTYPE" ]]; then
      fail "SSD: ${NODE_DEVICE} has no filesystem; format it once (this script never formats a disk): mkfs.ext4 ${NODE_DEVICE}"
    else
      local mounted_by
      mounted_by="$(fstab_device_for "$NODE_MOUNT")"
      if [[ -n "$mounted_by" && "$mounted_by" != "UUID=${SSD_UUID}" ]]; then
        fail "SSD: ${ROOT}/etc/fstab already mounts ${mounted_by} at ${NODE_MOUNT}, not UUID=${SSD_UUID} (${NODE_DEVICE}); remove that line or change storage.mountPath"
      fi
    fi
  fi

  local addresses
  addresses="$(ip -4 -o addr show | awk '{ split($4, a, "/"); print a[1] }' | tr '\n' ' ')"
  if [[ " ${addresses} " != *" ${NODE_ADDRESS} "* ]]; then
    fail "address: ${NODE_NAME} must have ${NODE_ADDRESS} (spec nodes[].address) but has: ${addresses:-none}; reserve the address in DHCP or set it with nmcli"
  fi

  if [[ -n "${K3S_TOKEN:-}" ]]; then
    [[ -z "$TOKEN_FILE" ]] || fail "token: both K3S_TOKEN and --token-file are set; use one"
  elif [[ -z "$TOKEN_FILE" && ! -e "${ROOT}${K3S_TOKEN_PATH}" ]]; then
    fail "token: no join token; put it in ${K3S_TOKEN_PATH} (mode 0600), pass --token-file FILE or set K3S_TOKEN (the same token on every node: openssl rand -hex 32)"
  else
    private_file "token" "${TOKEN_FILE:-${ROOT}${K3S_TOKEN_PATH}}" || true
  fi

  BUNDLED_CONFIG="${SCRIPT_DIR}/nodes/${NODE_NAME}/config.yaml"
  [[ -f "$BUNDLED_CONFIG" ]] || fail "K3s config: ${BUNDLED_CONFIG} is missing; copy the whole bootstrap/${CLUSTER_NAME}/ folder to the node"

  finish_checks
  ok "checks passed: aarch64, Raspberry Pi OS ${CODENAME}, ${NODE_MEMORY_GIB} GB, clock synchronised, SSD ${NODE_DEVICE}, address ${NODE_ADDRESS}, token"
}

REBOOT_REASONS=()

set_cgroup_flags() {
  local line flag missing=()
  line="$(head -n 1 "$CMDLINE")"
  for flag in "${CGROUP_FLAGS[@]}"; do
    [[ " ${line} " == *" ${flag} "* ]] || missing+=("$flag")
  done
  if ((${#missing[@]} == 0)); then
    ok "cgroup flags present in ${CMDLINE}"
    return
  fi
  # Temporary file beside it, then rename: the boot partition is FAT, so no chmod, and never a half-written line.
  local tmp
  tmp="$(mktemp "${CMDLINE}.pi-gitops.XXXXXX")"
  printf '%s %s\n' "$line" "${missing[*]}" >"$tmp"
  mv -f "$tmp" "$CMDLINE"
  changed "appended ${missing[*]} to ${CMDLINE} (one line)"
  REBOOT_REASONS+=("cgroup flags added to ${CMDLINE}")
}

set_page_size() {
  local has=0
  if [[ -n "$CONFIG_TXT" ]] && grep -qxF "$KERNEL8_MARK" "$CONFIG_TXT"; then has=1; fi
  if [[ "$NODE_PAGE_SIZE_4K" == true ]]; then
    if ((has)); then
      ok "kernel=kernel8.img (4 KB pages) set in ${CONFIG_TXT}"
    else
      # Under [all] so no earlier conditional section ([pi4], [cm5], ...) swallows it.
      printf '\n%s\n[all]\nkernel=kernel8.img\n' "$KERNEL8_MARK" >>"$CONFIG_TXT"
      changed "kernel=kernel8.img (4 KB pages) added to ${CONFIG_TXT}"
      REBOOT_REASONS+=("kernel8.img selected in ${CONFIG_TXT}")
    fi
  fi
}

disable_swap() {
  if [[ "$CODENAME" == bookworm ]]; then
    if systemctl is-enabled --quiet dphys-swapfile 2>/dev/null; then
      command -v dphys-swapfile >/dev/null 2>&1 && dphys-swapfile swapoff && dphys-swapfile uninstall
      systemctl disable --now dphys-swapfile
      changed "dphys-swapfile disabled and its swap file removed"
    else
      ok "dphys-swapfile is not enabled"
    fi
  else
    # Trixie: rpi-swap reads drop-ins from /etc/rpi/swap.conf.d; Mechanism=none removes its swap (swap.conf(5)).
    mkdir -p "${ROOT}$(dirname "$SWAP_DROPIN")"
    if printf '[Main]\nMechanism=none\n' | write_if_changed "${ROOT}${SWAP_DROPIN}" 644; then
      changed "rpi-swap set to Mechanism=none in ${SWAP_DROPIN}"
    else
      ok "rpi-swap already set to Mechanism=none"
    fi
  fi
  # The kubelet keeps pods off swap anyway (NoSwap); the budget counts it as zero (FACTS.md: swap).
  if [[ -f "${ROOT}/proc/swaps" ]] && (($(wc -l <"${ROOT}/proc/swaps") > 1)); then
    swapoff -a
    changed "swap turned off now (swapoff -a)"
  else
    ok "no active swap"
  fi
}

mount_ssd() {
  local line="UUID=${SSD_UUID} ${NODE_MOUNT} ${SSD_FSTYPE} defaults,noatime,nofail 0 2"
  mkdir -p "${ROOT}${NODE_MOUNT}"
  if [[ -n "$(fstab_device_for "$NODE_MOUNT")" ]]; then
    ok "fstab mounts UUID=${SSD_UUID} at ${NODE_MOUNT}"
  else
    printf '# pi-gitops: NVMe SSD %s (spec nodes[].storage)\n%s\n' "$NODE_DEVICE" "$line" >>"${ROOT}/etc/fstab"
    systemctl daemon-reload
    changed "fstab: ${line}"
  fi
  if is_mounted "$NODE_MOUNT"; then
    ok "${NODE_MOUNT} is mounted"
  else
    mount "$NODE_MOUNT"
    changed "mounted ${NODE_DEVICE} at ${NODE_MOUNT}"
  fi
}

set_sysctls() {
  mkdir -p "${ROOT}/etc/sysctl.d"
  if sysctl_conf | write_if_changed "${ROOT}${SYSCTL_FILE}" 644; then
    sysctl -p "${ROOT}${SYSCTL_FILE}" >/dev/null
    changed "kernel settings in ${SYSCTL_FILE} applied (ip_forward and the values kubelet protects)"
  else
    ok "kernel settings in ${SYSCTL_FILE}"
  fi
}

check_reboot() {
  local running flag
  running="$(cat "${ROOT}/proc/cmdline" 2>/dev/null || true)"
  for flag in "${CGROUP_FLAGS[@]}"; do
    if [[ " ${running} " != *" ${flag} "* ]]; then
      REBOOT_REASONS+=("the running kernel was booted without ${flag}")
      break
    fi
  done
  if [[ "$NODE_PAGE_SIZE_4K" == true && "$(getconf PAGESIZE)" != 4096 ]]; then
    REBOOT_REASONS+=("the running kernel uses $(getconf PAGESIZE)-byte pages, kernel8.img boots with 4096")
  fi
  if ((${#REBOOT_REASONS[@]} > 0)); then
    say ""
    say "REBOOT NEEDED on ${NODE_NAME}:"
    local reason
    for reason in "${REBOOT_REASONS[@]}"; do say "  - ${reason}"; done
    say "Run: sudo reboot   then run this script again; it continues with K3s ${K3S_VERSION}."
    exit "$EXIT_REBOOT"
  fi
}

verify_memory_cgroup() {
  local controllers="${ROOT}/sys/fs/cgroup/cgroup.controllers"
  if [[ -f "$controllers" ]]; then
    grep -qw memory "$controllers" ||
      die "memory cgroup is not enabled (cgroup v2: ${controllers} lacks memory) although the kernel command line has ${CGROUP_FLAGS[*]}"
  else
    awk '$1 == "memory" && $4 == 1 { found = 1 } END { exit !found }' "${ROOT}/proc/cgroups" 2>/dev/null ||
      die "memory cgroup is not enabled (${ROOT}/proc/cgroups) although the kernel command line has ${CGROUP_FLAGS[*]}"
  fi
  ok "memory cgroup enabled"
}

K3S_FILES_CHANGED=0

install_k3s_files() {
  local dir
  dir="${ROOT}$(dirname "$K3S_CONFIG_PATH")"
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [[ -n "${K3S_TOKEN:-}" ]]; then
    # printf is a shell builtin: the token goes through a pipe, never onto a command line.
    if printf '%s\n' "$K3S_TOKEN" | (umask 077 && write_if_changed "${ROOT}${K3S_TOKEN_PATH}" 600); then
      changed "join token written to ${K3S_TOKEN_PATH} (0600) from K3S_TOKEN"
      K3S_FILES_CHANGED=1
    else
      ok "join token in ${K3S_TOKEN_PATH}"
    fi
  elif [[ -n "$TOKEN_FILE" && "$TOKEN_FILE" != "${ROOT}${K3S_TOKEN_PATH}" ]]; then
    if (umask 077 && write_if_changed "${ROOT}${K3S_TOKEN_PATH}" 600 <"$TOKEN_FILE"); then
      changed "join token copied to ${K3S_TOKEN_PATH} (0600)"
      K3S_FILES_CHANGED=1
    else
      ok "join token in ${K3S_TOKEN_PATH}"
    fi
  else
    ok "join token in ${K3S_TOKEN_PATH}"
  fi
  # The installer copies K3S_* variables into the systemd env file: keep the token out of it.
  unset K3S_TOKEN

  if write_if_changed "${ROOT}${K3S_CONFIG_PATH}" 600 <"$BUNDLED_CONFIG"; then
    changed "K3s config ${K3S_CONFIG_PATH} installed from nodes/${NODE_NAME}/config.yaml"
    K3S_FILES_CHANGED=1
  else
    ok "K3s config ${K3S_CONFIG_PATH} matches the spec"
  fi

  # K3s keeps its data on the SSD (data-dir): never start it before the SSD is mounted.
  local dropin
  dropin="/etc/systemd/system/$(service_name).service.d/10-pi-gitops-ssd.conf"
  mkdir -p "${ROOT}$(dirname "$dropin")"
  if printf '[Unit]\nRequiresMountsFor=%s\n' "$NODE_MOUNT" | write_if_changed "${ROOT}${dropin}" 644; then
    systemctl daemon-reload
    changed "${dropin}: K3s waits for ${NODE_MOUNT}"
    K3S_FILES_CHANGED=1
  else
    ok "K3s waits for ${NODE_MOUNT}"
  fi
}

installed_k3s_version() {
  local bin="${ROOT}/usr/local/bin/k3s"
  [[ -x "$bin" ]] || return 0
  "$bin" --version 2>/dev/null | awk 'NR == 1 { print $3 }'
}

install_k3s() {
  local service installed tmp
  service="$(service_name)"
  installed="$(installed_k3s_version)"
  if [[ "$installed" != "$K3S_VERSION" ]]; then
    tmp="$(mktemp -d)"
    # shellcheck disable=SC2064 # expand now: the directory is known
    trap "rm -rf '${tmp}'" EXIT
    curl -sfL --retry 3 "$K3S_INSTALLER_URL" -o "${tmp}/install.sh"
    say "installing K3s ${K3S_VERSION} (${NODE_ROLE}) with the official installer from ${K3S_INSTALLER_URL}"
    INSTALL_K3S_VERSION="$K3S_VERSION" INSTALL_K3S_EXEC="$NODE_ROLE" sh "${tmp}/install.sh"
    changed "K3s ${K3S_VERSION} installed as ${service}${installed:+ (was ${installed})}"
  elif ((K3S_FILES_CHANGED)); then
    systemctl restart "$service"
    changed "${service} restarted with the new configuration"
  elif ! systemctl is-active --quiet "$service"; then
    systemctl enable --now "$service"
    changed "${service} started"
  else
    ok "K3s ${K3S_VERSION} installed and ${service} running"
  fi
}

main() {
  parse_args "$@"
  run_checks
  set -E
  trap 'on_error "$LINENO" "$?"' ERR
  set_cgroup_flags
  set_page_size
  disable_swap
  mount_ssd
  set_sysctls
  check_reboot
  verify_memory_cgroup
  install_k3s_files
  install_k3s
  say ""
  if ((CHANGES == 0)); then
    say "nothing to change: ${NODE_NAME} already matches the spec (K3s ${K3S_VERSION}, ${NODE_ROLE})"
  else
    say "done: ${NODE_NAME} is a K3s ${NODE_ROLE} (${CHANGES} change(s))"
  fi
  if [[ "$NODE_ROLE" == server ]]; then
    say "verify: sudo k3s kubectl get nodes -o wide   (every node Ready, INTERNAL-IP as in the spec)"
  else
    say "verify on a server: sudo k3s kubectl get node ${NODE_NAME} -o wide"
  fi
}

main "$@"
