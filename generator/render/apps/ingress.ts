import type { Ingress } from 'kubernetes-types/networking/v1.js';
import type { ClusterSpec } from '../../spec/types.js';
import { appLabels } from './_model.js';

/** The ClusterIssuer infrastructure/configs renders (self-signed CA or ACME); none with tls.mode none. */
export const CLUSTER_ISSUER = 'pi-gitops-issuer';

export const tlsSecretName = (app: string): string => `${app}-tls`;

/** One Ingress per app with an ingress host, through K3s's Traefik (ingress-nginx is retired: FACTS.md). */
export function ingresses(cluster: ClusterSpec): Ingress[] {
  const { apps, platform } = cluster.spec;
  const tls = platform.tls.mode !== 'none';
  return Object.keys(apps)
    .sort()
    .flatMap((name): Ingress[] => {
      const app = apps[name]!;
      if (!app.ingress) return [];
      const { host, path } = app.ingress;
      return [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: {
            name,
            labels: appLabels(name, app.type),
            ...(tls ? { annotations: { 'cert-manager.io/cluster-issuer': CLUSTER_ISSUER } } : {}),
          },
          spec: {
            ingressClassName: platform.ingress.className,
            ...(tls ? { tls: [{ hosts: [host], secretName: tlsSecretName(name) }] } : {}),
            rules: [{ host, http: { paths: [{ path: path ?? '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }] } }],
          },
        },
      ];
    });
}
