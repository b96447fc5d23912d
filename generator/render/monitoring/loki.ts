import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Service, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { ClusterSpec, LoadedSpec } from '../../spec/types.js';
import type { GeneratedFile } from '../files.js';
import { yamlDocument } from '../serialize.js';
import {
  baseFiles, component, CONFIG_HASH_ANNOTATION, configMap, containerResources, contentHash, coreNamespace, images, labels, overlayFiles, ports,
  restrictedContainer, restrictedPod, selector,
} from './_common.js';

const name = component.loki;

/**
 * Loki single binary, filesystem storage on the PVC, retention by the compactor. The chart's defaults
 * ask ~11 GiB for memcached caches (FACTS.md "The stack"); here caches are in-process and 32 MB each.
 */
export function lokiConfig(cluster: ClusterSpec): object {
  const retention = cluster.spec.monitoring.logRetention;
  return {
    auth_enabled: false,
    server: { http_listen_port: ports.loki, grpc_listen_port: ports.lokiGrpc, log_level: 'warn' },
    common: {
      instance_addr: '127.0.0.1',
      path_prefix: '/loki',
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: { filesystem: { chunks_directory: '/loki/chunks', rules_directory: '/loki/rules' } },
    },
    // Every path on the volume: the root filesystem is read-only.
    ingester: { wal: { dir: '/loki/wal' } },
    storage_config: { tsdb_shipper: { active_index_directory: '/loki/tsdb-index', cache_location: '/loki/tsdb-cache' } },
    ruler: { rule_path: '/loki/rules-temp', storage: { type: 'local', local: { directory: '/loki/rules' } } },
    schema_config: { configs: [{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }] },
    limits_config: {
      retention_period: retention,
      reject_old_samples: true,
      reject_old_samples_max_age: retention,
      ingestion_rate_mb: 4,
      ingestion_burst_size_mb: 8,
      max_query_series: 2000,
    },
    compactor: { working_directory: '/loki/compactor', compaction_interval: '10m', retention_enabled: true, retention_delete_delay: '2h', delete_request_store: 'filesystem' },
    query_range: { results_cache: { cache: { embedded_cache: { enabled: true, max_size_mb: 32 } } } },
    chunk_store_config: { chunk_cache_config: { embedded_cache: { enabled: true, max_size_mb: 32 } } },
    pattern_ingester: { enabled: false },
    analytics: { reporting_enabled: false },
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
          automountServiceAccountToken: false,
          securityContext: restrictedPod(10001), // the loki user of the image
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name,
              image: images.loki,
              args: ['-config.file=/etc/loki/loki.yaml', '-target=all'],
              // The Go runtime collects before the cgroup limit is hit.
              env: [{ name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1' } } }],
              ports: [{ name: 'http', containerPort: ports.loki }, { name: 'grpc', containerPort: ports.lokiGrpc }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 10, initialDelaySeconds: 15 },
              livenessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 30, failureThreshold: 5, initialDelaySeconds: 60 },
              securityContext: restrictedContainer,
              volumeMounts: [
                { name: 'config', mountPath: '/etc/loki', readOnly: true },
                { name: 'data', mountPath: '/loki' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: 'loki-config' } }, { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
      volumeClaimTemplates: [
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      ],
    },
  };
}

export function renderLokiBase(): GeneratedFile[] {
  const sa: ServiceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, labels: labels(name) }, automountServiceAccountToken: false };
  const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: labels(name) }, spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'http', port: ports.loki, targetPort: 'http' }] } };
  return baseFiles(name, { 'serviceaccount.yaml': [sa], 'statefulset.yaml': [statefulSet()], 'service.yaml': [svc] });
}

export function renderLokiOverlay(spec: LoadedSpec): GeneratedFile[] {
  const cluster = spec.cluster;
  const config = yamlDocument(lokiConfig(cluster));
  const patch = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      template: {
        metadata: { annotations: { [CONFIG_HASH_ANNOTATION]: contentHash(config) } },
        spec: { containers: [{ name, resources: containerResources(cluster.spec.monitoring.resources.loki) }] },
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: cluster.spec.platform.storage.className, resources: { requests: { storage: `${cluster.spec.monitoring.logStorageGiB}Gi` } } },
        },
      ],
    },
  };
  return overlayFiles(spec, name, coreNamespace(cluster), { 'configmap.yaml': [configMap('loki-config', { 'loki.yaml': config }, name)] }, { 'patch-statefulset.yaml': [patch] });
}
