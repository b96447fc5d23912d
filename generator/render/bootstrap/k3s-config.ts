import { kubeletArgs } from '../../model/node.js';
import type { ClusterSpecBody, NodeSpec } from '../../spec/types.js';

/** Where the node script installs the join token; config.yaml points K3s at it (token-file), so it is never on a command line. */
export const K3S_TOKEN_PATH = '/etc/rancher/k3s/token';
export const K3S_CONFIG_PATH = '/etc/rancher/k3s/config.yaml';
/** K3s's supervisor/API port that agents and joining servers dial (FACTS.md: ports, 6443/TCP). */
export const K3S_API_PORT = 6443;

export function servers(spec: ClusterSpecBody): NodeSpec[] {
  return spec.nodes.filter((node) => node.role === 'server');
}

/** The first server in spec order: it initialises the cluster; everybody else joins it. */
export function firstServer(spec: ClusterSpecBody): NodeSpec {
  const first = servers(spec)[0];
  // The spec semantics reject a cluster without a server (E_SPEC_NO_SERVER) before rendering.
  if (first === undefined) throw new Error('the spec has no server node; loadSpec reports E_SPEC_NO_SERVER before rendering');
  return first;
}

export function serverUrl(spec: ClusterSpecBody): string {
  return `https://${firstServer(spec).address}:${K3S_API_PORT}`;
}

/** Embedded etcd (cluster-init) with three or more servers; an even count is already a spec finding (FACTS.md: datastore/ha.md). */
export function usesEmbeddedEtcd(spec: ClusterSpecBody): boolean {
  return servers(spec).length >= 3;
}

/** K3s data on the SSD: etcd/SQLite and containerd write constantly and SD cards cannot take it (FACTS.md: k3s requirements). */
export function dataDir(node: NodeSpec): string {
  return `${node.storage.mountPath}/k3s`;
}

/** Persistent volumes of the local-path provisioner, on the SSD. */
export function localStoragePath(node: NodeSpec): string {
  return `${node.storage.mountPath}/k3s-storage`;
}

/**
 * Sysctls kubelet insists on when protect-kernel-defaults is true (kubernetes pkg/kubelet/cm
 * `setupKernelTunables`, pkg/util/sysctl: RootMaxKeysSetting 1000000, RootMaxBytes = ×25). The node
 * script writes them, so protect-kernel-defaults can be on; net.ipv4.ip_forward is K3s's own need
 * (FACTS.md: k3s-ansible roles/prereq).
 */
export const NODE_SYSCTLS: readonly (readonly [string, string])[] = [
  ['net.ipv4.ip_forward', '1'],
  ['vm.overcommit_memory', '1'],
  ['vm.panic_on_oom', '0'],
  ['kernel.panic', '10'],
  ['kernel.panic_on_oops', '1'],
  ['kernel.keys.root_maxkeys', '1000000'],
  ['kernel.keys.root_maxbytes', '25000000'],
];

/**
 * /etc/rancher/k3s/config.yaml for one node (keys: FACTS.md "K3s" config, k3s-io/docs configuration.md).
 * Server-only keys are left out of agent configs. kubelet-arg is `kubeletArgs()`, the numbers the budget uses.
 */
export function k3sConfig(spec: ClusterSpecBody, node: NodeSpec): Record<string, unknown> {
  const labels = Object.entries(node.labels).map(([key, value]) => `${key}=${value}`);
  const taints = node.taints.map((t) => `${t.key}${t.value !== undefined ? `=${t.value}` : ''}:${t.effect}`);
  const common: Record<string, unknown> = {
    'node-name': node.name,
    'node-ip': node.address,
    // node-label and node-taint are applied when the node registers; K3s does not re-apply later changes.
    ...(labels.length > 0 ? { 'node-label': labels } : {}),
    ...(taints.length > 0 ? { 'node-taint': taints } : {}),
    'token-file': K3S_TOKEN_PATH,
    'data-dir': dataDir(node),
    'kubelet-arg': kubeletArgs(spec, node),
    // The node script sets every sysctl kubelet checks (NODE_SYSCTLS), so kubelet may refuse to change them.
    'protect-kernel-defaults': true,
    // K3s's bundled iptables rather than whatever the OS ships (FACTS.md: iptables).
    'prefer-bundled-bin': true,
  };
  if (node.role === 'agent') return { ...common, server: serverUrl(spec) };
  const first = firstServer(spec);
  const isFirst = first.name === node.name;
  const etcd = usesEmbeddedEtcd(spec);
  return {
    ...common,
    ...(isFirst && etcd ? { 'cluster-init': true } : {}),
    ...(isFirst ? {} : { server: serverUrl(spec) }),
    'tls-san': [...(spec.k3s.apiHost !== undefined ? [spec.k3s.apiHost] : []), ...servers(spec).map((s) => s.address)],
    'write-kubeconfig-mode': '0600',
    ...(spec.k3s.disable.length > 0 ? { disable: [...spec.k3s.disable] } : {}),
    'default-local-storage-path': localStoragePath(node),
    'cluster-cidr': spec.k3s.clusterCidr,
    'service-cidr': spec.k3s.serviceCidr,
    'secrets-encryption': true,
  };
}
