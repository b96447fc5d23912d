import type { Finding } from '../findings.js';
import type { ClusterSpecBody, SourcePosition } from '../spec/types.js';
import { formatCpu, formatMemory } from '../units/quantity.js';
import type { ScenarioResult, Unplaced } from './scenarios.js';
import type { BudgetNode, Workload } from './types.js';
import { byCodeUnit } from '../order.js';

/** Where the spec that produced the objects lives, so findings can point at the field to change. */
export interface SpecLocation {
  readonly file: string;
  readonly locate?: (path: readonly (string | number)[]) => SourcePosition | undefined;
}

export function scenarioPhrase(s: ScenarioResult): string {
  switch (s.kind) {
    case 'steady':
      return 'in steady state';
    case 'hpa-max':
      return 'with every HPA at maxReplicas';
    case 'node-loss':
      return `with ${s.lostNode ?? '?'} lost`;
    case 'surge':
      return 'during its rolling update (maxSurge)';
  }
}

function where(w: Workload | undefined, spec: ClusterSpecBody, loc: SpecLocation | undefined, field: readonly (string | number)[]): Partial<Finding> {
  const out: Record<string, unknown> = {};
  if (w?.source) {
    out.file = w.source.file;
    if (w.source.position) out.position = w.source.position;
  }
  // An app from the spec: point at the spec field a person edits.
  if (w && loc && w.namespace === spec.namespace && spec.apps[w.name]) {
    const path = ['spec', 'apps', w.name, ...field];
    const position = loc.locate?.(path) ?? loc.locate?.(['spec', 'apps', w.name]);
    out.origin = { file: loc.file, path: path.join('.'), ...(position ? { position } : {}) };
  }
  return out as Partial<Finding>;
}

function describeRejections(u: Unplaced): string {
  const live = u.rejections.filter((r) => r.filter !== 'NodeLost');
  if (live.length === 0) return 'no node is left';
  const remaining = live.length < u.rejections.length ? 'remaining ' : '';
  if (live.every((r) => r.filter === 'NodeResourcesFit' && (r.shortMemoryBytes !== undefined || r.shortCpuMillis !== undefined))) {
    const range = (values: number[], fmt: (n: number) => string): string => {
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      return lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`;
    };
    const mem = live.map((r) => r.shortMemoryBytes ?? 0).filter((m) => m > 0);
    const cpu = live.map((r) => r.shortCpuMillis ?? 0).filter((c) => c > 0);
    const parts = [mem.length > 0 ? `${range(mem, formatMemory)} of memory short on ${mem.length === live.length ? `every ${remaining}node` : `${mem.length} node(s)`}` : '', cpu.length > 0 ? `${range(cpu, formatCpu)} of CPU short on ${cpu.length === live.length ? `every ${remaining}node` : `${cpu.length} node(s)`}` : ''];
    return parts.filter(Boolean).join(' and ');
  }
  const groups = new Map<string, string[]>();
  for (const r of live) groups.set(`${r.filter}: ${r.detail}`, [...(groups.get(`${r.filter}: ${r.detail}`) ?? []), r.node]);
  return [...groups].map(([reason, nodes]) => `${nodes.join(', ')} — ${reason}`).join('; ');
}

/** Turns scenario results into findings a person can act on, each with the numbers to change. */
export function analyse(spec: ClusterSpecBody, nodes: readonly BudgetNode[], workloads: readonly Workload[], results: readonly ScenarioResult[], loc?: SpecLocation): Finding[] {
  const findings: Finding[] = [];
  const byId = new Map(workloads.map((w) => [w.id, w]));
  const budget = spec.budget;

  // Unplaceable pods: one finding per workload, at the first scenario where it fails.
  const failures = new Map<string, { scenario: ScenarioResult; pods: Unplaced[] }[]>();
  for (const s of results) {
    const per = new Map<string, Unplaced[]>();
    for (const u of s.unplaced) per.set(u.workload, [...(per.get(u.workload) ?? []), u]);
    for (const [id, pods] of per) failures.set(id, [...(failures.get(id) ?? []), { scenario: s, pods }]);
  }
  for (const [id, list] of [...failures].sort(([a], [b]) => byCodeUnit(a, b))) {
    const w = byId.get(id);
    const hard = list.filter((f) => f.scenario.kind !== 'surge');
    const name = w?.name ?? id;
    const shape = w ? `${formatMemory(w.pod.memoryBytes)}/${formatCpu(w.pod.cpuMillis)}` : '?';
    const first = (hard[0] ?? list[0])!;
    const total = first.scenario.kind === 'hpa-max' ? w?.maxReplicas : first.scenario.kind === 'surge' ? w?.surge : w?.replicas;
    // The simulation creates at most nodes × max-pods + 1 pods per workload; the rest are unplaceable too.
    const cap = nodes.reduce((a, x) => a + x.maxPods, 0) + 1;
    const unplacedCount = total !== undefined && total > cap ? total - (cap - first.pods.length) : first.pods.length;
    const count = w?.perNode ? `${first.pods.length} DaemonSet pod(s)` : `${unplacedCount} of ${total ?? '?'} pods`;
    const also = (hard.length > 0 ? hard : list).slice(1).map((f) => f.scenario.name);
    const n = unplacedCount;
    const head = `${name}: ${w?.perNode ? 'one pod per node' : `${w?.replicas ?? '?'}${w && w.maxReplicas > w.replicas ? `–${w.maxReplicas}` : ''}`} × ${shape} requested; ${scenarioPhrase(first.scenario)}, ${count} cannot be placed — ${describeRejections(first.pods[0]!)}`;
    const hint = w ? `lower the request (${shape}), the replicas (${w.maxReplicas}), or add a node: the ${n} unplaced pod(s) need ${formatMemory(n * w.pod.memoryBytes)} memory and ${formatCpu(n * w.pod.cpuMillis)} CPU more` : 'lower the request, the replicas, or add a node';
    findings.push({
      stage: 'budget',
      code: hard.length > 0 ? 'E_BUDGET_UNPLACEABLE' : 'W_BUDGET_SURGE',
      severity: hard.length > 0 ? 'error' : 'warning',
      message: `${head}${also.length > 0 ? ` (also: ${also.join(', ')})` : ''}`,
      path: id,
      hint: hard.length > 0 ? hint : `the rollout waits until pods are removed; set strategy.rollingUpdate.maxSurge: 0 with maxUnavailable: 1, or free ${w ? formatMemory(w.pod.memoryBytes) : 'room'} on one node`,
      ...where(w, spec, loc, ['resources', 'requests', 'memory']),
    });
  }

  // Pods that wait for their node: not an error (their data lives there), but said plainly.
  for (const s of results) {
    for (const wt of s.waiting) {
      const w = byId.get(wt.workload);
      findings.push({
        stage: 'budget',
        code: 'I_BUDGET_WAITS_FOR_NODE',
        severity: 'info',
        message: `${w?.name ?? wt.workload} #${wt.ordinal}: with ${wt.node} lost, it waits for the node to return — it holds ${wt.claims.map((c) => `${c.name} (${formatMemory(c.bytes)})`).join(', ')} on that node's SSD`,
        path: wt.workload,
        hint: 'the data is on one node (local-path); restore from backup onto another node if the node will not come back',
      });
    }
  }

  // Headroom, overcommit, storage: per node, at its worst in steady state and with every HPA at max.
  const loadScenarios = results.filter((s) => s.kind === 'steady' || s.kind === 'hpa-max');
  nodes.forEach((node, i) => {
    const index = spec.nodes.findIndex((n) => n.name === node.name);
    const at = loc ? { file: loc.file, ...(loc.locate?.(['spec', 'nodes', index]) ? { position: loc.locate(['spec', 'nodes', index])! } : {}) } : {};
    const path = `spec.nodes[${index}]`;
    const worst = (f: (u: ScenarioResult['nodes'][number]) => number): { s: ScenarioResult; value: number } =>
      loadScenarios.map((s) => ({ s, value: f(s.nodes[i]!) })).reduce((a, b) => (b.value > a.value ? b : a));
    const cpu = worst((u) => u.cpuMillis);
    const mem = worst((u) => u.memoryBytes);
    const limits = worst((u) => u.memoryLimitBytes);
    const cpuTarget = Math.floor((node.allocatable.cpuMillis * budget.headroomPercent) / 100);
    const memTarget = Math.floor((node.allocatable.memoryBytes * budget.headroomPercent) / 100);
    const pct = (a: number, b: number): string => `${b === 0 ? 0 : Math.round((a / b) * 100)} %`;
    if (cpu.value > cpuTarget) {
      findings.push({ stage: 'budget', code: 'E_BUDGET_HEADROOM_CPU', severity: 'error', path, ...at, message: `${node.name}: ${formatCpu(cpu.value)} of ${formatCpu(node.allocatable.cpuMillis)} CPU requested (${pct(cpu.value, node.allocatable.cpuMillis)}) ${scenarioPhrase(cpu.s)}; the headroom target is ${budget.headroomPercent} % (${formatCpu(cpuTarget)}) — ${formatCpu(cpu.value - cpuTarget)} over`, hint: `lower CPU requests by ${formatCpu(cpu.value - cpuTarget)} on this node, lower HPA maxReplicas, or add a node` });
    }
    if (mem.value > memTarget) {
      findings.push({ stage: 'budget', code: 'E_BUDGET_HEADROOM_MEMORY', severity: 'error', path, ...at, message: `${node.name}: ${formatMemory(mem.value)} of ${formatMemory(node.allocatable.memoryBytes)} memory requested (${pct(mem.value, node.allocatable.memoryBytes)}) ${scenarioPhrase(mem.s)}; the headroom target is ${budget.headroomPercent} % (${formatMemory(memTarget)}) — ${formatMemory(mem.value - memTarget)} over`, hint: `lower memory requests by ${formatMemory(mem.value - memTarget)} on this node, lower HPA maxReplicas, or add a node` });
    }
    const limitCap = Math.floor(node.allocatable.memoryBytes * budget.limitOvercommit);
    if (limits.value > limitCap) {
      findings.push({ stage: 'budget', code: 'E_BUDGET_OVERCOMMIT', severity: 'error', path, ...at, message: `${node.name}: memory limits add up to ${formatMemory(limits.value)} ${scenarioPhrase(limits.s)}, ${(limits.value / node.allocatable.memoryBytes).toFixed(2)} × allocatable ${formatMemory(node.allocatable.memoryBytes)}; above ${budget.limitOvercommit} × (${formatMemory(limitCap)}) the OOM killer is likely to fire`, hint: `lower memory limits by ${formatMemory(limits.value - limitCap)} on this node, or raise spec.budget.limitOvercommit if you accept the risk` });
    }
    const steady = results[0]!.nodes[i]!;
    if (steady.storageBytes > node.storageBytes) {
      findings.push({ stage: 'budget', code: 'E_BUDGET_STORAGE', severity: 'error', path, ...at, message: `${node.name}: local volumes bound here claim ${formatMemory(steady.storageBytes)}, more than the SSD's ${formatMemory(node.storageBytes)} left after spec.budget.storageReserveGiB (${spec.budget.storageReserveGiB}Gi)`, hint: `shrink persistence sizes by ${formatMemory(steady.storageBytes - node.storageBytes)}, or use a larger SSD on ${node.name}` });
    }
  });

  findings.push(...singleNode(spec, nodes, workloads, loc));
  return findings;
}

/** A replicated workload whose replicas can all land on one node: one node loss takes the whole app down. */
function singleNode(spec: ClusterSpecBody, nodes: readonly BudgetNode[], workloads: readonly Workload[], loc: SpecLocation | undefined): Finding[] {
  const out: Finding[] = [];
  for (const w of workloads) {
    // Only manifests say how their pods spread; Helm values and footprints cannot be judged here.
    if (w.perNode || w.origin !== 'manifest' || w.kind === 'Job' || w.kind === 'CronJob' || Math.max(w.replicas, w.maxReplicas) < 2 || nodes.length < 2) continue;
    const n = w.replicas >= 2 ? w.replicas : w.maxReplicas;
    const sharedLocal = w.claims.find((c) => c.local && !c.perReplica);
    const selfAnti = w.pod.antiAffinity.some((t) => Object.entries(t.matchLabels ?? {}).every(([k, v]) => w.pod.labels[k] === v) && (t.matchExpressions ?? []).length === 0);
    const selfSpread = w.pod.spread.some((c) => c.maxSkew < n && Object.entries(c.selector.matchLabels ?? {}).every(([k, v]) => w.pod.labels[k] === v));
    // "Can all land on one node": some node would hold every replica by its requests and pod count.
    const fitsOneNode = nodes.some((node) => n * w.pod.cpuMillis <= node.allocatable.cpuMillis && n * w.pod.memoryBytes <= node.allocatable.memoryBytes && n <= node.maxPods);
    let reason: string | undefined;
    if (sharedLocal) reason = `its ${n} replicas share the local-path volume ${sharedLocal.name}, which binds them all to the node it lands on`;
    else if (!selfAnti && !selfSpread && fitsOneNode) reason = `nothing keeps its ${n} replicas apart, so the scheduler may put them all on one node and one node loss takes the whole app down`;
    if (!reason) continue;
    out.push({
      stage: 'budget',
      code: 'E_BUDGET_SINGLE_NODE',
      severity: 'error',
      path: w.id,
      message: `${w.name}: ${reason}`,
      hint: sharedLocal
        ? 'give each replica its own volume (a StatefulSet volumeClaimTemplate) or run one replica'
        : 'add topologySpreadConstraints {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule} or a required podAntiAffinity on kubernetes.io/hostname',
      ...where(w, spec, loc, ['replicas']),
    });
  }
  return out;
}
