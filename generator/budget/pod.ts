import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import { cpuMillis, memoryBytes, parseQuantity } from '../units/quantity.js';
import type { LabelSelector, PodShape, Requirement, Toleration } from './types.js';

const HOSTNAME = 'kubernetes.io/hostname';

export interface ContainerGap {
  readonly container: string;
  readonly missing: readonly ('cpu request' | 'memory request' | 'memory limit')[];
}

function cpuOf(value: unknown): number {
  if (typeof value !== 'string' && typeof value !== 'number') return 0;
  return parseQuantity(value) === undefined ? 0 : cpuMillis(value);
}

function memOf(value: unknown): number {
  if (typeof value !== 'string' && typeof value !== 'number') return 0;
  return parseQuantity(value) === undefined ? 0 : memoryBytes(value);
}

interface Figures {
  cpu: number;
  memory: number;
  memoryLimit: number;
}

function containerFigures(c: Container): Figures {
  const requests = (c.resources?.requests ?? {}) as Record<string, unknown>;
  const limits = (c.resources?.limits ?? {}) as Record<string, unknown>;
  // The API server defaults a missing request to the limit; a missing limit is unbounded, counted at the request.
  const cpu = cpuOf(requests.cpu ?? limits.cpu);
  const memory = memOf(requests.memory ?? limits.memory);
  return { cpu, memory, memoryLimit: limits.memory !== undefined ? memOf(limits.memory) : memory };
}

/** Containers that leave the scheduler guessing: no CPU or memory request, or no memory limit. */
export function containerGaps(spec: PodSpec): ContainerGap[] {
  const gaps: ContainerGap[] = [];
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const requests = (c.resources?.requests ?? {}) as Record<string, unknown>;
    const limits = (c.resources?.limits ?? {}) as Record<string, unknown>;
    const missing: ContainerGap['missing'][number][] = [];
    if (requests.cpu === undefined && limits.cpu === undefined) missing.push('cpu request');
    if (requests.memory === undefined && limits.memory === undefined) missing.push('memory request');
    if (limits.memory === undefined) missing.push('memory limit');
    if (missing.length > 0) gaps.push({ container: c.name, missing });
  }
  return gaps;
}

/**
 * The pod's effective request: overhead + max(sum of app containers, largest init container)
 * (FACTS.md: kubernetes.io manage-resources-containers, init-containers). Restartable (sidecar)
 * init containers run alongside the app containers, so they are added to the sum.
 */
function effective(spec: PodSpec): Figures {
  const sum: Figures = { cpu: 0, memory: 0, memoryLimit: 0 };
  for (const c of spec.containers ?? []) add(sum, containerFigures(c));
  const init: Figures = { cpu: 0, memory: 0, memoryLimit: 0 };
  const sidecars: Figures = { cpu: 0, memory: 0, memoryLimit: 0 };
  for (const c of spec.initContainers ?? []) {
    const f = containerFigures(c);
    if (c.restartPolicy === 'Always') {
      add(sidecars, f);
      continue;
    }
    // An init container runs with the sidecars started before it.
    init.cpu = Math.max(init.cpu, f.cpu + sidecars.cpu);
    init.memory = Math.max(init.memory, f.memory + sidecars.memory);
    init.memoryLimit = Math.max(init.memoryLimit, f.memoryLimit + sidecars.memoryLimit);
  }
  add(sum, sidecars);
  const overhead = (spec.overhead ?? {}) as Record<string, unknown>;
  return {
    cpu: Math.max(sum.cpu, init.cpu) + cpuOf(overhead.cpu),
    memory: Math.max(sum.memory, init.memory) + memOf(overhead.memory),
    memoryLimit: Math.max(sum.memoryLimit, init.memoryLimit) + memOf(overhead.memory),
  };
}

function add(into: Figures, f: Figures): void {
  into.cpu += f.cpu;
  into.memory += f.memory;
  into.memoryLimit += f.memoryLimit;
}

function hostPorts(spec: PodSpec): string[] {
  const ports = new Set<string>();
  for (const c of [...(spec.initContainers ?? []).filter((i) => i.restartPolicy === 'Always'), ...(spec.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      const port = spec.hostNetwork ? (p.hostPort ?? p.containerPort) : p.hostPort;
      if (port !== undefined && port > 0) ports.add(`${p.protocol ?? 'TCP'}/${port}`);
    }
  }
  return [...ports].sort();
}

/** Turns a pod template into the shape the scheduler simulation reads. */
export function podShape(spec: PodSpec, namespace: string, labels: Readonly<Record<string, string>>): PodShape {
  const f = effective(spec);
  const affinity = spec.affinity;
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const anti = (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [])
    .filter((t) => t.topologyKey === HOSTNAME && (t.namespaces === undefined || t.namespaces.length === 0 || t.namespaces.includes(namespace)))
    .map((t) => (t.labelSelector ?? {}) as LabelSelector);
  const spread = (spec.topologySpreadConstraints ?? [])
    .filter((c) => c.topologyKey === HOSTNAME && c.whenUnsatisfiable === 'DoNotSchedule')
    .map((c) => ({ maxSkew: c.maxSkew, selector: (c.labelSelector ?? {}) as LabelSelector }));
  return {
    namespace,
    labels,
    cpuMillis: f.cpu,
    memoryBytes: f.memory,
    memoryLimitBytes: f.memoryLimit,
    tolerations: (spec.tolerations ?? []) as Toleration[],
    nodeSelector: spec.nodeSelector ?? {},
    ...(required ? { nodeAffinity: required.map((t) => (t.matchExpressions ?? []) as Requirement[]) } : {}),
    antiAffinity: anti,
    spread,
    hostPorts: hostPorts(spec),
  };
}

/** A pod with only requests, for modelled components and declared footprints. */
export function simplePod(namespace: string, labels: Record<string, string>, cpu: number, memory: number, memoryLimit = memory, extra: Partial<PodShape> = {}): PodShape {
  return { namespace, labels, cpuMillis: cpu, memoryBytes: memory, memoryLimitBytes: memoryLimit, tolerations: [], nodeSelector: {}, antiAffinity: [], spread: [], hostPorts: [], ...extra };
}

/** Label selector semantics (matchLabels AND matchExpressions). An empty selector matches everything. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  return (selector.matchExpressions ?? []).every((r) => requirementMatches(r, labels));
}

export function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

/**
 * Scheduling constraints a Helm chart's values commonly pass through to its pods (`nodeSelector`,
 * `tolerations`, `affinity`, `topologySpreadConstraints`), read like a pod spec's.
 */
export function valuesConstraints(values: Readonly<Record<string, unknown>>, namespace: string): Pick<PodShape, 'tolerations' | 'nodeSelector' | 'antiAffinity' | 'spread'> & { nodeAffinity?: PodShape['nodeAffinity'] } {
  const pick = <T>(key: string, ok: (v: unknown) => boolean): T | undefined => (ok(values[key]) ? (values[key] as T) : undefined);
  const isObj = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
  const spec: PodSpec = {
    containers: [],
    ...(pick<PodSpec['nodeSelector']>('nodeSelector', isObj) ? { nodeSelector: values.nodeSelector as Record<string, string> } : {}),
    ...(pick('tolerations', Array.isArray) ? { tolerations: values.tolerations as PodSpec['tolerations'] } : {}),
    ...(pick('affinity', isObj) ? { affinity: values.affinity as PodSpec['affinity'] } : {}),
    ...(pick('topologySpreadConstraints', Array.isArray) ? { topologySpreadConstraints: values.topologySpreadConstraints as PodSpec['topologySpreadConstraints'] } : {}),
  };
  const shape = podShape(spec, namespace, {});
  return { tolerations: shape.tolerations, nodeSelector: shape.nodeSelector, antiAffinity: shape.antiAffinity, spread: shape.spread, ...(shape.nodeAffinity ? { nodeAffinity: shape.nodeAffinity } : {}) };
}
