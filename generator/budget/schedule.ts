import { formatCpu, formatMemory } from '../units/quantity.js';
import { requirementMatches, selectorMatches } from './pod.js';
import type { BudgetNode, LabelSelector, PodShape, Taint, Toleration, Workload } from './types.js';

/**
 * A deterministic stand-in for kube-scheduler: the same filters (NodeName for DaemonSet pods,
 * TaintToleration, NodeAffinity, NodeResourcesFit, NodePorts, VolumeBinding for local volumes,
 * InterPodAffinity on hostname, PodTopologySpread DoNotSchedule on hostname), then the
 * least-allocated score, ties broken by node name. Fit is by requests (FACTS.md: scheduler semantics).
 */

export interface Rejection {
  /** kube-scheduler plugin that filtered the node out. */
  readonly filter: 'NodeName' | 'TaintToleration' | 'NodeAffinity' | 'NodeResourcesFit' | 'NodePorts' | 'VolumeBinding' | 'InterPodAffinity' | 'PodTopologySpread' | 'NodeLost';
  readonly detail: string;
  readonly shortMemoryBytes?: number;
  readonly shortCpuMillis?: number;
}

export interface Pod {
  readonly w: number;
  /** Replica ordinal, or the node index for a DaemonSet pod. */
  readonly ordinal: number;
  /** DaemonSet pods are bound to their node. */
  readonly pinned?: number;
  /** Keys of the local claims the pod mounts. */
  readonly claims: readonly string[];
}

/** Precomputed per workload: what each node's static filters say, and which workloads interact through labels. */
export class Model {
  readonly static: (Rejection | undefined)[][];
  readonly antiBlockers: number[][];
  readonly spread: { maxSkew: number; members: number[]; self: boolean }[][];
  readonly claimBytes = new Map<string, number>();

  constructor(
    readonly nodes: readonly BudgetNode[],
    readonly workloads: readonly Workload[],
  ) {
    this.static = workloads.map((w) => nodes.map((n) => staticFilter(w.pod, n)));
    const matches = (sel: LabelSelector, a: PodShape, b: PodShape): boolean => a.namespace === b.namespace && selectorMatches(sel, b.labels);
    this.antiBlockers = workloads.map((wi) =>
      workloads.flatMap((wj, j) => (wi.pod.antiAffinity.some((t) => matches(t, wi.pod, wj.pod)) || wj.pod.antiAffinity.some((t) => matches(t, wj.pod, wi.pod)) ? [j] : [])),
    );
    this.spread = workloads.map((wi, i) =>
      wi.pod.spread.map((c) => {
        const members = workloads.flatMap((wj, j) => (matches(c.selector, wi.pod, wj.pod) ? [j] : []));
        return { maxSkew: c.maxSkew, members, self: members.includes(i) };
      }),
    );
  }

  claimKey(w: Workload, claim: Workload['claims'][number], ordinal: number): string {
    const key = claim.perReplica ? `${w.namespace}/${claim.name}-${w.name}-${ordinal}` : `${w.namespace}/${claim.name}`;
    this.claimBytes.set(key, claim.bytes);
    return key;
  }

  pod(w: number, ordinal: number, pinned?: number): Pod {
    const workload = this.workloads[w]!;
    const claims = workload.claims.filter((c) => c.local).map((c) => this.claimKey(workload, c, ordinal));
    return { w, ordinal, ...(pinned !== undefined ? { pinned } : {}), claims };
  }
}

function spreadMinimaOf(state: State, pod: Pod): number[] | undefined {
  return state.model.spread[pod.w]!.length > 0 ? state.spreadMinima(pod) : undefined;
}

function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

function staticFilter(pod: PodShape, node: BudgetNode): Rejection | undefined {
  const taint = node.taints.find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod.tolerations, t));
  if (taint) return { filter: 'TaintToleration', detail: `untolerated taint ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}` };
  for (const [k, v] of Object.entries(pod.nodeSelector)) if (node.labels[k] !== v) return { filter: 'NodeAffinity', detail: `nodeSelector ${k}=${v} does not match` };
  if (pod.nodeAffinity && pod.nodeAffinity.length > 0 && !pod.nodeAffinity.some((term) => term.every((r) => requirementMatches(r, node.labels)))) {
    return { filter: 'NodeAffinity', detail: 'required node affinity does not match' };
  }
  return undefined;
}

/** The mutable state of one scenario: usage per node and where every pod went. */
export class State {
  readonly cpu: Float64Array;
  readonly memory: Float64Array;
  readonly memoryLimit: Float64Array;
  readonly pods: Int32Array;
  readonly storage: Float64Array;
  /** counts[node * W + workload] */
  readonly counts: Int32Array;
  readonly ports: Set<string>[];
  readonly alive: boolean[];
  readonly bindings: Map<string, number>;
  readonly placed: Map<Pod, number>;
  /** Share of allocatable the pods may take: the headroom target while searching a placement within it, else 1. */
  fraction: number;
  /** LeastAllocated (kube-scheduler's default) spreads; MostAllocated packs. */
  scoring: 'least' | 'most';

  constructor(readonly model: Model, from?: State) {
    this.fraction = from?.fraction ?? 1;
    this.scoring = from?.scoring ?? 'least';
    const n = model.nodes.length;
    this.cpu = from ? from.cpu.slice() : new Float64Array(n);
    this.memory = from ? from.memory.slice() : new Float64Array(n);
    this.memoryLimit = from ? from.memoryLimit.slice() : new Float64Array(n);
    this.pods = from ? from.pods.slice() : new Int32Array(n);
    this.storage = from ? from.storage.slice() : new Float64Array(n);
    this.counts = from ? from.counts.slice() : new Int32Array(n * model.workloads.length);
    this.ports = from ? from.ports.map((s) => new Set(s)) : model.nodes.map(() => new Set<string>());
    this.alive = from ? [...from.alive] : model.nodes.map(() => true);
    this.bindings = new Map(from?.bindings);
    this.placed = new Map(from?.placed);
  }

  clone(): State {
    return new State(this.model, this);
  }

  /** Why node n cannot take the pod, or undefined when it can. */
  reject(pod: Pod, n: number, minima?: readonly number[]): Rejection | undefined {
    const { model } = this;
    const node = model.nodes[n]!;
    const w = model.workloads[pod.w]!;
    const shape = w.pod;
    if (!this.alive[n]) return { filter: 'NodeLost', detail: 'node lost' };
    if (pod.pinned !== undefined && pod.pinned !== n) return { filter: 'NodeName', detail: 'DaemonSet pod belongs to another node' };
    const s = model.static[pod.w]![n];
    if (s) return s;
    if (this.pods[n]! + 1 > node.maxPods) return { filter: 'NodeResourcesFit', detail: `Too many pods (${node.maxPods} max)` };
    const freeCpu = Math.floor(node.allocatable.cpuMillis * this.fraction) - this.cpu[n]!;
    const freeMem = Math.floor(node.allocatable.memoryBytes * this.fraction) - this.memory[n]!;
    const shortCpu = shape.cpuMillis - freeCpu;
    const shortMem = shape.memoryBytes - freeMem;
    if (shortMem > 0 || shortCpu > 0) {
      const parts = [shortMem > 0 ? `memory (${formatMemory(shortMem)} short)` : '', shortCpu > 0 ? `cpu (${formatCpu(shortCpu)} short)` : ''].filter(Boolean);
      return { filter: 'NodeResourcesFit', detail: `Insufficient ${parts.join(', ')}`, ...(shortMem > 0 ? { shortMemoryBytes: shortMem } : {}), ...(shortCpu > 0 ? { shortCpuMillis: shortCpu } : {}) };
    }
    const port = shape.hostPorts.find((p) => this.ports[n]!.has(p));
    if (port) return { filter: 'NodePorts', detail: `hostPort ${port} already in use` };
    for (const claim of pod.claims) {
      const bound = this.bindings.get(claim);
      if (bound !== undefined && bound !== n) return { filter: 'VolumeBinding', detail: `volume ${claim} is bound to ${model.nodes[bound]!.name}` };
    }
    const W = model.workloads.length;
    for (const j of model.antiBlockers[pod.w]!) if (this.counts[n * W + j]! > 0) return { filter: 'InterPodAffinity', detail: `required anti-affinity with ${model.workloads[j]!.name}` };
    const spread = model.spread[pod.w]!;
    if (spread.length > 0) {
      const ctx = minima ?? this.spreadMinima(pod);
      for (let k = 0; k < spread.length; k++) {
        const c = spread[k]!;
        let count = 0;
        for (const j of c.members) count += this.counts[n * W + j]!;
        if (count + (c.self ? 1 : 0) - ctx[k]! > c.maxSkew) return { filter: 'PodTopologySpread', detail: `maxSkew ${c.maxSkew} on kubernetes.io/hostname would be exceeded` };
      }
    }
    return undefined;
  }

  /** Per spread constraint of the pod: the fewest matching pods on any live node its node affinity allows (nodeTaintsPolicy Ignore). */
  spreadMinima(pod: Pod): number[] {
    const { model } = this;
    const W = model.workloads.length;
    return model.spread[pod.w]!.map((c) => {
      let min = Infinity;
      for (let m = 0; m < model.nodes.length; m++) {
        if (!this.alive[m] || model.static[pod.w]![m]?.filter === 'NodeAffinity') continue;
        let count = 0;
        for (const j of c.members) count += this.counts[m * W + j]!;
        if (count < min) min = count;
      }
      return min === Infinity ? 0 : min;
    });
  }

  /** Places the pod on the best node; returns the rejections per node when no node takes it. */
  schedule(pod: Pod): number | Rejection[] {
    const { nodes } = this.model;
    const shape = this.model.workloads[pod.w]!.pod;
    const rejections: Rejection[] = [];
    let best = -1;
    let bestScore = -Infinity;
    const minima = spreadMinimaOf(this, pod);
    for (let n = 0; n < nodes.length; n++) {
      const r = this.reject(pod, n, minima);
      rejections.push(r ?? { filter: 'NodeName', detail: '' });
      if (r) continue;
      const a = nodes[n]!.allocatable;
      // LeastAllocated: the mean free share of CPU and memory after placing the pod.
      const score = (a.cpuMillis === 0 ? 0 : (a.cpuMillis - this.cpu[n]! - shape.cpuMillis) / a.cpuMillis) + (a.memoryBytes === 0 ? 0 : (a.memoryBytes - this.memory[n]! - shape.memoryBytes) / a.memoryBytes);
      const signed = this.scoring === 'least' ? score : -score;
      if (signed > bestScore) {
        best = n;
        bestScore = signed;
      }
    }
    if (best < 0) return rejections;
    this.bind(pod, best);
    return best;
  }

  bind(pod: Pod, n: number): void {
    const shape = this.model.workloads[pod.w]!.pod;
    this.cpu[n] = this.cpu[n]! + shape.cpuMillis;
    this.memory[n] = this.memory[n]! + shape.memoryBytes;
    this.memoryLimit[n] = this.memoryLimit[n]! + shape.memoryLimitBytes;
    this.pods[n] = this.pods[n]! + 1;
    const c = n * this.model.workloads.length + pod.w;
    this.counts[c] = this.counts[c]! + 1;
    for (const p of shape.hostPorts) this.ports[n]!.add(p);
    for (const claim of pod.claims) {
      if (this.bindings.has(claim)) continue;
      this.bindings.set(claim, n);
      this.storage[n] = this.storage[n]! + (this.model.claimBytes.get(claim) ?? 0);
    }
    this.placed.set(pod, n);
  }

  /** Takes a node out: its usage goes, its pods are returned (bindings stay — the data is on that node). */
  lose(n: number): Pod[] {
    this.alive[n] = false;
    const gone: Pod[] = [];
    for (const [pod, at] of this.placed) if (at === n) gone.push(pod);
    for (const pod of gone) this.placed.delete(pod);
    this.cpu[n] = 0;
    this.memory[n] = 0;
    this.memoryLimit[n] = 0;
    this.pods[n] = 0;
    this.ports[n]!.clear();
    const W = this.model.workloads.length;
    this.counts.fill(0, n * W, (n + 1) * W);
    return gone;
  }
}
