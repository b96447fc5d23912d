import type { Finding } from '../findings.js';
import { cpuMillis, memoryBytes, parseQuantity } from '../units/quantity.js';
import { simplePod, valuesConstraints } from './pod.js';
import type { Workload } from './types.js';
import { obj, str, strings } from './_shape.js';
import { count, type BudgetInput } from './workloads.js';
import { byCodeUnit } from '../order.js';

/**
 * A HelmRelease renders its pods only inside the cluster, so the budget counts it one of two ways.
 *
 * 1. A declared footprint, the annotation `pi-gitops.dev/footprint` holding JSON:
 *    ```json
 *    {"pods": [{"name": "server", "replicas": 2, "requests": {"cpu": "100m", "memory": "256Mi"},
 *               "limits": {"memory": "512Mi"}, "daemonSet": false, "hostPorts": [9100]}]}
 *    ```
 *    `name` and `requests.memory` are required; `replicas` defaults to 1 and is ignored with
 *    `daemonSet: true` (one pod per node); `requests.cpu` defaults to 0; `limits.memory` to the request;
 *    `hostPorts` are TCP ports the pod holds on its node. The footprint replaces the values heuristic.
 * 2. The values heuristic: every object in `spec.values` with a `resources.requests` block holding
 *    cpu or memory (not a volume claim's `storage`) is one
 *    pod group, with `replicaCount` or `replicas` beside the block as its replica count (default 1),
 *    skipped when `enabled: false` stands beside it. A group is one pod per node when
 *    `controller.type: daemonset` stands beside it or beside its parent (Grafana Alloy's chart), or
 *    when its key names node-exporter (a DaemonSet with hostNetwork and hostPort 9100 — FACTS.md:
 *    kube-prometheus-stack values.yaml). Values from `valuesFrom` are not read.
 * A release with neither is an "unaccounted workload" (E_BUDGET_UNACCOUNTED).
 */
export const FOOTPRINT_ANNOTATION = 'pi-gitops.dev/footprint';

interface FootprintPod {
  name: string;
  replicas?: number;
  daemonSet?: boolean;
  requests: { cpu?: string | number; memory: string | number };
  limits?: { cpu?: string | number; memory?: string | number };
  hostPorts?: number[];
}

type Values = Record<string, unknown>;

function isObject(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function quantity(v: unknown, parse: (q: string | number) => number): number | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const q = parseQuantity(v);
  return q === undefined || !Number.isFinite(q) || q < 0 ? undefined : parse(v);
}

function footprintPods(text: string): FootprintPod[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (!isObject(parsed) || !Array.isArray(parsed.pods) || parsed.pods.length === 0) return 'expected {"pods": [{"name", "requests": {"memory"}, …}]}';
  for (const [i, p] of parsed.pods.entries()) {
    if (!isObject(p) || typeof p.name !== 'string' || !isObject(p.requests) || quantity(p.requests.memory, memoryBytes) === undefined) return `pods[${i}] needs a name and requests.memory`;
    if (p.requests.cpu !== undefined && quantity(p.requests.cpu, cpuMillis) === undefined) return `pods[${i}].requests.cpu is not a CPU quantity`;
    if (p.replicas !== undefined && (typeof p.replicas !== 'number' || !Number.isSafeInteger(p.replicas) || p.replicas < 0)) return `pods[${i}].replicas must be a whole number`;
    if (p.hostPorts !== undefined && (!Array.isArray(p.hostPorts) || !p.hostPorts.every((h) => Number.isInteger(h) && h > 0 && h < 65536))) return `pods[${i}].hostPorts must be a list of port numbers`;
    if (p.limits !== undefined && (!isObject(p.limits) || (p.limits.memory !== undefined && quantity(p.limits.memory, memoryBytes) === undefined))) return `pods[${i}].limits.memory is not a memory quantity`;
  }
  return parsed.pods as FootprintPod[];
}

interface Group {
  path: string;
  values: Values;
  requests: Values;
  limits: Values;
  replicas: number;
  perNode: boolean;
  hostPorts: string[];
}

function valueGroups(values: Values, path: string[], parent: Values | undefined, out: Group[]): void {
  const resources = values.resources;
  if (values.enabled === false) return;
  // A `requests` block with neither cpu nor memory (e.g. a volumeClaimTemplate's `storage`) is not a pod.
  if (isObject(resources) && isObject(resources.requests) && (resources.requests.cpu !== undefined || resources.requests.memory !== undefined)) {
    const key = path[path.length - 1] ?? '';
    const daemon = (v: Values | undefined): boolean => isObject(v?.controller) && String(v.controller.type).toLowerCase() === 'daemonset';
    const nodeExporter = /node-exporter/.test(key);
    const replicas = count(values.replicaCount, count(values.replicas, 1));
    const port = isObject(values.service) && typeof values.service.port === 'number' ? values.service.port : 9100;
    out.push({
      values,
      path: path.join('.') || '(top level)',
      requests: resources.requests,
      limits: isObject(resources.limits) ? resources.limits : {},
      replicas,
      perNode: daemon(values) || daemon(parent) || nodeExporter,
      hostPorts: nodeExporter && values.hostNetwork !== false ? [`TCP/${port}`] : [],
    });
  }
  for (const [k, v] of Object.entries(values).sort(([a], [b]) => byCodeUnit(a, b))) {
    if (k === 'resources' || !isObject(v)) continue;
    valueGroups(v, [...path, k], values, out);
  }
}

export function helmReleaseWorkloads(input: BudgetInput): { workloads: Workload[]; findings: Finding[] } {
  const { object } = input;
  const meta = obj(object.metadata);
  const m = { name: str(meta.name), namespace: str(meta.namespace), annotations: strings(meta.annotations) };
  const spec = obj(object.spec);
  const name = m.name ?? '';
  const namespace = str(spec.targetNamespace) ?? m.namespace ?? 'default';
  const id = `HelmRelease/${m.namespace ?? 'default'}/${name}`;
  const where = input.source ? { file: input.source.file, ...(input.source.position ? { position: input.source.position } : {}) } : {};
  const base = { kind: 'HelmRelease', namespace, surge: 0, claims: [], ...(input.source ? { source: input.source } : {}) };
  const footprint = m.annotations[FOOTPRINT_ANNOTATION];
  if (footprint !== undefined) {
    const pods = footprintPods(footprint);
    if (typeof pods === 'string') {
      return { workloads: [], findings: [{ stage: 'budget', code: 'E_BUDGET_FOOTPRINT', severity: 'error', message: `${name}: annotation ${FOOTPRINT_ANNOTATION} is unusable: ${pods}`, path: `${id}.metadata.annotations`, hint: '{"pods": [{"name": "server", "replicas": 1, "requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}]}', ...where }] };
    }
    const workloads = pods.map((p): Workload => {
      const memory = memoryBytes(p.requests.memory);
      const limit = quantity(p.limits?.memory, memoryBytes) ?? memory;
      const n = p.replicas ?? 1;
      return { ...base, id: `${id}:${p.name}`, name: `${name}/${p.name}`, origin: 'footprint', pod: simplePod(namespace, { 'pi-gitops.dev/release': name, 'pi-gitops.dev/component': p.name }, quantity(p.requests.cpu, cpuMillis) ?? 0, memory, limit, { hostPorts: (p.hostPorts ?? []).map((h) => `TCP/${h}`) }), replicas: n, maxReplicas: n, perNode: p.daemonSet === true };
    });
    return { workloads, findings: [] };
  }
  const groups: Group[] = [];
  if (isObject(spec.values)) valueGroups(spec.values, [], undefined, groups);
  if (groups.length === 0) {
    return {
      workloads: [],
      findings: [{ stage: 'budget', code: 'E_BUDGET_UNACCOUNTED', severity: 'error', message: `${name}: unaccounted workload — HelmRelease ${m.namespace ?? 'default'}/${name} sets no resources.requests in its values and declares no footprint, so the budget cannot count its pods`, path: id, hint: `set resources.requests (and replicas) in spec.values, or annotate it with ${FOOTPRINT_ANNOTATION}: '{"pods":[{"name":"main","replicas":1,"requests":{"cpu":"100m","memory":"128Mi"}}]}'`, ...where }],
    };
  }
  const workloads = groups.map((g): Workload => {
    const memory = quantity(g.requests.memory, memoryBytes) ?? 0;
    return {
      ...base,
      id: `${id}:${g.path}`,
      name: g.path === '(top level)' ? name : `${name}/${g.path}`,
      origin: 'helm-values',
      pod: simplePod(namespace, { 'pi-gitops.dev/release': name, 'pi-gitops.dev/component': g.path }, quantity(g.requests.cpu, cpuMillis) ?? 0, memory, quantity(g.limits.memory, memoryBytes) ?? memory, { ...valuesConstraints(g.values, namespace), hostPorts: g.hostPorts }),
      replicas: g.replicas,
      maxReplicas: g.replicas,
      perNode: g.perNode,
    };
  });
  return { workloads, findings: [] };
}
