import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { renderBootstrap } from '../../../generator/render/bootstrap/index.js';
import { loadSpec } from '../../../generator/spec/load.js';
import type { LoadedSpec } from '../../../generator/spec/types.js';
import { createSandbox, type Sandbox } from './_sandbox.js';

/**
 * node.sh run for real against a fake Raspberry Pi: every path under PI_GITOPS_ROOT, every system
 * command a recording stub. A node's life: first run prepares and asks for a reboot (exit 3), the run
 * after the reboot installs K3s, the next run changes nothing.
 */

function lab(): LoadedSpec {
  const { spec, findings } = loadSpec('clusters/pi5-lab/cluster.yaml', readFileSync('clusters/pi5-lab/cluster.yaml', 'utf8'));
  if (!spec) throw new Error(JSON.stringify(findings));
  return spec;
}

const SCRIPT = 'bootstrap/pi5-lab/node.sh';
const BOOT_LINE = 'console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait';
const FLAGS = 'cgroup_memory=1 cgroup_enable=memory cgroup_enable=cpuset';
const UUID = '0b9c3f6e-5a1d-4f3e-9d1a-2f6c7e8a9b10';
const TOKEN = 'K10-not-a-real-token-7f3a9c';
const FSTAB = 'proc /proc proc defaults 0 0\nPARTUUID=4e639091-01 /boot/firmware vfat defaults 0 2\nPARTUUID=4e639091-02 / ext4 defaults,noatime 0 1\n';

/** A freshly flashed Pi 5 (16 GB) with an NVMe: swap on, no cgroup flags yet. */
function freshPi(box: Sandbox, codename: 'bookworm' | 'trixie'): void {
  box.write('etc/os-release', `PRETTY_NAME="Debian GNU/Linux (${codename})"\nID=debian\nVERSION_CODENAME=${codename}\n`);
  box.write('etc/rpi-issue', 'Raspberry Pi reference 2025-10-01\n');
  box.write('proc/meminfo', `MemTotal:       ${(16 * 1024 - 180) * 1024} kB\nMemFree:        1000 kB\n`);
  box.write('boot/firmware/cmdline.txt', `${BOOT_LINE}\n`, 0o755);
  box.write('boot/firmware/config.txt', 'dtparam=pciex1\n[all]\n', 0o755);
  box.write('proc/cmdline', `${BOOT_LINE}\n`);
  box.write('proc/swaps', 'Filename\tType\tSize\tUsed\tPriority\n/var/swap file 524284 0 -2\n');
  box.write('proc/mounts', '/dev/mmcblk0p2 / ext4 rw,noatime 0 0\n');
  box.write('proc/cgroups', '#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t0\t1\t1\nmemory\t0\t1\t0\n');
  box.write('sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io pids\n');
  box.write('etc/fstab', FSTAB);
  box.write('dev/nvme0n1p1', '');
  if (codename === 'bookworm') box.write('../state/units/dphys-swapfile.enabled', '');
}

/** What the kernel shows after the reboot with the new command line. */
function reboot(box: Sandbox): void {
  box.write('proc/cmdline', `${BOOT_LINE} ${FLAGS}\n`);
  box.write('sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io memory pids\n');
}

const stubEnv = (node: string, address: string): Record<string, string> => ({ STUB_HOSTNAME: node, STUB_ADDRESS: address, STUB_UUID: UUID });

/** Calls that only read the machine. */
const READ_ONLY = /^(uname|hostname|ip|timedatectl|blkid|getconf|systemctl is-(enabled|active)) /;

let box: Sandbox;
afterEach(() => box?.dispose());

describe('node.sh on the pi5-lab server (Bookworm, token file)', () => {
  it('prepares the node, asks for a reboot, installs K3s after it, and then has nothing to change', () => {
    // Given a fresh Pi named rpi-server-01 with the token in /etc/rancher/k3s/token (0600)
    box = createSandbox(renderBootstrap(lab()));
    freshPi(box, 'bookworm');
    box.write('etc/rancher/k3s/token', `${TOKEN}\n`, 0o600);
    const env = stubEnv('rpi-server-01', '192.168.1.100');

    // When it runs the first time
    const first = box.run(SCRIPT, [], env);

    // Then it makes exactly the preparation edits and exits 3 asking for a reboot
    expect(first.stderr).toBe('');
    expect(first.status).toBe(3);
    expect(first.stdout).toContain('REBOOT NEEDED on rpi-server-01');
    expect(box.read('boot/firmware/cmdline.txt')).toBe(`${BOOT_LINE} ${FLAGS}\n`);
    expect(box.read('etc/fstab')).toBe(`${FSTAB}# pi-gitops: NVMe SSD /dev/nvme0n1p1 (spec nodes[].storage)\nUUID=${UUID} /mnt/ssd ext4 defaults,noatime,nofail 0 2\n`);
    expect(box.read('proc/mounts')).toContain(`/dev/nvme0n1p1 /mnt/ssd ext4`);
    expect(box.read('etc/sysctl.d/90-pi-gitops-k3s.conf')).toBe(
      'net.ipv4.ip_forward = 1\nvm.overcommit_memory = 1\nvm.panic_on_oom = 0\nkernel.panic = 10\nkernel.panic_on_oops = 1\nkernel.keys.root_maxkeys = 1000000\nkernel.keys.root_maxbytes = 25000000\n',
    );
    expect(box.calls().filter((c) => !READ_ONLY.test(c))).toEqual([
      'dphys-swapfile swapoff',
      'dphys-swapfile uninstall',
      'systemctl disable --now dphys-swapfile',
      'systemctl daemon-reload',
      'mount /mnt/ssd',
      `sysctl -p ${box.root}/etc/sysctl.d/90-pi-gitops-k3s.conf`,
    ]);
    expect(box.snapshot().has('/etc/rancher/k3s/config.yaml')).toBe(false);

    // When it runs again before the reboot, Then it changes nothing and still asks for the reboot
    const before = box.snapshot();
    box.clearLog();
    const pending = box.run(SCRIPT, [], env);
    expect(pending.status).toBe(3);
    expect(pending.stdout).not.toContain('changed:');
    expect(pending.stdout).toContain('the running kernel was booted without cgroup_memory=1');
    expect(box.snapshot()).toEqual(before);
    expect(box.calls().filter((c) => !READ_ONLY.test(c))).toEqual([]);

    // When the node has rebooted and the script runs again
    reboot(box);
    box.clearLog();
    const second = box.run(SCRIPT, [], env);

    // Then it installs the rendered K3s config and K3s at the pinned version, token kept out of the installer
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(box.read('etc/rancher/k3s/config.yaml')).toBe(readFileSync(`${box.repo}/bootstrap/pi5-lab/nodes/rpi-server-01/config.yaml`, 'utf8'));
    expect(box.snapshot().get('/etc/rancher/k3s/config.yaml')?.startsWith('600 ')).toBe(true);
    expect(box.read('etc/systemd/system/k3s.service.d/10-pi-gitops-ssd.conf')).toBe('[Unit]\nRequiresMountsFor=/mnt/ssd\n');
    expect(box.calls().filter((c) => !READ_ONLY.test(c))).toEqual([
      'systemctl daemon-reload',
      'curl -sfL --retry 3 https://get.k3s.io -o ' + box.calls().find((c) => c.startsWith('curl '))!.split(' -o ')[1],
      'k3s-installer INSTALL_K3S_VERSION=v1.36.1+k3s1 INSTALL_K3S_EXEC=server K3S_TOKEN=unset',
    ]);
    expect(second.stdout).toContain('done: rpi-server-01 is a K3s server');

    // When it runs a third time, Then nothing changes and it says so
    const installed = box.snapshot();
    box.clearLog();
    const third = box.run(SCRIPT, [], env);
    expect(third.status).toBe(0);
    expect(third.stdout).toContain('nothing to change: rpi-server-01 already matches the spec');
    expect(third.stdout).not.toContain('changed:');
    expect(box.snapshot()).toEqual(installed);
    expect(box.calls().filter((c) => !READ_ONLY.test(c))).toEqual([]);
    for (const out of [first, pending, second, third]) expect(out.stdout + out.stderr).not.toContain(TOKEN);
  });
});

describe('node.sh on a pi5-lab agent (Trixie, K3S_TOKEN from the environment)', () => {
  it('turns rpi-swap off, joins the server with the token from the environment, and then has nothing to change', () => {
    // Given a fresh Trixie Pi and the token only in K3S_TOKEN, the node chosen with --node
    box = createSandbox(renderBootstrap(lab()));
    freshPi(box, 'trixie');
    const env = { ...stubEnv('raspberrypi', '192.168.1.103'), K3S_TOKEN: TOKEN };
    const args = ['--node', 'rpi-worker-03', '--role', 'agent'];

    // When it runs, Then it prepares, with rpi-swap set to none, and asks for a reboot
    const first = box.run(SCRIPT, args, env);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(3);
    expect(box.read('etc/rpi/swap.conf.d/90-pi-gitops-no-swap.conf')).toBe('[Main]\nMechanism=none\n');
    expect(box.read('proc/swaps')).toBe('Filename\tType\tSize\tUsed\tPriority\n');
    expect(box.calls().filter((c) => !READ_ONLY.test(c))).toEqual([
      'swapoff -a',
      'systemctl daemon-reload',
      'mount /mnt/ssd',
      `sysctl -p ${box.root}/etc/sysctl.d/90-pi-gitops-k3s.conf`,
    ]);

    // When it runs after the reboot, Then the token lands in a 0600 file and K3s installs as an agent
    reboot(box);
    box.clearLog();
    const second = box.run(SCRIPT, args, env);
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(box.snapshot().get('/etc/rancher/k3s/token')).toBe(`600 ${TOKEN}\n`);
    expect(box.read('etc/rancher/k3s/config.yaml')).toContain('server: https://192.168.1.100:6443');
    expect(box.read('etc/systemd/system/k3s-agent.service.d/10-pi-gitops-ssd.conf')).toBe('[Unit]\nRequiresMountsFor=/mnt/ssd\n');
    expect(box.calls()).toContain('k3s-installer INSTALL_K3S_VERSION=v1.36.1+k3s1 INSTALL_K3S_EXEC=agent K3S_TOKEN=unset');

    // When it runs again, Then nothing changes
    const installed = box.snapshot();
    box.clearLog();
    const third = box.run(SCRIPT, args, env);
    expect(third.status).toBe(0);
    expect(third.stdout).toContain('nothing to change: rpi-worker-03 already matches the spec');
    expect(box.snapshot()).toEqual(installed);
    expect(box.calls().filter((c) => !READ_ONLY.test(c))).toEqual([]);
    // The token never reached a command line (the stubs log every argument) nor the output
    expect(box.calls().join('\n')).not.toContain(TOKEN);
    for (const out of [first, second, third]) expect(out.stdout + out.stderr).not.toContain(TOKEN);
  });
});

describe('node.sh on an installed node', () => {
  function installed(): { env: Record<string, string> } {
    box = createSandbox(renderBootstrap(lab()));
    freshPi(box, 'bookworm');
    box.write('boot/firmware/cmdline.txt', `${BOOT_LINE} ${FLAGS}\n`, 0o755);
    reboot(box);
    box.write('etc/rancher/k3s/token', `${TOKEN}\n`, 0o600);
    const env = stubEnv('rpi-worker-01', '192.168.1.101');
    expect(box.run(SCRIPT, [], env).status).toBe(0);
    box.clearLog();
    return { env };
  }

  it('puts back a hand-edited K3s config and restarts the agent', () => {
    const { env } = installed();
    box.write('etc/rancher/k3s/config.yaml', 'node-name: somebody-else\n', 0o644);
    const result = box.run(SCRIPT, [], env);
    expect(result.status).toBe(0);
    expect(box.read('etc/rancher/k3s/config.yaml')).toBe(readFileSync(`${box.repo}/bootstrap/pi5-lab/nodes/rpi-worker-01/config.yaml`, 'utf8'));
    expect(box.snapshot().get('/etc/rancher/k3s/config.yaml')?.startsWith('600 ')).toBe(true);
    expect(box.calls().filter((c) => !READ_ONLY.test(c))).toEqual(['systemctl restart k3s-agent']);
  });

  it('upgrades K3s when the spec pins another version than the one installed', () => {
    const { env } = installed();
    box.write('usr/local/bin/k3s', '#!/usr/bin/env bash\necho "k3s version v1.35.4+k3s1 (old)"\n', 0o755);
    const result = box.run(SCRIPT, [], env);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('changed: K3s v1.36.1+k3s1 installed as k3s-agent (was v1.35.4+k3s1)');
    expect(box.calls()).toContain('k3s-installer INSTALL_K3S_VERSION=v1.36.1+k3s1 INSTALL_K3S_EXEC=agent K3S_TOKEN=unset');
  });

  it('reinstalls K3s when the installed binary is broken', () => {
    const { env } = installed();
    box.write('usr/local/bin/k3s', '#!/usr/bin/env bash\nexit 7\n', 0o755);
    const result = box.run(SCRIPT, [], env);
    expect(result.status).toBe(0);
    expect(box.calls()).toContain('k3s-installer INSTALL_K3S_VERSION=v1.36.1+k3s1 INSTALL_K3S_EXEC=agent K3S_TOKEN=unset');
  });

  it('copies a token given with --token-file into place with mode 0600', () => {
    const { env } = installed();
    box.write('home/new-token', 'rotated-token-value\n', 0o600);
    const result = box.run(SCRIPT, ['--token-file', `${box.root}/home/new-token`], env);
    expect(result.status).toBe(0);
    expect(box.snapshot().get('/etc/rancher/k3s/token')).toBe('600 rotated-token-value\n');
    expect(result.stdout + box.calls().join('\n')).not.toContain('rotated-token-value');
    expect(box.calls().filter((c) => !READ_ONLY.test(c))).toEqual(['systemctl restart k3s-agent']);
  });
});

describe('node.sh verifies the memory cgroup after the reboot', () => {
  function bootedWithFlags(): Record<string, string> {
    box = createSandbox(renderBootstrap(lab()));
    freshPi(box, 'bookworm');
    box.write('boot/firmware/cmdline.txt', `${BOOT_LINE} ${FLAGS}\n`, 0o755);
    box.write('proc/cmdline', `${BOOT_LINE} ${FLAGS}\n`);
    box.write('etc/rancher/k3s/token', `${TOKEN}\n`, 0o600);
    return stubEnv('rpi-server-01', '192.168.1.100');
  }

  it('stops before K3s when cgroup v2 lacks the memory controller despite the flags', () => {
    const env = bootedWithFlags();
    const result = box.run(SCRIPT, [], env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('memory cgroup is not enabled (cgroup v2: ');
    expect(box.calls().some((c) => c.startsWith('curl '))).toBe(false);
    expect(box.snapshot().has('/etc/rancher/k3s/config.yaml')).toBe(false);
  });

  it('reads /proc/cgroups on a cgroup v1 system', () => {
    const env = bootedWithFlags();
    box.remove('sys/fs/cgroup/cgroup.controllers');
    expect(box.run(SCRIPT, [], env).stderr).toContain('memory cgroup is not enabled (');
    box.write('proc/cgroups', '#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t4\t90\t1\n');
    const result = box.run(SCRIPT, [], env);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('ok: memory cgroup enabled');
  });
});

describe('node.sh with pageSize4k', () => {
  it('selects kernel8.img once, asks for a reboot, and continues when the kernel runs 4 KB pages', () => {
    const spec = lab();
    const edited = loadSpec(spec.file, readFileSync(spec.file, 'utf8').replace('      role: server\n', '      role: server\n      pageSize4k: true\n')).spec!;
    box = createSandbox(renderBootstrap(edited));
    freshPi(box, 'bookworm');
    reboot(box);
    box.write('etc/rancher/k3s/token', `${TOKEN}\n`, 0o600);
    const env = stubEnv('rpi-server-01', '192.168.1.100');
    const first = box.run(SCRIPT, [], env);
    expect(first.status).toBe(3);
    expect(first.stdout).toContain('the running kernel uses 16384-byte pages, kernel8.img boots with 4096');
    const config = 'dtparam=pciex1\n[all]\n\n# pi-gitops: 4 KB pages for jemalloc builds (spec nodes[].pageSize4k)\n[all]\nkernel=kernel8.img\n';
    expect(box.read('boot/firmware/config.txt')).toBe(config);
    const again = box.run(SCRIPT, [], env);
    expect(again.status).toBe(3);
    expect(box.read('boot/firmware/config.txt')).toBe(config);
    const after = box.run(SCRIPT, [], { ...env, STUB_PAGESIZE: '4096' });
    expect(after.status).toBe(0);
    expect(after.stdout).toContain('ok: kernel=kernel8.img (4 KB pages) set in');
  });
});

describe('node.sh refuses before changing anything', () => {
  const refusals: { name: string; setup?: (box: Sandbox) => void; env?: Record<string, string>; args?: string[]; message: string }[] = [
    { name: 'a missing join token', message: 'token: no join token; put it in /etc/rancher/k3s/token (mode 0600)' },
    { name: 'a token file others can read', setup: (b) => b.write('etc/rancher/k3s/token', `${TOKEN}\n`, 0o644), message: 'has mode 644; it holds a secret, run: chmod 600' },
    { name: 'a wrong architecture', env: { STUB_ARCH: 'armv7l', K3S_TOKEN: TOKEN }, message: 'architecture: armv7l; K3s on a Pi 5 needs the 64-bit Raspberry Pi OS (aarch64)' },
    { name: 'an address that does not match the spec', env: { STUB_ADDRESS: '192.168.1.50', K3S_TOKEN: TOKEN }, message: 'address: rpi-server-01 must have 192.168.1.100 (spec nodes[].address) but has: 127.0.0.1 192.168.1.50' },
    { name: 'an unsynchronised clock', env: { STUB_NTP: 'no', K3S_TOKEN: TOKEN }, message: 'time: the clock is not synchronised' },
    { name: 'memory that does not match the spec', setup: (b) => b.write('proc/meminfo', `MemTotal: ${(8 * 1024 - 180) * 1024} kB\n`), env: { K3S_TOKEN: TOKEN }, message: 'memory: 8012 MiB visible, but the spec says memoryGiB: 16 (expected 15872-16384 MiB)' },
    { name: 'a missing SSD', setup: (b) => b.remove('dev/nvme0n1p1'), env: { K3S_TOKEN: TOKEN }, message: 'SSD: /dev/nvme0n1p1 not found; is the NVMe on the M.2 HAT+ seated' },
    { name: 'an SSD without a filesystem', env: { STUB_UUID: '', K3S_TOKEN: TOKEN }, message: 'SSD: /dev/nvme0n1p1 has no filesystem; format it once (this script never formats a disk)' },
    { name: 'an fstab that mounts another disk at the mount path', setup: (b) => b.write('etc/fstab', `${FSTAB}UUID=1111 /mnt/ssd ext4 defaults 0 2\n`), env: { K3S_TOKEN: TOKEN }, message: 'already mounts UUID=1111 at /mnt/ssd, not UUID=0b9c3f6e' },
    { name: 'a multi-line cmdline.txt', setup: (b) => b.write('boot/firmware/cmdline.txt', `${BOOT_LINE}\ncgroup_memory=1\n`), env: { K3S_TOKEN: TOKEN }, message: 'has more than one line; the kernel reads only the first' },
    { name: 'another release than Bookworm or Trixie', setup: (b) => b.write('etc/os-release', 'ID=debian\nVERSION_CODENAME=bullseye\n'), env: { K3S_TOKEN: TOKEN }, message: "operating system: release 'bullseye'" },
    { name: 'a host the spec does not know', env: { STUB_HOSTNAME: "x'; touch /tmp/owned #", K3S_TOKEN: TOKEN }, message: "node 'x'; touch /tmp/owned #' is not in pi5-lab's spec (nodes: rpi-server-01 rpi-worker-01" },
    { name: 'a role that contradicts the spec', args: ['--role', 'agent'], env: { K3S_TOKEN: TOKEN }, message: 'role: --role agent, but the spec makes rpi-server-01 a server' },
  ];
  for (const refusal of refusals) {
    it(`exits 1 with a clear message and no edit for ${refusal.name}`, () => {
      // Given a fresh server Pi with one thing wrong
      box = createSandbox(renderBootstrap(lab()));
      freshPi(box, 'bookworm');
      refusal.setup?.(box);
      const before = box.snapshot();
      // When node.sh runs
      const result = box.run(SCRIPT, refusal.args ?? [], { ...stubEnv('rpi-server-01', '192.168.1.100'), ...refusal.env });
      // Then it names the problem, exits 1 and has touched nothing
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(refusal.message);
      expect(box.snapshot()).toEqual(before);
      expect(box.calls().filter((c) => !READ_ONLY.test(c))).toEqual([]);
    });
  }

  it('reports every failed check at once', () => {
    box = createSandbox(renderBootstrap(lab()));
    freshPi(box, 'bookworm');
    const result = box.run(SCRIPT, [], { ...stubEnv('rpi-server-01', '10.0.0.9'), STUB_ARCH: 'x86_64' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('3 check(s) failed; nothing was changed');
    expect(result.stderr).toMatch(/architecture: x86_64[\s\S]*address: [\s\S]*token: no join token/);
  });
});
