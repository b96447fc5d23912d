import { parseYamlValue as parseYaml } from '../spec/yaml-source.js';
import type { ClusterSpecBody } from '../spec/types.js';
import { cpuMillis, MiB, memoryBytes, parseQuantity } from '../units/quantity.js';
import { arr, obj, str } from './_shape.js';
import { simplePod, valuesConstraints } from './pod.js';
import type { Toleration, Workload } from './types.js';
import { count, type BudgetInput } from './workloads.js';

/**
 * Pods that run on every cluster but are not in the repository: K3s's packaged components and Flux.
 * Each carries its FACTS.md citation. The K3s server and agent processes are not pods: they are
 * covered by kube-reserved (see nodes.ts), so they are not counted here a second time.
 * A component the rendered objects declare themselves (same kind/namespace/name) is not modelled twice.
 */

const K3S_MANIFESTS = 'FACTS.md: k3s manifests/*.yaml';
const FLUX_CONTROLLERS = "FACTS.md: Flux v2.9.4, each controller's config/manager/deployment.yaml";

/** What K3s's packaged system pods tolerate (k3s manifests: CriticalAddonsOnly and the control-plane role). */
const SYSTEM_TOLERATIONS: Toleration[] = [
  { key: 'CriticalAddonsOnly', operator: 'Exists' },
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
];

function component(kind: string, namespace: string, name: string, cpu: number, memory: number, memoryLimit: number, citation: string, extra: Partial<Workload> = {}, podExtra: Parameters<typeof simplePod>[5] = {}): Workload {
  return {
    id: `${kind}/${namespace}/${name}`,
    kind,
    namespace,
    name,
    origin: 'platform',
    pod: simplePod(namespace, { 'app.kubernetes.io/name': name }, cpu, memory, memoryLimit, podExtra),
    replicas: 1,
    maxReplicas: 1,
    perNode: false,
    surge: 0,
    claims: [],
    citation,
    ...extra,
  };
}

interface TraefikValues {
  deployment?: { replicas?: number };
  resources?: { requests?: { cpu?: string | number; memory?: string | number }; limits?: { memory?: string | number } };
}

function q(v: unknown, parse: (x: string | number) => number): number {
  const value = typeof v === 'string' || typeof v === 'number' ? parseQuantity(v) : undefined;
  return value !== undefined && Number.isFinite(value) && value >= 0 ? parse(v as string | number) : 0;
}

/** Traefik as K3s installs it, with the replicas and resources of the rendered HelmChartConfig `kube-system/traefik`. */
function traefik(inputs: readonly BudgetInput[]): Workload {
  const config = inputs.find(({ object }) => object.kind === 'HelmChartConfig' && obj(object.metadata).name === 'traefik' && obj(object.metadata).namespace === 'kube-system');
  const content = config ? obj(config.object.spec).valuesContent : undefined;
  let values: TraefikValues = {};
  if (typeof content === 'string') {
    try {
      values = obj(parseYaml(content)) as TraefikValues;
    } catch {
      values = {};
    }
  }
  const replicas = count(obj(values.deployment).replicas, 1);
  const memory = q(values.resources?.requests?.memory, memoryBytes);
  const citation = config
    ? `rendered HelmChartConfig kube-system/traefik (valuesContent)${config.source ? ` in ${config.source.file}` : ''}`
    : `${K3S_MANIFESTS} — no HelmChartConfig rendered, and K3s's Traefik requests nothing`;
  const constraints = valuesConstraints(values as Record<string, unknown>, 'kube-system');
  return component('Deployment', 'kube-system', 'traefik', q(values.resources?.requests?.cpu, cpuMillis), memory, values.resources?.limits?.memory !== undefined ? q(values.resources.limits.memory, memoryBytes) : memory, citation, { replicas, maxReplicas: replicas, ...(config?.source ? { source: config.source } : {}) }, { ...constraints, tolerations: [...SYSTEM_TOLERATIONS, ...constraints.tolerations] });
}

/** servicelb (klipper-lb) runs one DaemonSet per LoadBalancer Service, holding its ports as hostPorts on every node. */
function servicelb(name: string, namespace: string, ports: string[]): Workload {
  return component('DaemonSet', 'kube-system', `svclb-${name}`, 0, 0, 0, `FACTS.md: k3s pkg/cloudprovider/servicelb.go — svclb pods request nothing and hold the Service's ports (${ports.join(', ')}) on every node`, { perNode: true, name: `svclb-${name}` }, { tolerations: SYSTEM_TOLERATIONS, hostPorts: ports, labels: { 'svccontroller.k3s.cattle.io/svcname': name, 'svccontroller.k3s.cattle.io/svcnamespace': namespace } });
}

export function platformWorkloads(spec: ClusterSpecBody, inputs: readonly BudgetInput[]): Workload[] {
  const disabled = new Set<string>(spec.k3s.disable);
  const out: Workload[] = [];
  const sys = { tolerations: SYSTEM_TOLERATIONS };
  if (!disabled.has('coredns')) {
    // CoreDNS 100m/70Mi, limit 170Mi, at most one per node (hard topology spread).
    out.push(component('Deployment', 'kube-system', 'coredns', 100, 70 * MiB, 170 * MiB, K3S_MANIFESTS, {}, { ...sys, labels: { 'k8s-app': 'kube-dns' }, spread: [{ maxSkew: 1, selector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }));
  }
  if (!disabled.has('metrics-server')) out.push(component('Deployment', 'kube-system', 'metrics-server', 100, 70 * MiB, 70 * MiB, K3S_MANIFESTS, {}, sys));
  if (!disabled.has('local-storage')) out.push(component('Deployment', 'kube-system', 'local-path-provisioner', 0, 0, 0, `${K3S_MANIFESTS} — requests nothing`, {}, sys));
  if (!disabled.has('traefik')) out.push(traefik(inputs));
  if (!disabled.has('servicelb')) {
    // Traefik's LoadBalancer Service takes 80/443 on every node (FACTS.md: k3s servicelb.go).
    if (!disabled.has('traefik')) out.push(servicelb('traefik', 'kube-system', ['TCP/443', 'TCP/80']));
    for (const { object } of inputs) {
      const s = obj(object.spec);
      if (object.kind !== 'Service' || s.type !== 'LoadBalancer') continue;
      const m = obj(object.metadata);
      const ports = arr(s.ports).map(obj).filter((p) => typeof p.port === 'number');
      out.push(servicelb(str(m.name) ?? '', str(m.namespace) ?? 'default', [...new Set(ports.map((p) => `${str(p.protocol) ?? 'TCP'}/${String(p.port)}`))].sort()));
    }
  }
  // Flux: source 50m/64Mi; kustomize, helm, notification 100m/64Mi each; every limit 1 CPU / 1Gi.
  // The components are those the rendered FluxInstance lists (default: these four).
  const known: Record<string, number> = { 'source-controller': 50, 'kustomize-controller': 100, 'helm-controller': 100, 'notification-controller': 100 };
  const instance = inputs.find(({ object }) => object.kind === 'FluxInstance');
  const listed = instance ? obj(instance.object.spec).components : undefined;
  const components = Array.isArray(listed) && listed.every((c) => typeof c === 'string') ? (listed as string[]) : Object.keys(known);
  for (const name of components) {
    const cpu = known[name];
    // Other controllers (image-reflector, image-automation, source-watcher) have no figure in FACTS.md: [U] like their siblings.
    out.push(component('Deployment', 'flux-system', name, cpu ?? 100, 64 * MiB, 1024 * MiB, cpu === undefined ? `[U] estimate 100m/64Mi like the other Flux controllers (no figure in FACTS.md)` : FLUX_CONTROLLERS));
  }
  // The Flux Operator that reconciles the FluxInstance: 100m/64Mi, limit 2 CPU / 1Gi
  // (controlplaneio-fluxcd/charts charts/flux-operator/values.yaml `resources`, read 2026; not in FACTS.md).
  out.push(component('Deployment', 'flux-system', 'flux-operator', 100, 64 * MiB, 1024 * MiB, 'controlplaneio-fluxcd/charts flux-operator values.yaml (resources.requests 100m/64Mi)'));

  // A component the repository installs itself (same namespace and name, as a workload or a HelmRelease) is not modelled again.
  const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'HelmRelease']);
  const declared = new Set(
    inputs
      .filter(({ object }) => workloadKinds.has(String(object.kind)))
      .map(({ object }) => {
        const m = obj(object.metadata);
        return `${str(m.namespace) ?? 'default'}/${str(m.name) ?? ''}`;
      }),
  );
  return out.filter((w) => !declared.has(`${w.namespace}/${w.name}`));
}
