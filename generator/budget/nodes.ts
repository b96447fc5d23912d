import { allocatable, capacity, MAX_PODS, reservations } from '../model/node.js';
import type { ClusterSpecBody, NodeSpec } from '../spec/types.js';
import type { Finding } from '../findings.js';
import { cpuMillis, GiB, MiB, memoryBytes } from '../units/quantity.js';
import type { BudgetNode } from './types.js';

/**
 * The labels a K3s node carries: the well-known ones the kubelet sets, the control-plane role
 * K3s gives servers (servers are not tainted by default — FACTS.md: k3s datastore/ha.md), and the spec's own.
 */
export function nodeLabels(node: NodeSpec): Record<string, string> {
  return {
    'kubernetes.io/arch': 'arm64',
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
    ...(node.role === 'server' ? { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' } : {}),
    ...node.labels,
  };
}

/**
 * A node with its allocatable derived by the one node model (generator/model/node.ts), which is also
 * what the bootstrap writes into K3s's kubelet-arg. The K3s server/agent processes are covered by
 * kube-reserved (defaults 1600Mi/300m on servers, 300Mi/100m on agents, sized on the measured
 * 1,588–1,613 MiB / 30 % and 268 MiB / 10 % — FACTS.md: k3s resource-profiling.md), so they are not
 * modelled again as pods.
 */
export function budgetNode(spec: ClusterSpecBody, node: NodeSpec): BudgetNode {
  const cap = capacity(node);
  const r = reservations(spec, node);
  const alloc = allocatable(spec, node);
  return {
    name: node.name,
    role: node.role,
    memoryGiB: node.memoryGiB,
    labels: nodeLabels(node),
    taints: node.taints,
    capacity: cap,
    systemReserved: { cpuMillis: cpuMillis(r.systemReserved.cpu), memoryBytes: memoryBytes(r.systemReserved.memory) },
    kubeReserved: { cpuMillis: cpuMillis(r.kubeReserved.cpu), memoryBytes: memoryBytes(r.kubeReserved.memory) },
    evictionMemoryBytes: memoryBytes(r.evictionHard['memory.available']),
    allocatable: alloc,
    maxPods: MAX_PODS,
    storageBytes: Math.max(0, node.storage.sizeGiB - spec.budget.storageReserveGiB) * GiB,
  };
}

/** Every node of the spec, in name order (the scheduler's tie-break order). */
export function budgetNodes(spec: ClusterSpecBody): BudgetNode[] {
  return spec.nodes.map((n) => budgetNode(spec, n)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * What the K3s processes were measured to use (FACTS.md: k3s-io/docs resource-profiling.md, K3s
 * v1.26.5 on a Pi 4B, 95th percentile): a server with a workload 1,588 MiB with SQLite (one server)
 * or 1,613 MiB with embedded etcd (several servers), 30 % of a core; an agent 268 MiB and 10 %.
 * kube-reserved is where they are budgeted.
 */
export const K3S_MEASURED = {
  serverSqlite: { memoryBytes: 1588 * MiB, cpuMillis: 300 },
  serverEtcd: { memoryBytes: 1613 * MiB, cpuMillis: 300 },
  agent: { memoryBytes: 268 * MiB, cpuMillis: 100 },
} as const;

/** A kube-reserved below the measured K3s process leaves it eating into what pods were promised. */
export function reservationFindings(spec: ClusterSpecBody, file?: string): Finding[] {
  const out: Finding[] = [];
  for (const role of ['server', 'agent'] as const) {
    if (!spec.nodes.some((n) => n.role === role)) continue;
    const r = spec.reservations[role].kubeReserved;
    const servers = spec.nodes.filter((n) => n.role === 'server').length;
    const m = role === 'agent' ? K3S_MEASURED.agent : servers > 1 ? K3S_MEASURED.serverEtcd : K3S_MEASURED.serverSqlite;
    const mem = memoryBytes(r.memory);
    const cpu = cpuMillis(r.cpu);
    if (mem >= m.memoryBytes && cpu >= m.cpuMillis) continue;
    out.push({
      stage: 'budget',
      code: 'W_BUDGET_KUBE_RESERVED',
      severity: 'warning',
      ...(file ? { file } : {}),
      path: `spec.reservations.${role}.kubeReserved`,
      message: `${role} kubeReserved ${r.memory}/${String(r.cpu)} is below the measured K3s ${role} process (${m.memoryBytes / MiB}Mi, ${m.cpuMillis}m${role === 'server' ? (servers > 1 ? ' with embedded etcd' : ' with SQLite') : ''}): the budget would promise pods memory K3s itself uses`,
      hint: `set spec.reservations.${role}.kubeReserved to at least memory ${m.memoryBytes / MiB}Mi and cpu ${m.cpuMillis}m`,
    });
  }
  return out;
}
