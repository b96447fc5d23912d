import { cpuMillis, memoryBytes, parseQuantity } from '../units/quantity.js';
import { arr, obj, str, strings, type Plain } from './_shape.js';
import type { LabelSelector, PodShape, Requirement, Toleration } from './types.js';

const HOSTNAME = 'kubernetes.io/hostname';

export interface ContainerGap {
  readonly container: string;
  readonly missing: readonly ('cpu request' | 'memory request' | 'memory limit')[];
}

function valid(value: unknown): value is string | number {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const q = parseQuantity(value);
  return q !== undefined && Number.isFinite(q) && q >= 0;
}

function cpuOf(value: unknown): number {
  return valid(value) ? cpuMillis(value) : 0;
}

function memOf(value: unknown): number {
  return valid(value) ? memoryBytes(value) : 0;
}

interface Figures {
  cpu: number;
  memory: number;
  memoryLimit: number;
}

function containerFigures(c: Plain): Figures {
  const resources = obj(c.resources);
  const requests = obj(resources.requests);
  const limits = obj(resources.limits);
  // The API server defaults a missing request to the limit; a missing limit is unbounded, counted at the request.
  const cpu = cpuOf(requests.cpu ?? limits.cpu);
  const memory = memOf(requests.memory ?? limits.memory);
  return { cpu, memory, memoryLimit: limits.memory !== undefined ? memOf(limits.memory) : memory };
}

const containersOf = (spec: Plain, key: 'containers' | 'initContainers'): Plain[] => arr(spec[key]).map(obj);

/** Containers that leave the scheduler guessing: no CPU or memory request, or no memory limit. */
export function containerGaps(podSpec: unknown): ContainerGap[] {
  const spec = obj(podSpec);
  const gaps: ContainerGap[] = [];
  for (const c of [...containersOf(spec, 'initContainers'), ...containersOf(spec, 'containers')]) {
    const resources = obj(c.resources);
    const requests = obj(resources.requests);
    const limits = obj(resources.limits);
    const missing: ContainerGap['missing'][number][] = [];
    if (requests.cpu === undefined && limits.cpu === undefined) missing.push('cpu request');
    if (requests.memory === undefined && limits.memory === undefined) missing.push('memory request');
    if (limits.memory === undefined) missing.push('memory limit');
    if (missing.length > 0) gaps.push({ container: str(c.name) ?? '?', missing });
  }
  return gaps;
}

/**
 * The pod's effective request: overhead + max(sum of app containers, largest init container)
 * (FACTS.md: kubernetes.io manage-resources-containers, init-containers). Restartable (sidecar)
 * init containers run alongside the app containers, so they are added to the sum.
 */
function effective(spec: Plain): Figures {
  const sum: Figures = { cpu: 0, memory: 0, memoryLimit: 0 };
  for (const c of containersOf(spec, 'containers')) add(sum, containerFigures(c));
  const init: Figures = { cpu: 0, memory: 0, memoryLimit: 0 };
  const sidecars: Figures = { cpu: 0, memory: 0, memoryLimit: 0 };
  for (const c of containersOf(spec, 'initContainers')) {
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
  const overhead = obj(spec.overhead);
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

function hostPorts(spec: Plain): string[] {
  const ports = new Set<string>();
  for (const c of [...containersOf(spec, 'initContainers').filter((i) => i.restartPolicy === 'Always'), ...containersOf(spec, 'containers')]) {
    for (const p of arr(c.ports).map(obj)) {
      const port = spec.hostNetwork === true ? (p.hostPort ?? p.containerPort) : p.hostPort;
      if (typeof port === 'number' && port > 0) ports.add(`${str(p.protocol) ?? 'TCP'}/${port}`);
    }
  }
  return [...ports].sort();
}

function requirements(value: unknown): Requirement[] {
  return arr(value)
    .map(obj)
    .filter((r) => typeof r.key === 'string' && typeof r.operator === 'string')
    .map((r) => ({ key: r.key as string, operator: r.operator as string, values: arr(r.values).filter((v): v is string => typeof v === 'string') }));
}

function selector(value: unknown): LabelSelector {
  const s = obj(value);
  return { matchLabels: strings(s.matchLabels), matchExpressions: requirements(s.matchExpressions) };
}

function tolerations(value: unknown): Toleration[] {
  return arr(value)
    .map(obj)
    .map((t) => ({
      ...(str(t.key) !== undefined ? { key: str(t.key)! } : {}),
      ...(t.operator === 'Exists' || t.operator === 'Equal' ? { operator: t.operator } : {}),
      ...(str(t.value) !== undefined ? { value: str(t.value)! } : {}),
      ...(str(t.effect) !== undefined ? { effect: str(t.effect)! } : {}),
    }));
}

/** Turns a pod template's spec into the shape the scheduler simulation reads. */
export function podShape(podSpec: unknown, namespace: string, labels: Readonly<Record<string, string>>): PodShape {
  const spec = obj(podSpec);
  const f = effective(spec);
  const affinity = obj(spec.affinity);
  const nodeAffinity = obj(obj(affinity.nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  const terms = Array.isArray(nodeAffinity.nodeSelectorTerms) ? nodeAffinity.nodeSelectorTerms.map((t) => requirements(obj(t).matchExpressions)) : undefined;
  const anti = arr(obj(affinity.podAntiAffinity).requiredDuringSchedulingIgnoredDuringExecution)
    .map(obj)
    .filter((t) => t.topologyKey === HOSTNAME && (arr(t.namespaces).length === 0 || arr(t.namespaces).includes(namespace)))
    .map((t) => selector(t.labelSelector));
  const spread = arr(spec.topologySpreadConstraints)
    .map(obj)
    .filter((c) => c.topologyKey === HOSTNAME && c.whenUnsatisfiable === 'DoNotSchedule')
    .map((c) => ({ maxSkew: typeof c.maxSkew === 'number' && c.maxSkew >= 1 ? Math.floor(c.maxSkew) : 1, selector: selector(c.labelSelector) }));
  return {
    namespace,
    labels,
    cpuMillis: f.cpu,
    memoryBytes: f.memory,
    memoryLimitBytes: f.memoryLimit,
    tolerations: tolerations(spec.tolerations),
    nodeSelector: strings(spec.nodeSelector),
    ...(terms ? { nodeAffinity: terms } : {}),
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
export function valuesConstraints(values: unknown, namespace: string): Pick<PodShape, 'tolerations' | 'nodeSelector' | 'antiAffinity' | 'spread'> & { nodeAffinity?: PodShape['nodeAffinity'] } {
  const v = obj(values);
  const shape = podShape({ nodeSelector: v.nodeSelector, tolerations: v.tolerations, affinity: v.affinity, topologySpreadConstraints: v.topologySpreadConstraints }, namespace, {});
  return { tolerations: shape.tolerations, nodeSelector: shape.nodeSelector, antiAffinity: shape.antiAffinity, spread: shape.spread, ...(shape.nodeAffinity ? { nodeAffinity: shape.nodeAffinity } : {}) };
}
