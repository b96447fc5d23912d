import type { ClusterSpec } from '../../spec/types.js';
import { resources } from '../apps/_pod.js';
import { yamlDocument } from '../serialize.js';

/**
 * K3s's bundled Traefik, configured through a HelmChartConfig (helm.cattle.io/v1) named `traefik`
 * in kube-system (FACTS.md "K3s"): K3s merges these values over its own chart values.
 * ingress-nginx is retired (FACTS.md "The stack"); Traefik is the ingress controller.
 */
export function traefikValues(cluster: ClusterSpec): object {
  const { ingress, tls } = cluster.spec.platform;
  const replicas = ingress.replicas;
  return {
    deployment: { replicas },
    resources: resources(ingress.resources),
    // One replica may go during a node drain, never all of them.
    ...(replicas >= 2 ? { podDisruptionBudget: { enabled: true, maxUnavailable: 1 } } : {}),
    // Prefer one Traefik per node; servicelb holds 80/443 on every node anyway (FACTS.md "K3s").
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
      },
    ],
    // With TLS, plain HTTP only redirects to HTTPS (ACME HTTP-01 validation follows redirects to 443).
    ...(tls.mode !== 'none' ? { ports: { web: { redirections: { entryPoint: { to: 'websecure', scheme: 'https', permanent: true } } } } } : {}),
    providers: { kubernetesIngress: { publishedService: { enabled: true } } },
    globalArguments: ['--global.checknewversion=false', '--global.sendanonymoususage=false'],
    logs: { general: { level: 'INFO' }, access: { enabled: false } },
  };
}

export function traefikConfig(cluster: ClusterSpec): object {
  return {
    apiVersion: 'helm.cattle.io/v1',
    kind: 'HelmChartConfig',
    metadata: { name: 'traefik', namespace: 'kube-system' },
    spec: { valuesContent: yamlDocument(traefikValues(cluster)) },
  };
}
