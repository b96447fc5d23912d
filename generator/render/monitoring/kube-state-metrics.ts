import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Service, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { ClusterRole, ClusterRoleBinding } from 'kubernetes-types/rbac/v1.js';
import type { LoadedSpec } from '../../spec/types.js';
import type { GeneratedFile } from '../files.js';
import { yamlDocument } from '../serialize.js';
import {
  baseFiles, component, CONFIG_HASH_ANNOTATION, configMap, containerResources, contentHash, coreNamespace, images, labels, overlayFiles, ports,
  restrictedContainer, restrictedPod, selector,
} from './_common.js';

const name = component.kubeStateMetrics;

/** Only the object kinds the alerts and dashboards use (fewer series, less memory on a Pi). */
export const KSM_RESOURCES = ['daemonsets', 'deployments', 'nodes', 'persistentvolumeclaims', 'pods', 'statefulsets'] as const;

/** Flux objects reported as `gotk_resource_info` (Flux's documented kube-state-metrics custom resource state). */
const FLUX_KINDS = [
  { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization', resource: 'kustomizations', revision: ['status', 'lastAppliedRevision'] },
  { group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease', resource: 'helmreleases', revision: ['status', 'history', '0', 'chartVersion'] },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository', resource: 'gitrepositories', revision: ['status', 'artifact', 'revision'] },
] as const;

export function customResourceState(): object {
  return {
    kind: 'CustomResourceStateMetrics',
    spec: {
      resources: FLUX_KINDS.map((k) => ({
        groupVersionKind: { group: k.group, version: k.version, kind: k.kind },
        metricNamePrefix: 'gotk',
        metrics: [
          {
            name: 'resource_info',
            help: `The current state of a Flux ${k.kind}.`,
            each: { type: 'Info', info: { labelsFromPath: { name: ['metadata', 'name'] } } },
            labelsFromPath: {
              exported_namespace: ['metadata', 'namespace'],
              ready: ['status', 'conditions', '[type=Ready]', 'status'],
              suspended: ['spec', 'suspend'],
              revision: [...k.revision],
            },
          },
        ],
      })),
    },
  };
}

function clusterRole(): ClusterRole {
  const core = KSM_RESOURCES.filter((r) => ['nodes', 'persistentvolumeclaims', 'pods'].includes(r));
  const apps = KSM_RESOURCES.filter((r) => ['daemonsets', 'deployments', 'statefulsets'].includes(r));
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `monitoring:${name}`, labels: labels(name) },
    rules: [
      { apiGroups: [''], resources: [...core], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: [...apps], verbs: ['list', 'watch'] },
      ...FLUX_KINDS.map((k) => ({ apiGroups: [k.group], resources: [k.resource], verbs: ['list', 'watch'] })),
      // Custom resource state discovers CRDs before watching them.
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['list', 'watch'] },
    ],
  };
}

function deployment(): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labels(name) },
    spec: {
      replicas: 1,
      selector: selector(name),
      template: {
        metadata: { labels: labels(name) },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: true, // it lists and watches the API.
          securityContext: restrictedPod(65534),
          containers: [
            {
              name,
              image: images.kubeStateMetrics,
              args: [
                `--port=${ports.kubeStateMetrics}`,
                `--telemetry-port=${ports.kubeStateMetricsTelemetry}`,
                `--resources=${KSM_RESOURCES.join(',')}`,
                '--custom-resource-state-config-file=/etc/kube-state-metrics/custom-resource-state.yaml',
              ],
              ports: [
                { name: 'http-metrics', containerPort: ports.kubeStateMetrics },
                { name: 'telemetry', containerPort: ports.kubeStateMetricsTelemetry },
              ],
              livenessProbe: { httpGet: { path: '/livez', port: 'http-metrics' }, periodSeconds: 30 },
              readinessProbe: { httpGet: { path: '/readyz', port: 'telemetry' }, periodSeconds: 10 },
              securityContext: restrictedContainer,
              volumeMounts: [{ name: 'config', mountPath: '/etc/kube-state-metrics', readOnly: true }],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: 'kube-state-metrics-config' } }],
        },
      },
    },
  };
}

export function renderKubeStateMetricsBase(): GeneratedFile[] {
  const sa: ServiceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, labels: labels(name) }, automountServiceAccountToken: false };
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: labels(name) },
    spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'http-metrics', port: ports.kubeStateMetrics, targetPort: 'http-metrics' }] },
  };
  const config = configMap('kube-state-metrics-config', { 'custom-resource-state.yaml': yamlDocument(customResourceState()) }, name);
  return baseFiles(name, { 'serviceaccount.yaml': [sa], 'clusterrole.yaml': [clusterRole()], 'configmap.yaml': [config], 'deployment.yaml': [deployment()], 'service.yaml': [svc] });
}

export function renderKubeStateMetricsOverlay(spec: LoadedSpec): GeneratedFile[] {
  const namespace = coreNamespace(spec.cluster);
  const binding: ClusterRoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `monitoring:${name}`, labels: labels(name) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `monitoring:${name}` },
    subjects: [{ kind: 'ServiceAccount', name, namespace }],
  };
  const patch = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      template: {
        metadata: { annotations: { [CONFIG_HASH_ANNOTATION]: contentHash(yamlDocument(customResourceState())) } },
        spec: { containers: [{ name, resources: containerResources(spec.cluster.spec.monitoring.resources.kubeStateMetrics) }] },
      },
    },
  };
  return overlayFiles(spec, name, namespace, { 'clusterrolebinding.yaml': [binding] }, { 'patch-deployment.yaml': [patch] });
}
