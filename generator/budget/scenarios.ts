import { Model, State, type Pod, type Rejection } from './schedule.js';
import type { BudgetNode, Workload } from './types.js';

export type ScenarioKind = 'steady' | 'hpa-max' | 'node-loss' | 'surge';

export interface NodeUsage {
  readonly node: string;
  readonly lost: boolean;
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly memoryLimitBytes: number;
  readonly pods: number;
  readonly storageBytes: number;
}

export interface Unplaced {
  readonly workload: string;
  readonly ordinal: number;
  /** Per node, in node order: the filter that rejected the pod there. */
  readonly rejections: readonly { readonly node: string; readonly filter: Rejection['filter']; readonly detail: string; readonly shortMemoryBytes?: number; readonly shortCpuMillis?: number }[];
}

export interface Waiting {
  readonly workload: string;
  readonly ordinal: number;
  readonly node: string;
  readonly claims: readonly { readonly name: string; readonly bytes: number }[];
}

export interface ScenarioResult {
  readonly name: string;
  readonly kind: ScenarioKind;
  readonly lostNode?: string;
  /** For surge: the Deployment being rolled. */
  readonly target?: string;
  readonly nodes: readonly NodeUsage[];
  readonly unplaced: readonly Unplaced[];
  readonly waiting: readonly Waiting[];
  /** workload id → node names its pods landed on (steady only). */
  readonly placements?: Readonly<Record<string, readonly string[]>>;
}

export type PlacementOrder = 'memory' | 'cpu' | 'dominant';

export interface SimulationOptions {
  readonly nodeLosses: number;
  /** Which pods go first after platform and DaemonSet pods. @default 'memory' (largest memory request first) */
  readonly order?: PlacementOrder;
  /**
   * Share of allocatable that steady state and HPA max may fill (the headroom target as a fraction),
   * to look for a placement within headroom; node losses and rolling updates may use all of it. @default 1
   */
  readonly steadyFraction?: number;
  /** Scoring for steady state and HPA max: 'least' (kube-scheduler's LeastAllocated) or 'most' (bin packing). @default 'least' */
  readonly scoring?: 'least' | 'most';
  /** Also simulate one rolling update (maxSurge) per Deployment from the steady state. */
  readonly surge?: boolean;
}

/**
 * Scheduling order: DaemonSets first, then platform (installed before anything else), then the
 * largest requests first (by memory, by CPU, or by the larger share of the cluster's average node), then id.
 */
function order(nodes: readonly BudgetNode[], workloads: readonly Workload[], by: PlacementOrder): number[] {
  const avgCpu = nodes.reduce((a, n) => a + n.allocatable.cpuMillis, 0) / Math.max(1, nodes.length) || 1;
  const avgMem = nodes.reduce((a, n) => a + n.allocatable.memoryBytes, 0) / Math.max(1, nodes.length) || 1;
  const size = (w: Workload): number => (by === 'memory' ? w.pod.memoryBytes : by === 'cpu' ? w.pod.cpuMillis : Math.max(w.pod.cpuMillis / avgCpu, w.pod.memoryBytes / avgMem));
  return workloads
    .map((_, i) => i)
    .sort((a, b) => {
      const x = workloads[a]!;
      const y = workloads[b]!;
      return (
        Number(y.perNode) - Number(x.perNode) ||
        Number(y.origin === 'platform') - Number(x.origin === 'platform') ||
        size(y) - size(x) ||
        y.pod.memoryBytes - x.pod.memoryBytes ||
        y.pod.cpuMillis - x.pod.cpuMillis ||
        (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)
      );
    });
}

function usage(model: Model, state: State): NodeUsage[] {
  return model.nodes.map((n, i) => ({
    node: n.name,
    lost: !state.alive[i],
    cpuMillis: state.cpu[i]!,
    memoryBytes: state.memory[i]!,
    memoryLimitBytes: state.memoryLimit[i]!,
    pods: state.pods[i]!,
    storageBytes: state.storage[i]!,
  }));
}

function place(model: Model, state: State, pods: readonly Pod[], unplaced: Unplaced[]): void {
  for (const pod of pods) {
    const result = state.schedule(pod);
    if (typeof result === 'number') continue;
    const w = model.workloads[pod.w]!;
    unplaced.push({ workload: w.id, ordinal: pod.ordinal, rejections: result.map((r, n) => ({ node: model.nodes[n]!.name, ...r })) });
  }
}

/** Runs every scenario. Pure and deterministic: same nodes and workloads, same result. */
export function simulate(nodes: readonly BudgetNode[], workloads: readonly Workload[], options: SimulationOptions): ScenarioResult[] {
  const model = new Model(nodes, workloads);
  const sequence = order(nodes, workloads, options.order ?? 'memory');
  const steadyPods: Pod[] = [];
  const extraPods: Pod[] = [];
  // No cluster holds more than nodes × max-pods: pods past that are unplaceable anyway, so the
  // simulation stops creating them there (an absurd replica count must not exhaust memory).
  const cap = nodes.reduce((a, n) => a + n.maxPods, 0) + 1;
  for (const w of sequence) {
    const workload = workloads[w]!;
    if (workload.perNode) {
      // One pod per node that passes the DaemonSet's static filters (taints, node affinity).
      nodes.forEach((_, n) => model.static[w]![n] === undefined && steadyPods.push(model.pod(w, n, n)));
      continue;
    }
    for (let r = 0; r < Math.min(workload.replicas, cap); r++) steadyPods.push(model.pod(w, r));
    for (let r = workload.replicas; r < Math.min(workload.maxReplicas, cap); r++) extraPods.push(model.pod(w, r));
  }

  const steady = new State(model);
  steady.fraction = options.steadyFraction ?? 1;
  steady.scoring = options.scoring ?? 'least';
  const steadyUnplaced: Unplaced[] = [];
  place(model, steady, steadyPods, steadyUnplaced);
  const pending = steadyPods.filter((p) => !steady.placed.has(p));
  const placements: Record<string, string[]> = {};
  for (const [pod, n] of steady.placed) (placements[workloads[pod.w]!.id] ??= []).push(nodes[n]!.name);
  for (const list of Object.values(placements)) list.sort();
  const results: ScenarioResult[] = [{ name: 'steady', kind: 'steady', nodes: usage(model, steady), unplaced: steadyUnplaced, waiting: [], placements }];

  // Every HPA at maxReplicas: the extra pods join the steady placement (nothing is rescheduled).
  const hpa = steady.clone();
  const hpaUnplaced: Unplaced[] = [];
  place(model, hpa, [...pending, ...extraPods], hpaUnplaced);
  results.push({ name: 'hpa-max', kind: 'hpa-max', nodes: usage(model, hpa), unplaced: hpaUnplaced, waiting: [] });

  if (options.nodeLosses >= 1) {
    for (let n = 0; n < nodes.length; n++) {
      const state = steady.clone();
      state.fraction = 1;
      state.scoring = 'least';
      const gone = state.lose(n);
      const waiting: Waiting[] = [];
      const moved: Pod[] = [];
      for (const pod of gone) {
        if (pod.pinned !== undefined) continue; // a DaemonSet pod goes with its node
        const held = pod.claims.filter((c) => state.bindings.get(c) === n);
        if (held.length > 0) {
          waiting.push({ workload: workloads[pod.w]!.id, ordinal: pod.ordinal, node: nodes[n]!.name, claims: held.map((c) => ({ name: c, bytes: model.claimBytes.get(c) ?? 0 })) });
          continue;
        }
        moved.push(pod);
      }
      const rank = new Map(steadyPods.map((p, i) => [p, i]));
      moved.sort((a, b) => rank.get(a)! - rank.get(b)!);
      const unplaced: Unplaced[] = [];
      place(model, state, [...moved, ...pending.filter((p) => p.pinned !== n)], unplaced);
      waiting.sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : a.ordinal - b.ordinal));
      results.push({ name: `lose ${nodes[n]!.name}`, kind: 'node-loss', lostNode: nodes[n]!.name, nodes: usage(model, state), unplaced, waiting });
    }
  }

  if (options.surge) {
    for (const w of sequence) {
      const workload = workloads[w]!;
      if (workload.kind !== 'Deployment' || workload.surge <= 0 || workload.origin === 'platform') continue;
      const state = steady.clone();
      state.fraction = 1;
      state.scoring = 'least';
      const unplaced: Unplaced[] = [];
      const surgePods: Pod[] = [];
      for (let r = 0; r < Math.min(workload.surge, cap); r++) surgePods.push(model.pod(w, workload.replicas + r));
      place(model, state, surgePods, unplaced);
      results.push({ name: `roll ${workload.name}`, kind: 'surge', target: workload.id, nodes: usage(model, state), unplaced, waiting: [] });
    }
  }
  return results;
}
