import { createHash } from 'node:crypto';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Container, PodSecurityContext, PodSpec, SecurityContext, Service, ServiceAccount, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { AppSpec, AppType, ClusterSpec, Resources } from '../../spec/types.js';
import { appLabels, runAsId, selectorLabels } from './_model.js';

/** Pod-level half of the restricted Pod Security profile, with the image's own UID/GID. */
export function podSecurity(type: AppType): PodSecurityContext {
  const id = runAsId[type];
  return {
    runAsNonRoot: true,
    runAsUser: id,
    runAsGroup: id,
    fsGroup: id,
    // Only chown the volume when its top directory does not already belong to fsGroup: fast restarts on large volumes.
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level half of the restricted profile. readOnlyRootFilesystem: every image here writes only to volumes. */
export function containerSecurity(uid?: number): SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    ...(uid !== undefined ? { runAsUser: uid, runAsGroup: uid } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Scratch directories as memory-bounded emptyDirs, so the root filesystem can stay read-only. */
export function scratch(name: string, mountPath: string, sizeLimit = '64Mi'): { volume: Volume; mount: VolumeMount } {
  return { volume: { name, emptyDir: { sizeLimit } }, mount: { name, mountPath } };
}

export function serviceAccount(name: string, type: AppType): ServiceAccount {
  // No pod here calls the Kubernetes API: no token is mounted.
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, labels: appLabels(name, type) }, automountServiceAccountToken: false };
}

export function service(name: string, type: AppType, port: number, targetPort: number | string, portName: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: appLabels(name, type) },
    spec: { type: 'ClusterIP', selector: selectorLabels(name), ports: [{ name: portName, port, targetPort, protocol: 'TCP' }] },
  };
}

/** Requests and limits exactly as the spec says (a missing CPU limit stays unset: no CFS throttling). */
export function resources(r: Resources): Container['resources'] {
  return {
    requests: { cpu: String(r.requests.cpu), memory: r.requests.memory },
    limits: { ...(r.limits.cpu !== undefined ? { cpu: String(r.limits.cpu) } : {}), memory: r.limits.memory },
  };
}

/** The `data` claim template on the SSD storage class, sized from spec.persistence (overlay only). */
export function dataClaim(cluster: ClusterSpec, app: AppSpec): PersistentVolumeClaim {
  return {
    metadata: { name: 'data' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: cluster.spec.platform.storage.className,
      resources: { requests: { storage: `${app.persistence?.sizeGiB ?? 1}Gi` } },
    },
  };
}

/** Exporter sidecars: tiny and fixed. [U] exporters idle at a few MiB; measure and refine. */
export const exporterResources: Container['resources'] = {
  requests: { cpu: '10m', memory: '24Mi' },
  limits: { cpu: '100m', memory: '64Mi' },
};

/** sha256 of a ConfigMap's data (keys in order): pure, so the same config gives the same annotation. */
export function configChecksum(data: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(data).sort()) hash.update(`${key}\0${data[key]}\0`);
  return hash.digest('hex');
}

/**
 * The StatefulSet every data service shares: one replica, its own ServiceAccount without an API token,
 * the restricted pod security of its image, volumes kept when it is deleted or scaled, and a `data`
 * claim whose storage class and size each cluster's overlay replaces.
 */
export function dataStatefulSet(name: string, type: AppType, pod: Omit<PodSpec, 'serviceAccountName' | 'automountServiceAccountToken' | 'enableServiceLinks' | 'securityContext'>, annotations?: Record<string, string>): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, labels: appLabels(name, type) },
    spec: {
      serviceName: name,
      replicas: 1,
      selector: { matchLabels: selectorLabels(name) },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: {
        metadata: { labels: appLabels(name, type), ...(annotations ? { annotations } : {}) },
        spec: { serviceAccountName: name, automountServiceAccountToken: false, enableServiceLinks: false, securityContext: podSecurity(type), ...pod },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}
