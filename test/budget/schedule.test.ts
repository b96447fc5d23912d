import { describe, expect, it } from 'vitest';
import { analyse } from '../../generator/budget/analyse.js';
import { budgetNodes } from '../../generator/budget/nodes.js';
import { simplePod } from '../../generator/budget/pod.js';
import { simulate } from '../../generator/budget/scenarios.js';
import type { PodShape, Workload } from '../../generator/budget/types.js';
import { GiB, MiB } from '../../generator/units/quantity.js';
import { makeSpec } from './fixtures.js';

// Three 4 GB agents: 3148 MiB and 3800m allocatable each (see nodes.test.ts).
// The spec needs a server; the simulation here takes only the three agents.
const spec = makeSpec([{ memoryGiB: 4, role: 'server', name: 's' }, { memoryGiB: 4, role: 'agent', name: 'a' }, { memoryGiB: 4, role: 'agent', name: 'b' }, { memoryGiB: 4, role: 'agent', name: 'c' }]);
const nodes = budgetNodes(spec.cluster.spec).filter((n) => n.role === 'agent');

function workload(name: string, replicas: number, memory: number, cpu = 100, pod: Partial<PodShape> = {}, extra: Partial<Workload> = {}): Workload {
  const labels = { app: name };
  return { id: `Deployment/iot/${name}`, kind: 'Deployment', namespace: 'iot', name, origin: 'manifest', pod: simplePod('iot', labels, cpu, memory, memory, pod), replicas, maxReplicas: replicas, perNode: false, surge: 0, claims: [], ...extra };
}

const spread = (name: string): Partial<PodShape> => ({ spread: [{ maxSkew: 1, selector: { matchLabels: { app: name } } }] });

describe('placement', () => {
  it('places the largest pods first on the least-allocated node, ties by name, and spreads under maxSkew 1', () => {
    // big: 2 × 1500Mi → a, then b (a is fuller); web: 3 × 1Gi with hostname spread → c, then a (tie a/b by name), then b.
    const results = simulate(nodes, [workload('web', 3, 1 * GiB, 100, spread('web')), workload('big', 2, 1500 * MiB)], { nodeLosses: 1 });
    const steady = results[0]!;
    expect(steady.placements).toEqual({ 'Deployment/iot/big': ['a', 'b'], 'Deployment/iot/web': ['a', 'b', 'c'] });
    expect(steady.nodes.map((u) => u.memoryBytes / MiB)).toEqual([2524, 2524, 1024]);
    expect(steady.unplaced).toEqual([]);
  });

  it('with node a lost, big moves to c and web is 400Mi short on every remaining node', () => {
    const workloads = [workload('web', 3, 1 * GiB, 100, spread('web')), workload('big', 2, 1500 * MiB)];
    const results = simulate(nodes, workloads, { nodeLosses: 1 });
    const lostA = results.find((s) => s.lostNode === 'a')!;
    // b: 2524 used, 624 free; c: 1024 + 1500 = 2524 used, 624 free; web needs 1024 → 400Mi short on each.
    expect(lostA.nodes.map((u) => (u.lost ? 'lost' : u.memoryBytes / MiB))).toEqual(['lost', 2524, 2524]);
    expect(lostA.unplaced).toHaveLength(1);
    expect(lostA.unplaced[0]!.rejections.map((r) => [r.node, r.filter, r.shortMemoryBytes && r.shortMemoryBytes / MiB])).toEqual([
      ['a', 'NodeLost', undefined],
      ['b', 'NodeResourcesFit', 400],
      ['c', 'NodeResourcesFit', 400],
    ]);
    const findings = analyse(spec.cluster.spec, nodes, workloads, results);
    const unplaceable = findings.filter((f) => f.code === 'E_BUDGET_UNPLACEABLE');
    expect(unplaceable).toHaveLength(1);
    expect(unplaceable[0]!.message).toBe('web: 3 × 1Gi/100m requested; with a lost, 1 of 3 pods cannot be placed — 400Mi of memory short on every remaining node (also: lose b, lose c)');
    expect(unplaceable[0]!.hint).toBe('lower the request (1Gi/100m), the replicas (3), or add a node: the 1 unplaced pod(s) need 1Gi memory and 100m CPU more');
  });

  it('names the filter per node: required anti-affinity allows one replica per node', () => {
    const anti: Partial<PodShape> = { antiAffinity: [{ matchLabels: { app: 'solo' } }] };
    const results = simulate(nodes, [workload('solo', 4, 64 * MiB, 10, anti)], { nodeLosses: 0 });
    expect(results[0]!.unplaced).toHaveLength(1);
    expect(results[0]!.unplaced[0]!.rejections.map((r) => r.filter)).toEqual(['InterPodAffinity', 'InterPodAffinity', 'InterPodAffinity']);
  });

  it('refuses a second holder of the same hostPort on a node (servicelb 80/443)', () => {
    const daemon: Workload = { ...workload('svclb', 0, 0, 0, { hostPorts: ['TCP/80'] }), kind: 'DaemonSet', perNode: true };
    const results = simulate(nodes, [daemon, workload('web80', 1, 64 * MiB, 10, { hostPorts: ['TCP/80'] })], { nodeLosses: 0 });
    expect(results[0]!.unplaced[0]!.rejections.map((r) => r.detail)).toEqual(['hostPort TCP/80 already in use', 'hostPort TCP/80 already in use', 'hostPort TCP/80 already in use']);
  });

  it('runs DaemonSet pods only on nodes whose taints they tolerate, and honours nodeSelector', () => {
    const tainted = makeSpec([{ memoryGiB: 4, name: 's', role: 'server' }, { memoryGiB: 4, name: 'a', role: 'agent', taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }, { memoryGiB: 4, name: 'b', role: 'agent', labels: { disk: 'ssd' } }]);
    const tn = budgetNodes(tainted.cluster.spec).filter((n) => n.role === 'agent');
    const ds: Workload = { ...workload('agent', 0, 64 * MiB), kind: 'DaemonSet', perNode: true };
    const pinned = workload('pinned', 1, 64 * MiB, 10, { nodeSelector: { disk: 'ssd' } });
    const results = simulate(tn, [ds, pinned], { nodeLosses: 1 });
    expect(results[0]!.placements).toEqual({ 'Deployment/iot/agent': ['b'], 'Deployment/iot/pinned': ['b'] });
    const lostB = results.find((s) => s.lostNode === 'b')!;
    expect(lostB.unplaced.map((u) => [u.workload, u.rejections.map((r) => r.filter)])).toEqual([['Deployment/iot/pinned', ['TaintToleration', 'NodeLost']]]);
  });

  it('keeps a pod with a local volume on its node: with that node lost it waits, holding its data', () => {
    const db: Workload = { ...workload('db', 1, 512 * MiB), kind: 'StatefulSet', id: 'StatefulSet/iot/db', claims: [{ name: 'data', perReplica: true, bytes: 20 * GiB, storageClass: 'local-ssd', local: true }] };
    const results = simulate(nodes, [db], { nodeLosses: 1 });
    expect(results[0]!.placements).toEqual({ 'StatefulSet/iot/db': ['a'] });
    expect(results[0]!.nodes[0]!.storageBytes).toBe(20 * GiB);
    const lostA = results.find((s) => s.lostNode === 'a')!;
    expect(lostA.unplaced).toEqual([]);
    expect(lostA.waiting).toEqual([{ workload: 'StatefulSet/iot/db', ordinal: 0, node: 'a', claims: [{ name: 'iot/data-db-0', bytes: 20 * GiB }] }]);
  });

  it('adds HPA max pods to the steady placement and a rolling update adds maxSurge pods', () => {
    const api = workload('api', 2, 1 * GiB, 100, spread('api'), { maxReplicas: 6, surge: 1 });
    const results = simulate(nodes, [api], { nodeLosses: 0, surge: true });
    expect(results.map((s) => s.name)).toEqual(['steady', 'hpa-max', 'roll api']);
    expect(results[1]!.nodes.map((u) => u.memoryBytes / GiB)).toEqual([2, 2, 2]);
    expect(results[2]!.nodes.map((u) => u.memoryBytes / GiB)).toEqual([1, 1, 1]);
  });
});
