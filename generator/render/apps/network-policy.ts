import type { NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer } from 'kubernetes-types/networking/v1.js';
import type { ClusterSpec } from '../../spec/types.js';
import { metricsEndpoint, NAME_LABEL, PART_OF, servePort } from './_model.js';

/**
 * The apps namespace's NetworkPolicies, derived from the spec alone: default deny in and out;
 * DNS to CoreDNS; for each dependsOn edge exactly client → target on the target's port (egress on
 * the client, ingress on the target); Traefik → apps with an ingress host; the monitoring namespace
 * → `metrics` ports; with ACME, Traefik → cert-manager's HTTP-01 solver pods.
 */

const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';
/** K3s's CoreDNS pods (k3s manifests/coredns.yaml) and Traefik pods (the bundled chart's labels). */
export const COREDNS = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } as const;
export const TRAEFIK = { namespace: 'kube-system', labels: { [NAME_LABEL]: 'traefik' } } as const;
/** cert-manager labels its ACME HTTP-01 solver pods so; they listen on 8089. */
export const ACME_SOLVER = { labels: { 'acme.cert-manager.io/http01-solver': 'true' }, port: 8089 } as const;

const labels = { 'app.kubernetes.io/part-of': PART_OF };

function app(name: string): NetworkPolicyPeer {
  return { podSelector: { matchLabels: { [NAME_LABEL]: name } } };
}

function inNamespace(namespace: string, podLabels?: Record<string, string>): NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: namespace } }, ...(podLabels ? { podSelector: { matchLabels: podLabels } } : {}) };
}

const tcp = (port: number): { protocol: 'TCP'; port: number } => ({ protocol: 'TCP', port });

function policy(name: string, podLabels: Record<string, string>, ingress: NetworkPolicyIngressRule[], egress: NetworkPolicyEgressRule[]): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels },
    spec: {
      podSelector: { matchLabels: podLabels },
      policyTypes: [...(ingress.length > 0 ? ['Ingress'] : []), ...(egress.length > 0 ? ['Egress'] : [])],
      ...(ingress.length > 0 ? { ingress } : {}),
      ...(egress.length > 0 ? { egress } : {}),
    },
  };
}

export function networkPolicies(cluster: ClusterSpec): NetworkPolicy[] {
  const { apps, monitoring, platform } = cluster.spec;
  const names = Object.keys(apps).sort();
  const result: NetworkPolicy[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-dns', labels },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [inNamespace(COREDNS.namespace, { ...COREDNS.labels })], ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] }],
      },
    },
  ];
  for (const name of names) {
    const spec = apps[name]!;
    const ingress: NetworkPolicyIngressRule[] = [];
    const egress: NetworkPolicyEgressRule[] = [];
    const clients = names.filter((other) => apps[other]!.dependsOn.includes(name));
    for (const client of clients) ingress.push({ from: [app(client)], ports: [tcp(servePort(spec))] });
    if (spec.ingress) ingress.push({ from: [inNamespace(TRAEFIK.namespace, { ...TRAEFIK.labels })], ports: [tcp(servePort(spec))] });
    const metrics = metricsEndpoint(cluster, spec);
    if (monitoring.enabled && metrics) ingress.push({ from: [inNamespace(monitoring.namespace)], ports: [tcp(metrics.port)] });
    for (const target of spec.dependsOn) {
      const targetSpec = apps[target];
      if (targetSpec) egress.push({ to: [app(target)], ports: [tcp(servePort(targetSpec))] });
    }
    if (ingress.length > 0 || egress.length > 0) result.push(policy(`allow-${name}`, { [NAME_LABEL]: name }, ingress, egress));
  }
  const exposed = names.some((name) => apps[name]!.ingress);
  if (platform.tls.mode === 'acme' && exposed) {
    result.push(policy('allow-acme-http01-solver', { ...ACME_SOLVER.labels }, [{ from: [inNamespace(TRAEFIK.namespace, { ...TRAEFIK.labels })], ports: [tcp(ACME_SOLVER.port)] }], []));
  }
  return result;
}

/**
 * Every allowed path as one readable line, e.g. `egress api-service -> app:postgresql TCP/5432`:
 * what tests compare to prove that a dependency opens exactly its path.
 */
export function allowedPaths(policies: readonly NetworkPolicy[]): string[] {
  const peer = (p: NetworkPolicyPeer): string => {
    const ns = p.namespaceSelector?.matchLabels?.[NAMESPACE_LABEL];
    const pods = p.podSelector?.matchLabels;
    const podText = pods ? Object.entries(pods).map(([k, v]) => (k === NAME_LABEL ? `app:${v}` : `${k}=${v}`)).join(',') : 'all-pods';
    return ns ? `ns:${ns}/${podText}` : podText;
  };
  const subject = (p: NetworkPolicy): string => {
    const m = p.spec?.podSelector?.matchLabels;
    return m ? Object.entries(m).map(([k, v]) => (k === NAME_LABEL ? v : `${k}=${v}`)).join(',') : 'all-pods';
  };
  const lines: string[] = [];
  for (const p of policies) {
    const who = subject(p);
    for (const rule of p.spec?.ingress ?? []) for (const from of rule.from ?? []) for (const port of rule.ports ?? []) lines.push(`ingress ${who} <- ${peer(from)} ${port.protocol}/${port.port}`);
    for (const rule of p.spec?.egress ?? []) for (const to of rule.to ?? []) for (const port of rule.ports ?? []) lines.push(`egress ${who} -> ${peer(to)} ${port.protocol}/${port.port}`);
  }
  return [...new Set(lines)].sort();
}
