import { createHash } from 'node:crypto';
import type { Container, PodSecurityContext, SecurityContext } from 'kubernetes-types/core/v1.js';
import type { ClusterSpec, LoadedSpec, Resources } from '../../spec/types.js';
import { SHARED_SOURCE, type GeneratedFile } from '../files.js';
import { kustomizeFile, type KustomizeFile } from '../flux/kustomization.js';
import { layout } from '../layout.js';
import { yamlFile } from '../serialize.js';

/**
 * Images, pinned by version; every one is a multi-arch manifest with linux/arm64. prom/prometheus,
 * grafana/grafana and grafana/loki: [V] FACTS.md "The stack". prom/node-exporter, kube-state-metrics
 * and grafana/alloy: [3P] their release builds list linux/arm64 (Prometheus promu cross-build,
 * kube-state-metrics `ALL_ARCH`, Alloy's release workflow) — check with `docker manifest inspect` on
 * an upgrade.
 */
export const images = {
  prometheus: 'docker.io/prom/prometheus:v3.5.0',
  nodeExporter: 'docker.io/prom/node-exporter:v1.9.1',
  kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0',
  grafana: 'docker.io/grafana/grafana:12.1.1',
  loki: 'docker.io/grafana/loki:3.5.3',
  alloy: 'docker.io/grafana/alloy:v1.16.0',
} as const;

/** Component names: the base folder, the object names and the `app.kubernetes.io/name` label. */
export const component = {
  prometheus: 'prometheus',
  nodeExporter: 'node-exporter',
  kubeStateMetrics: 'kube-state-metrics',
  grafana: 'grafana',
  loki: 'loki',
  alloy: 'alloy',
} as const;
export type ComponentName = (typeof component)[keyof typeof component];

/** Ports (contract: NetworkPolicies, scrape configs and datasources use these). */
export const ports = {
  prometheus: 9090,
  nodeExporter: 9100,
  kubeStateMetrics: 8080,
  kubeStateMetricsTelemetry: 8081,
  grafana: 3000,
  loki: 3100,
  lokiGrpc: 9095,
  alloy: 12345,
  kubelet: 10250,
  apiServer: 6443,
  fluxMetrics: 8080,
  certManagerMetrics: 9402,
  influxdb: 8086,
  postgresExporter: 9187,
  redisExporter: 9121,
} as const;

/** Namespace of cert-manager (rendered by the infrastructure owner) — scraped for certificate expiry. */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';
/** Namespace of K3s's Traefik, the only ingress allowed to reach Grafana. */
export const TRAEFIK_NAMESPACE = 'kube-system';

export const NAME_LABEL = 'app.kubernetes.io/name';
export const PART_OF = { 'app.kubernetes.io/part-of': 'monitoring' } as const;

export function labels(name: ComponentName): Record<string, string> {
  return { [NAME_LABEL]: name, ...PART_OF };
}
export function selector(name: ComponentName): { matchLabels: Record<string, string> } {
  return { matchLabels: { [NAME_LABEL]: name } };
}

/** The restricted namespace (Prometheus, Grafana, Loki, kube-state-metrics). */
export function coreNamespace(cluster: ClusterSpec): string {
  return cluster.spec.monitoring.namespace;
}
/**
 * The host-access namespace: node-exporter (hostNetwork/hostPID/hostPath) and Alloy (hostPath
 * /var/log/pods) cannot pass `baseline`, let alone `restricted`. They live apart so the exception
 * covers two DaemonSets and nothing else.
 */
export function hostNamespace(cluster: ClusterSpec): string {
  return `${cluster.spec.monitoring.namespace}-host`;
}

/** Container resources from the spec, in Kubernetes shape. */
export function containerResources(resources: Resources): NonNullable<Container['resources']> {
  const limits: Record<string, string> = { memory: resources.limits.memory };
  if (resources.limits.cpu !== undefined) limits.cpu = String(resources.limits.cpu);
  return { requests: { cpu: String(resources.requests.cpu), memory: resources.requests.memory }, limits };
}

/** Pod Security `restricted` pod-level context for a non-root user. */
export function restrictedPod(uid: number): PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}
/** Pod Security `restricted` container context. */
export const restrictedContainer: SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/** Short, deterministic content hash; patched into pod templates so a config change rolls the pods. */
export function contentHash(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 16);
}
export const CONFIG_HASH_ANNOTATION = 'pi-gitops.dev/config-hash';

/** Shared base: apps/base/monitoring/<name>/{kustomization.yaml, <file>.yaml…}. Same bytes for every cluster. */
export function baseFiles(name: ComponentName, files: Readonly<Record<string, readonly object[]>>): GeneratedFile[] {
  const dir = layout.monitoringBase(name);
  const names = Object.keys(files).sort();
  return [
    yamlFile(`${dir}/kustomization.yaml`, SHARED_SOURCE, [kustomizeFile(names)]),
    ...names.map((file) => yamlFile(`${dir}/${file}`, SHARED_SOURCE, files[file]!)),
  ];
}

/**
 * Per-cluster overlay of one component: apps/<cluster>/monitoring/<name>/, which pulls the base, sets
 * the namespace, adds cluster objects and strategic-merge patches.
 */
export function overlayFiles(
  spec: LoadedSpec,
  name: ComponentName,
  namespace: string,
  resources: Readonly<Record<string, readonly object[]>>,
  patches: Readonly<Record<string, readonly object[]>>,
): GeneratedFile[] {
  const dir = `${layout.monitoring(spec.cluster.metadata.name)}/${name}`;
  const base = `../../../base/monitoring/${name}`;
  const resourceNames = Object.keys(resources).sort();
  const patchNames = Object.keys(patches).sort();
  const kustomization: KustomizeFile = kustomizeFile([base, ...resourceNames], {
    namespace,
    ...(patchNames.length > 0 ? { patches: patchNames.map((path) => ({ path })) } : {}),
  });
  return [
    yamlFile(`${dir}/kustomization.yaml`, spec.file, [kustomization]),
    ...resourceNames.map((file) => yamlFile(`${dir}/${file}`, spec.file, resources[file]!)),
    ...patchNames.map((file) => yamlFile(`${dir}/${file}`, spec.file, patches[file]!)),
  ];
}

/** A ConfigMap holding text files. */
export function configMap(name: string, data: Readonly<Record<string, string>>, componentName: ComponentName): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: labels(componentName) }, data: { ...data } };
}

/** Addresses of every node / of the servers (API server) from the spec, as /32 CIDRs. */
export function nodeCidrs(cluster: ClusterSpec, role?: 'server'): string[] {
  return cluster.spec.nodes.filter((n) => role === undefined || n.role === role).map((n) => `${n.address}/32`);
}
