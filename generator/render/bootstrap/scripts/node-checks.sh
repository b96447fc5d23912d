
# ---- node.sh: arguments and checks (generator/render/bootstrap/scripts/node-checks.sh) ----
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

