
# ---- node.sh: preparation and K3s install (generator/render/bootstrap/scripts/node.sh) ----
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
  # A broken binary reads as "not installed", so the installer replaces it.
  "$bin" --version 2>/dev/null | awk 'NR == 1 { print $3 }' || true
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
