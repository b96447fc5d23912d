import { describe, expect, it } from 'vitest';
import { budgetNodes, reservationFindings } from '../../generator/budget/nodes.js';
import { kubeletArgs } from '../../generator/model/node.js';
import { MiB } from '../../generator/units/quantity.js';
import { makeSpec } from './fixtures.js';

describe('budget nodes: allocatable from the shared node model with the schema defaults', () => {
  // capacity = nominal − 192 MiB (FACTS.md); server reserves 256Mi system + 1600Mi kube, agent 256Mi + 300Mi; eviction 200Mi.
  const spec = makeSpec([
    { memoryGiB: 16, role: 'server', name: 's16' },
    { memoryGiB: 16, role: 'agent', name: 'a16' },
    { memoryGiB: 8, role: 'server', name: 's08' },
    { memoryGiB: 8, role: 'agent', name: 'a08' },
    { memoryGiB: 4, role: 'server', name: 's04' },
    { memoryGiB: 4, role: 'agent', name: 'a04' },
  ]);
  const nodes = Object.fromEntries(budgetNodes(spec.cluster.spec).map((n) => [n.name, n]));

  it.each([
    ['s16', 16192, 14136, 3600],
    ['a16', 16192, 15436, 3800],
    ['s08', 8000, 5944, 3600],
    ['a08', 8000, 7244, 3800],
    ['s04', 3904, 1848, 3600],
    ['a04', 3904, 3148, 3800],
  ])('%s: capacity %i MiB, allocatable %i MiB and %i millicores', (name, capMiB, allocMiB, cpu) => {
    const node = nodes[name]!;
    expect(node.capacity.memoryBytes).toBe(capMiB * MiB);
    expect(node.allocatable.memoryBytes).toBe(allocMiB * MiB);
    expect(node.allocatable.cpuMillis).toBe(cpu);
    expect(node.capacity.memoryBytes - node.systemReserved.memoryBytes - node.kubeReserved.memoryBytes - node.evictionMemoryBytes).toBe(node.allocatable.memoryBytes);
  });

  it('uses the same reservations the bootstrap writes into kubelet-arg', () => {
    const server = spec.cluster.spec.nodes.find((n) => n.name === 's16')!;
    expect(kubeletArgs(spec.cluster.spec, server)).toContain('kube-reserved=cpu=300m,memory=1600Mi');
    expect(nodes.s16!.kubeReserved).toEqual({ cpuMillis: 300, memoryBytes: 1600 * MiB });
    expect(nodes.s16!.evictionMemoryBytes).toBe(200 * MiB);
  });

  it('leaves the SSD size less storageReserveGiB for local volumes, and labels servers as control plane', () => {
    expect(nodes.a04!.storageBytes).toBe((256 - 20) * 1024 * MiB);
    expect(nodes.s04!.labels['node-role.kubernetes.io/control-plane']).toBe('true');
    expect(nodes.a04!.labels['kubernetes.io/hostname']).toBe('a04');
  });
});

describe('kube-reserved against the measured K3s processes', () => {
  it('accepts the schema defaults with one server and warns when a role reserves less than K3s was measured to use', () => {
    expect(reservationFindings(makeSpec([{ memoryGiB: 8 }, { memoryGiB: 8 }]).cluster.spec)).toEqual([]);
    // Three servers run embedded etcd, measured at 1,613 MiB: the default 1600Mi is 13Mi short.
    const ha = makeSpec([{ memoryGiB: 8, role: 'server' }, { memoryGiB: 8, role: 'server' }, { memoryGiB: 8, role: 'server' }]);
    expect(reservationFindings(ha.cluster.spec).map((f) => f.message)).toEqual(['server kubeReserved 1600Mi/300m is below the measured K3s server process (1613Mi, 300m with embedded etcd): the budget would promise pods memory K3s itself uses']);
    const low = makeSpec([{ memoryGiB: 8 }, { memoryGiB: 8 }], { reservations: { server: { kubeReserved: { cpu: '300m', memory: '1Gi' }, systemReserved: { cpu: '100m', memory: '256Mi' } } } });
    const findings = reservationFindings(low.cluster.spec, low.file);
    expect(findings.map((f) => [f.code, f.path, f.hint])).toEqual([['W_BUDGET_KUBE_RESERVED', 'spec.reservations.server.kubeReserved', 'set spec.reservations.server.kubeReserved to at least memory 1588Mi and cpu 300m']]);
  });
});
