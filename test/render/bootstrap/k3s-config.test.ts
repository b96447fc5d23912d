import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allocatable, capacity, kubeletArgs } from '../../../generator/model/node.js';
import { renderBootstrap } from '../../../generator/render/bootstrap/index.js';
import { loadSpec } from '../../../generator/spec/load.js';
import type { LoadedSpec } from '../../../generator/spec/types.js';
import { cpuMillis, memoryBytes } from '../../../generator/units/quantity.js';

function load(file: string, edit: (text: string) => string = (t) => t): LoadedSpec {
  const { spec, findings } = loadSpec(file, edit(readFileSync(file, 'utf8')));
  if (!spec) throw new Error(JSON.stringify(findings, null, 2));
  return spec;
}

function configs(spec: LoadedSpec): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const file of renderBootstrap(spec)) {
    const match = /^bootstrap\/[^/]+\/nodes\/([^/]+)\/config\.yaml$/.exec(file.path);
    if (match) out.set(match[1]!, parse(file.content) as Record<string, unknown>);
  }
  return out;
}

/** Reads system-reserved, kube-reserved and eviction-hard memory.available back out of kubelet-arg. */
function allocatableFromArgs(args: readonly string[], nodeCapacity: { cpuMillis: number; memoryBytes: number }): { cpuMillis: number; memoryBytes: number } {
  const arg = (name: string): Map<string, string> => {
    const value = args.find((a) => a.startsWith(`${name}=`))!.slice(name.length + 1);
    return new Map(value.split(',').map((pair) => pair.split(/[=<]/) as [string, string]));
  };
  const system = arg('system-reserved');
  const kube = arg('kube-reserved');
  const eviction = arg('eviction-hard');
  expect([...eviction.keys()].sort()).toEqual(['imagefs.available', 'imagefs.inodesFree', 'memory.available', 'nodefs.available', 'nodefs.inodesFree']);
  return {
    cpuMillis: nodeCapacity.cpuMillis - cpuMillis(system.get('cpu')!) - cpuMillis(kube.get('cpu')!),
    memoryBytes: nodeCapacity.memoryBytes - memoryBytes(system.get('memory')!) - memoryBytes(kube.get('memory')!) - memoryBytes(eviction.get('memory.available')!),
  };
}

describe('K3s config.yaml per node', () => {
  const lab = load('clusters/pi5-lab/cluster.yaml');

  it('carries kubelet-arg exactly as kubeletArgs(), the numbers the budget uses, on every node', () => {
    const rendered = configs(lab);
    expect([...rendered.keys()]).toEqual(lab.cluster.spec.nodes.map((n) => n.name));
    for (const node of lab.cluster.spec.nodes) {
      const args = rendered.get(node.name)!['kubelet-arg'] as string[];
      expect(args).toEqual(kubeletArgs(lab.cluster.spec, node));
      // The reservations parse back to the budget model's allocatable.
      expect(allocatableFromArgs(args, capacity(node))).toEqual(allocatable(lab.cluster.spec, node));
    }
  });

  it('renders the server of pi5-lab with its identity, SANs, storage on the SSD and no secret', () => {
    const server = configs(lab).get('rpi-server-01')!;
    expect(server).toMatchObject({
      'node-name': 'rpi-server-01',
      'node-ip': '192.168.1.100',
      'tls-san': ['k3s.iot.local', '192.168.1.100'],
      'write-kubeconfig-mode': '0600',
      'default-local-storage-path': '/mnt/ssd/k3s-storage',
      'data-dir': '/mnt/ssd/k3s',
      'cluster-cidr': '10.42.0.0/16',
      'service-cidr': '10.43.0.0/16',
      'token-file': '/etc/rancher/k3s/token',
      'secrets-encryption': true,
      'protect-kernel-defaults': true,
    });
    // One server: SQLite, nothing to join.
    expect(server).not.toHaveProperty('cluster-init');
    expect(server).not.toHaveProperty('server');
    expect(server).not.toHaveProperty('token');
    // "0600" stays a string: unquoted, YAML would read the number 600.
    const text = renderBootstrap(lab).find((f) => f.path.endsWith('rpi-server-01/config.yaml'))!.content;
    expect(text).toContain('write-kubeconfig-mode: "0600"');
  });

  it('points agents at the first server and leaves server-only keys out', () => {
    const agent = configs(lab).get('rpi-worker-02')!;
    expect(agent).toMatchObject({ 'node-name': 'rpi-worker-02', 'node-ip': '192.168.1.102', server: 'https://192.168.1.100:6443', 'token-file': '/etc/rancher/k3s/token' });
    for (const key of ['tls-san', 'cluster-init', 'disable', 'cluster-cidr', 'secrets-encryption', 'write-kubeconfig-mode']) expect(agent).not.toHaveProperty(key);
  });

  it('initialises embedded etcd on the first of three servers and joins the other two to it', () => {
    const ha = load('clusters/pi5-mini/cluster.yaml', (t) => t.replaceAll('role: agent', 'role: server').replace('k3s:\n', 'k3s:\n    disable: [servicelb]\n'));
    const rendered = configs(ha);
    expect(rendered.get('mini-server-01')).toMatchObject({ 'cluster-init': true, disable: ['servicelb'], 'tls-san': ['192.168.2.10', '192.168.2.11', '192.168.2.12'] });
    expect(rendered.get('mini-server-01')).not.toHaveProperty('server');
    for (const name of ['mini-worker-01', 'mini-worker-02']) {
      expect(rendered.get(name)).toMatchObject({ server: 'https://192.168.2.10:6443', 'secrets-encryption': true });
      expect(rendered.get(name)).not.toHaveProperty('cluster-init');
    }
  });

  it('writes labels and taints from the spec', () => {
    const tainted = load('clusters/pi5-lab/cluster.yaml', (t) =>
      t.replace('      role: server\n', '      role: server\n      labels: { pi-gitops.dev/zone: rack-a }\n      taints: [{ key: CriticalAddonsOnly, value: "true", effect: NoExecute }]\n'),
    );
    expect(configs(tainted).get('rpi-server-01')).toMatchObject({ 'node-label': ['pi-gitops.dev/zone=rack-a'], 'node-taint': ['CriticalAddonsOnly=true:NoExecute'] });
  });
});
