import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1.js';
import type { ClusterSpec } from '../../spec/types.js';
import { CERT_MANAGER_NAMESPACE, component, coreNamespace, hostNamespace, NAME_LABEL, nodeCidrs, ports, TRAEFIK_NAMESPACE, type ComponentName } from './_common.js';
import { appsOfType } from '../apps/_model.js';
import { tlsManaged } from './prometheus-config.js';

const NS_LABEL = 'kubernetes.io/metadata.name';
const tcp = (...list: readonly number[]): NetworkPolicyPort[] => [...new Set(list)].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port }));
const inNamespace = (namespace: string, podLabels?: Record<string, string>): NetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { [NS_LABEL]: namespace } },
  ...(podLabels ? { podSelector: { matchLabels: podLabels } } : {}),
});
const pods = (name: ComponentName | string): NetworkPolicyPeer => ({ podSelector: { matchLabels: { [NAME_LABEL]: name } } });

function policy(namespace: string, name: string, podSelector: NonNullable<NetworkPolicy['spec']>['podSelector'], spec: Omit<NonNullable<NetworkPolicy['spec']>, 'podSelector'>): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec: { podSelector, ...spec } };
}
const only = (name: ComponentName): { matchLabels: Record<string, string> } => ({ matchLabels: { [NAME_LABEL]: name } });

/** Default deny both ways, then DNS to CoreDNS: the base of both monitoring namespaces. */
function baseline(namespace: string): NetworkPolicy[] {
  return [
    policy(namespace, 'default-deny', {}, { policyTypes: ['Ingress', 'Egress'] }),
    policy(namespace, 'allow-dns', {}, {
      policyTypes: ['Egress'],
      egress: [{ to: [inNamespace('kube-system', { 'k8s-app': 'kube-dns' })], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
    }),
  ];
}

/** Ports Prometheus may scrape in the apps namespace: the apps' metrics ports, the PostgreSQL and Redis exporters, InfluxDB. */
export function appScrapePorts(cluster: ClusterSpec): number[] {
  const { apps, monitoring } = cluster.spec;
  const list = Object.values(apps).flatMap((app) => (app.metrics ? [app.metrics.port] : []));
  if (monitoring.exporters) {
    if (appsOfType(cluster, 'postgresql').length > 0) list.push(ports.postgresExporter);
    if (appsOfType(cluster, 'redis').length > 0) list.push(ports.redisExporter);
  }
  for (const name of appsOfType(cluster, 'influxdb')) list.push(apps[name]?.port ?? ports.influxdb);
  return [...new Set(list)].sort((a, b) => a - b);
}

/**
 * NetworkPolicies of the monitoring namespaces. Node addresses come from the spec: hostNetwork
 * targets (node-exporter, kubelet) and the API server (K3s servers, 6443 after the Service DNAT) are
 * only reachable as IP blocks.
 */
export function networkPolicies(cluster: ClusterSpec): NetworkPolicy[] {
  const core = coreNamespace(cluster);
  const host = hostNamespace(cluster);
  const apps = cluster.spec.namespace;
  const nodes = nodeCidrs(cluster).map((cidr) => ({ ipBlock: { cidr } }));
  const servers = nodeCidrs(cluster, 'server').map((cidr) => ({ ipBlock: { cidr } }));
  const toApiServer = { to: servers, ports: tcp(ports.apiServer) };
  const appPorts = appScrapePorts(cluster);
  const influx = appsOfType(cluster, 'influxdb');
  return [
    ...baseline(core),
    policy(core, 'prometheus', only(component.prometheus), {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [pods(component.grafana)], ports: tcp(ports.prometheus) }],
      egress: [
        toApiServer,
        { to: nodes, ports: tcp(ports.nodeExporter, ports.kubelet) },
        { to: [pods(component.kubeStateMetrics)], ports: tcp(ports.kubeStateMetrics) },
        { to: [pods(component.loki)], ports: tcp(ports.loki) },
        { to: [pods(component.grafana)], ports: tcp(ports.grafana) },
        { to: [inNamespace(host, { [NAME_LABEL]: component.alloy })], ports: tcp(ports.alloy) },
        { to: [inNamespace('flux-system')], ports: tcp(ports.fluxMetrics) },
        ...(appPorts.length > 0 ? [{ to: [inNamespace(apps)], ports: tcp(...appPorts) }] : []),
        ...(tlsManaged(cluster) ? [{ to: [inNamespace(CERT_MANAGER_NAMESPACE)], ports: tcp(ports.certManagerMetrics) }] : []),
      ],
    }),
    policy(core, 'kube-state-metrics', only(component.kubeStateMetrics), {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [pods(component.prometheus)], ports: tcp(ports.kubeStateMetrics) }],
      egress: [toApiServer],
    }),
    policy(core, 'grafana', only(component.grafana), {
      policyTypes: ['Ingress', 'Egress'],
      // Traefik (K3s's packaged ingress in kube-system) is the only way in.
      ingress: [{ from: [inNamespace(TRAEFIK_NAMESPACE, { [NAME_LABEL]: 'traefik' }), pods(component.prometheus)], ports: tcp(ports.grafana) }],
      egress: [
        { to: [pods(component.prometheus)], ports: tcp(ports.prometheus) },
        { to: [pods(component.loki)], ports: tcp(ports.loki) },
        ...influx.map((name) => ({ to: [inNamespace(apps, { [NAME_LABEL]: name })], ports: tcp(cluster.spec.apps[name]?.port ?? ports.influxdb) })),
      ],
    }),
    policy(core, 'loki', only(component.loki), {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [pods(component.grafana), pods(component.prometheus), inNamespace(host, { [NAME_LABEL]: component.alloy })], ports: tcp(ports.loki) }],
      egress: [],
    }),
    ...baseline(host),
    // node-exporter uses the host network, where NetworkPolicies do not apply; Alloy only pushes to Loki.
    policy(host, 'alloy', only(component.alloy), {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [inNamespace(core, { [NAME_LABEL]: component.prometheus })], ports: tcp(ports.alloy) }],
      egress: [{ to: [inNamespace(core, { [NAME_LABEL]: component.loki })], ports: tcp(ports.loki) }],
    }),
  ];
}
