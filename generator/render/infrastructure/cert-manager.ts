import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { ClusterSpec } from '../../spec/types.js';
import type { BaseFile } from '../apps/_component.js';
import { PART_OF } from '../apps/_model.js';

/**
 * cert-manager as a Flux HelmRelease (helm.toolkit.fluxcd.io/v2) from the Jetstack HelmRepository
 * (source.toolkit.fluxcd.io/v1; FACTS.md "Flux"). The base pins nothing cluster-specific; the chart
 * version comes from spec.platform.tls.certManagerVersion through the cluster's overlay patch.
 */

export const CERT_MANAGER_NAMESPACE = 'cert-manager';
export const CERT_MANAGER_RELEASE = 'cert-manager';
const REPOSITORY = 'jetstack';

/** Pod Security Admission labels: enforce (and audit, warn) the restricted profile. */
export function restrictedNamespace(name: string): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'app.kubernetes.io/part-of': PART_OF,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  };
}

const small = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string): object => ({ requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } });

/**
 * Every container of the chart gets requests and limits (the chart sets none). [U] cert-manager's
 * controller idles around 30–50 MiB on a small cluster; measure and refine.
 */
export const certManagerValues = {
  crds: { enabled: true, keep: true },
  replicaCount: 1,
  resources: small('10m', '64Mi', '200m', '160Mi'),
  webhook: { replicaCount: 1, resources: small('10m', '32Mi', '100m', '64Mi') },
  cainjector: { replicaCount: 1, resources: small('10m', '64Mi', '100m', '160Mi') },
  startupapicheck: { resources: small('10m', '32Mi', '100m', '64Mi') },
  // The chart's pods already run restricted (non-root, RuntimeDefault seccomp, no capabilities).
  global: { leaderElection: { namespace: CERT_MANAGER_NAMESPACE } },
  prometheus: { enabled: true, servicemonitor: { enabled: false } },
} as const;

export function certManagerBase(): BaseFile[] {
  return [
    { file: 'namespace.yaml', objects: [restrictedNamespace(CERT_MANAGER_NAMESPACE)] },
    {
      file: 'helmrepository.yaml',
      objects: [
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'HelmRepository',
          metadata: { name: REPOSITORY, namespace: CERT_MANAGER_NAMESPACE },
          spec: { interval: '24h', url: 'https://charts.jetstack.io' },
        },
      ],
    },
    {
      file: 'helmrelease.yaml',
      objects: [
        {
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: { name: CERT_MANAGER_RELEASE, namespace: CERT_MANAGER_NAMESPACE },
          spec: {
            interval: '1h',
            timeout: '10m',
            chart: { spec: { chart: 'cert-manager', sourceRef: { kind: 'HelmRepository', name: REPOSITORY }, interval: '24h' } },
            install: { crds: 'CreateReplace', remediation: { retries: 3 } },
            upgrade: { crds: 'CreateReplace', remediation: { retries: 3 } },
            values: certManagerValues,
          },
        },
      ],
    },
  ];
}

/** The overlay patch that pins the chart version for one cluster. */
export function certManagerVersionPatch(cluster: ClusterSpec): object {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: CERT_MANAGER_RELEASE, namespace: CERT_MANAGER_NAMESPACE },
    spec: { chart: { spec: { version: cluster.spec.platform.tls.certManagerVersion } } },
  };
}
