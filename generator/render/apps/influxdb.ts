import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { EnvVar, Probe } from 'kubernetes-types/core/v1.js';
import type { AppContext, AppKind, BaseFile, OverlayPart, WorkloadPatch } from './_component.js';
import { appLabels, baseImage, INFLUX_BUCKET, INFLUX_ORG, INFLUX_RETENTION, scrapeAnnotations, secretNames, selectorLabels, standardPort } from './_model.js';
import { containerSecurity, dataClaim, podSecurity, resources, scratch, service, serviceAccount, dataStatefulSet } from './_pod.js';

/**
 * InfluxDB 2 from the official `influxdb` image (amd64 + arm64). The image's entrypoint runs the
 * initial setup (org, bucket, retention, admin user and token) from DOCKER_INFLUXDB_INIT_* on an
 * empty volume; the credentials come from the `<name>-admin` Secret.
 */

const PORT = standardPort.influxdb;

function health(): Probe {
  return { httpGet: { path: '/health', port: PORT }, timeoutSeconds: 5 };
}

function fromSecret(name: string, variable: string, key: string): EnvVar {
  return { name: variable, valueFrom: { secretKeyRef: { name: secretNames.influxAdmin(name), key } } };
}

export function influxdbBase(name: string): BaseFile[] {
  const configs = scratch('configs', '/etc/influxdb2', '1Mi');
  const tmp = scratch('tmp', '/tmp', '256Mi');
  const statefulSet = dataStatefulSet(name, 'influxdb', {
    terminationGracePeriodSeconds: 60,
    containers: [
      {
        name,
        image: baseImage(name, 'influxdb'),
        // InfluxDB 2 serves its API and its Prometheus /metrics on one port: it is named
        // `metrics` for the scrape contract; the Service targets it by number.
        ports: [{ name: 'metrics', containerPort: PORT, protocol: 'TCP' }],
        env: [
          { name: 'DOCKER_INFLUXDB_INIT_MODE', value: 'setup' },
          fromSecret(name, 'DOCKER_INFLUXDB_INIT_USERNAME', 'username'),
          fromSecret(name, 'DOCKER_INFLUXDB_INIT_PASSWORD', 'password'),
          fromSecret(name, 'DOCKER_INFLUXDB_INIT_ADMIN_TOKEN', 'token'),
          { name: 'DOCKER_INFLUXDB_INIT_ORG', value: INFLUX_ORG },
          { name: 'DOCKER_INFLUXDB_INIT_BUCKET', value: INFLUX_BUCKET },
          // No phoning home (and the NetworkPolicy would drop it anyway).
          { name: 'INFLUXD_REPORTING_DISABLED', value: 'true' },
        ],
        securityContext: containerSecurity(),
        startupProbe: { ...health(), periodSeconds: 5, failureThreshold: 120 },
        livenessProbe: { ...health(), periodSeconds: 15, failureThreshold: 4 },
        readinessProbe: { ...health(), periodSeconds: 5, failureThreshold: 3 },
        volumeMounts: [{ name: 'data', mountPath: '/var/lib/influxdb2' }, configs.mount, tmp.mount],
      },
    ],
    volumes: [configs.volume, tmp.volume],
  });
  return [
    { file: 'serviceaccount.yaml', objects: [serviceAccount(name, 'influxdb')] },
    { file: 'service.yaml', objects: [service(name, 'influxdb', PORT, PORT, 'http')] },
    { file: 'statefulset.yaml', objects: [statefulSet] },
  ];
}

export function influxdbOverlay(ctx: AppContext): OverlayPart {
  const { cluster, name, app } = ctx;
  const annotations = scrapeAnnotations(cluster, app);
  const patch: WorkloadPatch<StatefulSet> = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      template: {
        ...(annotations ? { metadata: { annotations } } : {}),
        spec: { containers: [{ name, env: [{ name: 'DOCKER_INFLUXDB_INIT_RETENTION', value: app.retention ?? INFLUX_RETENTION }], resources: resources(app.resources) }] },
      },
      volumeClaimTemplates: [dataClaim(cluster, app)],
    },
  };
  return { patch };
}

export const influxdbKind: AppKind = { base: influxdbBase, overlay: influxdbOverlay };
