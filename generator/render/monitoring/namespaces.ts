import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { ClusterSpec } from '../../spec/types.js';
import { coreNamespace, hostNamespace, PART_OF } from './_common.js';

const PSA = 'pod-security.kubernetes.io';

/**
 * The monitoring namespaces. Prometheus, Grafana, Loki and kube-state-metrics run under the
 * `restricted` Pod Security profile. node-exporter (hostNetwork, hostPID, hostPort 9100, hostPath /,
 * /proc, /sys) and Alloy (hostPath /var/log/pods) violate even `baseline`, so the host namespace is
 * enforced `privileged` — the one exception — and warns/audits against `restricted` so every other
 * pod placed there is reported. Nothing else may be deployed into it.
 */
export function namespaces(cluster: ClusterSpec): Namespace[] {
  const restricted: Record<string, string> = { [`${PSA}/enforce`]: 'restricted', [`${PSA}/enforce-version`]: 'latest', [`${PSA}/audit`]: 'restricted', [`${PSA}/warn`]: 'restricted' };
  const host: Record<string, string> = { [`${PSA}/enforce`]: 'privileged', [`${PSA}/enforce-version`]: 'latest', [`${PSA}/audit`]: 'restricted', [`${PSA}/warn`]: 'restricted' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: coreNamespace(cluster), labels: { ...PART_OF, ...restricted } } },
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: hostNamespace(cluster),
        labels: { ...PART_OF, ...host },
        annotations: { 'pi-gitops.dev/pod-security-exception': 'node-exporter (hostNetwork, hostPID, hostPort 9100, read-only hostPath /, /proc, /sys) and alloy (read-only hostPath /var/log/pods)' },
      },
    },
  ];
}
