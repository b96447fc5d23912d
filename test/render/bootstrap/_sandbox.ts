import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GeneratedFile } from '../../../generator/render/files.js';

/**
 * A throw-away machine for the rendered scripts: a root folder (PI_GITOPS_ROOT) with fake /boot,
 * /etc, /proc, /sys, /dev files, and a PATH holding ONLY recording stubs plus an allowlist of harmless
 * real tools, so a command the stubs do not cover fails instead of touching this machine.
 */

/** Real tools the scripts may run unstubbed: they read or write only the files they are given. */
const REAL_TOOLS = ['bash', 'sh', 'env', 'cat', 'cmp', 'mv', 'rm', 'mkdir', 'mktemp', 'chmod', 'stat', 'id', 'awk', 'sed', 'grep', 'tr', 'head', 'tail', 'wc', 'dirname', 'cp', 'touch', 'openssl', 'sort', 'cut', 'base64'];

/** Stubs: each appends `name args…` to $STUB_LOG, then fakes just enough behaviour. */
const STUBS: Record<string, string> = {
  uname: 'case "${1:-}" in -m) echo "${STUB_ARCH:-aarch64}" ;; -r) echo 6.12.47+rpt-rpi-2712 ;; *) echo Linux ;; esac',
  hostname: 'echo "${STUB_HOSTNAME:-unknown}"',
  ip: 'echo "1: lo    inet 127.0.0.1/8 scope host lo"; echo "2: eth0    inet ${STUB_ADDRESS}/24 brd 192.168.1.255 scope global eth0"',
  timedatectl: 'echo "${STUB_NTP:-yes}"',
  blkid: 'case "$*" in *"-s UUID"*) echo "${STUB_UUID:-}" ;; *"-s TYPE"*) [ -n "${STUB_UUID:-}" ] && echo ext4 ;; esac; exit 0',
  mount: 'echo "${STUB_DEVICE:-/dev/nvme0n1p1} $1 ext4 rw,noatime 0 0" >> "$PI_GITOPS_ROOT/proc/mounts"',
  swapoff: 'head -n 1 "$PI_GITOPS_ROOT/proc/swaps" > "$PI_GITOPS_ROOT/proc/swaps.new" && mv "$PI_GITOPS_ROOT/proc/swaps.new" "$PI_GITOPS_ROOT/proc/swaps"',
  'dphys-swapfile': '[ "$1" = swapoff ] && { head -n 1 "$PI_GITOPS_ROOT/proc/swaps" > "$PI_GITOPS_ROOT/proc/swaps.new"; mv "$PI_GITOPS_ROOT/proc/swaps.new" "$PI_GITOPS_ROOT/proc/swaps"; }; exit 0',
  sysctl: 'exit 0',
  getconf: 'echo "${STUB_PAGESIZE:-16384}"',
  reboot: 'exit 0',
  systemctl: [
    'unit="${*: -1}"; s="$STUB_STATE/units"; mkdir -p "$s"',
    'case "$1" in',
    '  is-enabled) [ -e "$s/$unit.enabled" ] ;;',
    '  is-active) [ -e "$s/$unit.active" ] ;;',
    '  disable) rm -f "$s/$unit.enabled" "$s/$unit.active" ;;',
    '  enable) touch "$s/$unit.enabled" "$s/$unit.active" ;;',
    '  start|restart) touch "$s/$unit.active" ;;',
    '  *) exit 0 ;;',
    'esac',
  ].join('\n'),
  // curl hands out a fake K3s installer that records what it was given and "installs" a k3s binary.
  curl: [
    'out=""; while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done',
    'cat > "$out" <<\'INSTALLER\'',
    'echo "k3s-installer INSTALL_K3S_VERSION=$INSTALL_K3S_VERSION INSTALL_K3S_EXEC=$INSTALL_K3S_EXEC K3S_TOKEN=${K3S_TOKEN-unset}" >> "$STUB_LOG"',
    'mkdir -p "$PI_GITOPS_ROOT/usr/local/bin" "$STUB_STATE/units"',
    'printf \'#!/usr/bin/env bash\\necho "k3s version %s (stub)"\\n\' "$INSTALL_K3S_VERSION" > "$PI_GITOPS_ROOT/usr/local/bin/k3s"',
    'chmod 755 "$PI_GITOPS_ROOT/usr/local/bin/k3s"',
    'svc=k3s; [ "$INSTALL_K3S_EXEC" = agent ] && svc=k3s-agent',
    'touch "$STUB_STATE/units/$svc.enabled" "$STUB_STATE/units/$svc.active"',
    'INSTALLER',
  ].join('\n'),
};

export interface Sandbox {
  readonly dir: string;
  readonly root: string;
  readonly repo: string;
  readonly log: string;
  run(script: string, args?: readonly string[], env?: Readonly<Record<string, string>>): RunResult;
  /** Calls recorded since the last `clearLog()`. */
  calls(): string[];
  clearLog(): void;
  write(path: string, content: string, mode?: number): void;
  read(path: string): string;
  remove(path: string): void;
  /** Every file under the fake root (and the stub state): path → mode and content, to prove "no change". */
  snapshot(): Map<string, string>;
  dispose(): void;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function createSandbox(files: readonly GeneratedFile[], stubs: Readonly<Record<string, string>> = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'pi-gitops-bootstrap-'));
  const root = join(dir, 'root');
  const repo = join(dir, 'repo');
  const bin = join(dir, 'bin');
  const state = join(dir, 'state');
  const log = join(dir, 'calls.log');
  for (const d of [root, repo, bin, state]) mkdirSync(d, { recursive: true });
  writeFileSync(log, '');
  for (const tool of REAL_TOOLS) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) symlinkSync(found, join(bin, tool));
  }
  for (const [name, body] of Object.entries({ ...STUBS, ...stubs })) {
    const path = join(bin, name);
    writeFileSync(path, `#!${join(bin, 'bash')}\nprintf '%s\\n' "${name} $*" >> "$STUB_LOG"\n${body}\n`);
    chmodSync(path, 0o755);
  }
  for (const file of files) {
    const target = join(repo, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content, { mode: file.mode ?? 0o644 });
  }
  const sandbox: Sandbox = {
    dir,
    root,
    repo,
    log,
    run(script, args = [], env = {}) {
      const result = spawnSync(join(repo, script), [...args], {
        encoding: 'utf8',
        env: { PATH: bin, HOME: dir, PI_GITOPS_ROOT: root, STUB_LOG: log, STUB_STATE: state, ...env },
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    calls: () => readFileSync(log, 'utf8').split('\n').filter((l) => l !== ''),
    clearLog: () => writeFileSync(log, ''),
    write(path, content, mode = 0o644) {
      const target = join(root, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
      chmodSync(target, mode);
    },
    read: (path) => readFileSync(join(root, path), 'utf8'),
    remove: (path) => rmSync(join(root, path), { force: true }),
    snapshot() {
      const out = new Map<string, string>();
      const walk = (base: string, prefix: string): void => {
        if (!existsSync(base)) return;
        for (const entry of readdirSync(base, { withFileTypes: true })) {
          const full = join(base, entry.name);
          const key = `${prefix}/${entry.name}`;
          if (entry.isDirectory()) {
            out.set(`${key}/`, (statSync(full).mode & 0o777).toString(8));
            walk(full, key);
          } else out.set(key, `${(statSync(full).mode & 0o777).toString(8)} ${readFileSync(full, 'utf8')}`);
        }
      };
      walk(root, '');
      walk(state, '@state');
      return out;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
  return sandbox;
}
