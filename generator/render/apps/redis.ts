import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Container, Probe } from 'kubernetes-types/core/v1.js';
import { memoryBytes, MiB } from '../../units/quantity.js';
import type { AppContext, AppKind, BaseFile, OverlayPart, WorkloadPatch } from './_component.js';
import { appLabels, baseImage, exporters, exportersOn, scrapeAnnotations, secretNames, selectorLabels, standardPort } from './_model.js';
import { configChecksum, containerSecurity, dataClaim, exporterResources, podSecurity, resources, scratch, service, serviceAccount, dataStatefulSet } from './_pod.js';

/** Redis from the official `redis` image: password required, append-only persistence. */

const PORT = standardPort.redis;
export const configMapName = (name: string): string => `${name}-config`;

/** redis.conf: the password is not here; start.sh writes it into the included runtime file. */
export const REDIS_CONF = `# Redis for pi-gitops: clients must authenticate; data survives restarts (AOF + RDB).
bind * -::*
port ${PORT}
protected-mode yes
dir /data
appendonly yes
appendfsync everysec
save 3600 1 300 100 60 10000
stop-writes-on-bgsave-error yes
# Evict only keys with a TTL when maxmemory (set at start from the container's limit) is reached.
maxmemory-policy volatile-lru
# requirepass and maxmemory, written at start by start.sh (mode 0600, in an emptyDir).
include /run/redis/runtime.conf
`;

/**
 * Reads the password from the mounted Secret into the runtime include file: never in the
 * ConfigMap, the environment or a command line (printf is a shell builtin).
 */
export const REDIS_START = `#!/bin/sh
set -eu
umask 077
{
  printf 'requirepass "%s"\\n' "$(cat /run/secrets/redis/password)"
  if [ -n "\${REDIS_MAXMEMORY:-}" ]; then printf 'maxmemory %s\\n' "$REDIS_MAXMEMORY"; fi
} > /run/redis/runtime.conf
exec redis-server /etc/redis/redis.conf
`;

function ping(): Probe {
  // REDISCLI_AUTH keeps the password off redis-cli's command line; NOAUTH answers fail the grep.
  const script = `REDISCLI_AUTH="$(cat /run/secrets/redis/password)" redis-cli -h 127.0.0.1 -p ${PORT} ping | grep -q PONG`;
  return { exec: { command: ['sh', '-c', script] }, timeoutSeconds: 5 };
}

export function redisBase(name: string): BaseFile[] {
  const runtime = scratch('runtime', '/run/redis', '1Mi');
  const tmp = scratch('tmp', '/tmp');
  const config: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMapName(name), labels: appLabels(name, 'redis') },
    data: { 'redis.conf': REDIS_CONF, 'start.sh': REDIS_START },
  };
  // A changed configuration rolls the pod (ConfigMaps are not hashed into their names here).
  const statefulSet = dataStatefulSet(name, 'redis', {
    terminationGracePeriodSeconds: 30,
    containers: [
      {
        name,
        image: baseImage(name, 'redis'),
        command: ['sh', '/etc/redis/start.sh'],
        ports: [{ name: 'redis', containerPort: PORT, protocol: 'TCP' }],
        securityContext: containerSecurity(),
        startupProbe: { ...ping(), periodSeconds: 5, failureThreshold: 60 },
        livenessProbe: { ...ping(), periodSeconds: 15, failureThreshold: 4 },
        readinessProbe: { ...ping(), periodSeconds: 5, failureThreshold: 3 },
        volumeMounts: [
          { name: 'data', mountPath: '/data' },
          { name: 'config', mountPath: '/etc/redis', readOnly: true },
          { name: 'auth', mountPath: '/run/secrets/redis', readOnly: true },
          runtime.mount,
          tmp.mount,
        ],
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: configMapName(name), defaultMode: 0o444 } },
      { name: 'auth', secret: { secretName: secretNames.redis(name), items: [{ key: 'password', path: 'password' }], defaultMode: 0o440 } },
      runtime.volume,
      tmp.volume,
    ],
  }, { 'pi-gitops.dev/config-sha256': configChecksum(config.data!) });
  return [
    { file: 'serviceaccount.yaml', objects: [serviceAccount(name, 'redis')] },
    { file: 'configmap.yaml', objects: [config] },
    { file: 'service.yaml', objects: [service(name, 'redis', PORT, 'redis', 'redis')] },
    { file: 'statefulset.yaml', objects: [statefulSet] },
  ];
}

/** maxmemory at 75 % of the memory limit, leaving room for AOF rewrites and buffers before the OOM killer. */
export function maxMemory(limit: string): string {
  return `${Math.max(1, Math.floor((memoryBytes(limit) * 0.75) / MiB))}mb`;
}

function exporterContainer(name: string): Container {
  const e = exporters.redis;
  return {
    name: 'redis-exporter',
    image: `${e.image}:${e.tag}`,
    ports: [{ name: 'metrics', containerPort: e.port, protocol: 'TCP' }],
    env: [
      { name: 'REDIS_ADDR', value: `redis://127.0.0.1:${PORT}` },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: secretNames.redis(name), key: 'password' } } },
    ],
    resources: exporterResources,
    securityContext: containerSecurity(e.uid),
    livenessProbe: { httpGet: { path: '/health', port: 'metrics' }, periodSeconds: 30, timeoutSeconds: 5 },
  };
}

export function redisOverlay(ctx: AppContext): OverlayPart {
  const { cluster, name, app } = ctx;
  const annotations = scrapeAnnotations(cluster, app);
  const patch: WorkloadPatch<StatefulSet> = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      template: {
        ...(annotations ? { metadata: { annotations } } : {}),
        spec: {
          containers: [
            { name, env: [{ name: 'REDIS_MAXMEMORY', value: maxMemory(app.resources.limits.memory) }], resources: resources(app.resources) },
            ...(exportersOn(cluster) ? [exporterContainer(name)] : []),
          ],
        },
      },
      volumeClaimTemplates: [dataClaim(cluster, app)],
    },
  };
  return { patch };
}

export const redisKind: AppKind = { base: redisBase, overlay: redisOverlay };
