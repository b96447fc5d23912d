import type { ClusterRole, ClusterRoleBinding } from 'kubernetes-types/rbac/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Service, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { LoadedSpec } from '../../spec/types.js';
import type { GeneratedFile } from '../files.js';
import { yamlDocument } from '../serialize.js';
import {
  baseFiles, component, CONFIG_HASH_ANNOTATION, configMap, containerResources, contentHash, coreNamespace, images, labels,
  overlayFiles, ports, restrictedContainer, restrictedPod, selector,
} from './_common.js';
import { rulesFile } from './alerts.js';
import { PROMETHEUS_PATHS, prometheusConfig } from './prometheus-config.js';

const name = component.prometheus;
const UID = 65534; // `nobody`, the user the prom/prometheus image runs as.

/** Read-only discovery and scraping: nodes and pods for service discovery, nodes/metrics for the kubelet. */
export function prometheusClusterRole(): ClusterRole {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `monitoring:${name}`, labels: labels(name) },
    rules: [
      { apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list', 'watch'] },
      // kubelet /metrics and /metrics/cadvisor are authorised as nodes/metrics.
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
    ],
  };
}

function statefulSet(): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, labels: labels(name) },
    spec: {
      serviceName: name,
      replicas: 1,
      selector: selector(name),
      template: {
        metadata: { labels: labels(name) },
        spec: {
          serviceAccountName: name,
          // Discovery and kubelet scraping authenticate with the token.
          automountServiceAccountToken: true,
          securityContext: restrictedPod(UID),
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name,
              image: images.prometheus,
              args: [
                `--config.file=${PROMETHEUS_PATHS.config}`,
                '--storage.tsdb.path=/prometheus',
                '--web.console.libraries=/usr/share/prometheus/console_libraries',
                '--web.console.templates=/usr/share/prometheus/consoles',
              ],
              ports: [{ name: 'http', containerPort: ports.prometheus }],
              readinessProbe: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
              livenessProbe: { httpGet: { path: '/-/healthy', port: 'http' }, periodSeconds: 30, failureThreshold: 4 },
              // WAL replay on a Pi after a crash can take minutes.
              startupProbe: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 10, failureThreshold: 60 },
              securityContext: restrictedContainer,
              volumeMounts: [
                // Sibling mounts: a volume nested inside a read-only ConfigMap volume cannot get its mount point.
                { name: 'config', mountPath: '/etc/prometheus/config', readOnly: true },
                { name: 'rules', mountPath: PROMETHEUS_PATHS.rulesDir, readOnly: true },
                { name: 'data', mountPath: '/prometheus' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: 'prometheus-config' } },
            { name: 'rules', configMap: { name: 'prometheus-rules' } },
          ],
        },
      },
      volumeClaimTemplates: [
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      ],
    },
  };
}

function service(): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: labels(name) },
    spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'http', port: ports.prometheus, targetPort: 'http' }] },
  };
}

export function renderPrometheusBase(): GeneratedFile[] {
  const sa: ServiceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, labels: labels(name) }, automountServiceAccountToken: false };
  return baseFiles(name, { 'serviceaccount.yaml': [sa], 'clusterrole.yaml': [prometheusClusterRole()], 'statefulset.yaml': [statefulSet()], 'service.yaml': [service()] });
}

/**
 * Retention by size, kept below the volume: 80 % of it, leaving room for the WAL and compaction
 * (Prometheus stops deleting by size only at block boundaries).
 */
export function retentionSize(storageGiB: number): string {
  return `${Math.floor(storageGiB * 1024 * 0.8)}MB`;
}

export function renderPrometheusOverlay(spec: LoadedSpec): GeneratedFile[] {
  const cluster = spec.cluster;
  const { monitoring } = cluster.spec;
  const namespace = coreNamespace(cluster);
  const config = yamlDocument(prometheusConfig(cluster));
  const rules = yamlDocument(rulesFile(cluster));
  const binding: ClusterRoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `monitoring:${name}`, labels: labels(name) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `monitoring:${name}` },
    subjects: [{ kind: 'ServiceAccount', name, namespace }],
  };
  const patch = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      template: {
        metadata: { annotations: { [CONFIG_HASH_ANNOTATION]: contentHash(config, rules) } },
        spec: {
          containers: [
            {
              name,
              args: [
                `--config.file=${PROMETHEUS_PATHS.config}`,
                '--storage.tsdb.path=/prometheus',
                `--storage.tsdb.retention.time=${monitoring.retention}`,
                `--storage.tsdb.retention.size=${retentionSize(monitoring.storageGiB)}`,
                '--web.console.libraries=/usr/share/prometheus/console_libraries',
                '--web.console.templates=/usr/share/prometheus/consoles',
              ],
              resources: containerResources(monitoring.resources.prometheus),
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: cluster.spec.platform.storage.className, resources: { requests: { storage: `${monitoring.storageGiB}Gi` } } },
        },
      ],
    },
  };
  return overlayFiles(
    spec,
    name,
    namespace,
    {
      'clusterrolebinding.yaml': [binding],
      'configmap.yaml': [configMap('prometheus-config', { 'prometheus.yml': config }, name), configMap('prometheus-rules', { 'alerts.yaml': rules }, name)],
    },
    { 'patch-statefulset.yaml': [patch] },
  );
}

/** The rendered Prometheus files as text (for tests and promtool). */
export function prometheusTexts(spec: LoadedSpec): { readonly config: string; readonly rules: string } {
  return { config: yamlDocument(prometheusConfig(spec.cluster)), rules: yamlDocument(rulesFile(spec.cluster)) };
}
