import type { EnvVar } from 'kubernetes-types/core/v1.js';
import type { AppSpec, AppType, ClusterSpec } from '../../spec/types.js';

/**
 * What every part of the apps renderer agrees on: names, labels, ports, images, UIDs and the
 * Secrets a dependency edge needs. Pure data and pure functions of the spec; no file is written here.
 */

export const PART_OF = 'pi-gitops';
export const NAME_LABEL = 'app.kubernetes.io/name';

export type Component = 'service' | 'database' | 'cache' | 'broker' | 'tsdb';

export const componentOf: Readonly<Record<AppType, Component>> = {
  service: 'service',
  postgresql: 'database',
  redis: 'cache',
  mosquitto: 'broker',
  influxdb: 'tsdb',
};

/** Labels every object of an app carries (the scrape and NetworkPolicy contract). */
export function appLabels(name: string, type: AppType): Record<string, string> {
  return { [NAME_LABEL]: name, 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/component': componentOf[type] };
}

/** The immutable selector: the app name only, so relabelling never orphans pods. */
export function selectorLabels(name: string): Record<string, string> {
  return { [NAME_LABEL]: name };
}

/** Official, multi-arch (amd64 + arm64) images: FACTS.md "The stack"; no Bitnami (bitnami/containers#83267). */
export const officialImage: Readonly<Record<Exclude<AppType, 'service'>, string>> = {
  postgresql: 'postgres',
  redis: 'redis',
  mosquitto: 'eclipse-mosquitto',
  influxdb: 'influxdb',
};

/** The image name an app's base uses; the overlay's kustomize `images` sets repository and tag per cluster. */
export function baseImage(name: string, type: AppType): string {
  return type === 'service' ? name : officialImage[type];
}

/** The port each data service listens on (the images' defaults). Services use spec.port (schema default 8080). */
export const standardPort: Readonly<Record<Exclude<AppType, 'service'>, number>> = {
  postgresql: 5432,
  redis: 6379,
  mosquitto: 1883,
  influxdb: 8086,
};

export const SERVICE_DEFAULT_PORT = 8080;
/** Services are reached on Service port 80 (name http), which targets the container port named http. */
export const SERVICE_HTTP_PORT = 80;

/** The port the app's pods serve on (what a NetworkPolicy must open). */
export function servePort(app: AppSpec): number {
  return app.type === 'service' ? (app.port ?? SERVICE_DEFAULT_PORT) : standardPort[app.type];
}

/**
 * Fixed UID/GID of each official image's own user (docker-library Dockerfiles: postgres and redis
 * create uid 999, eclipse-mosquitto uid 1883, influxdb uid 1000). The user's service images get
 * 10001, a conventional unprivileged UID outside any distribution's system range.
 */
export const runAsId: Readonly<Record<AppType, number>> = {
  service: 10001,
  postgresql: 999,
  redis: 999,
  mosquitto: 1883,
  influxdb: 1000,
};

/** Exporter sidecars, pinned; multi-arch images with arm64 (quay.io/prometheuscommunity, docker.io/oliver006). */
export const exporters = {
  postgresql: { image: 'quay.io/prometheuscommunity/postgres-exporter', tag: 'v0.17.1', port: 9187, path: '/metrics', uid: 65534 },
  redis: { image: 'oliver006/redis_exporter', tag: 'v1.74.0', port: 9121, path: '/metrics', uid: 59000 },
} as const;
/**
 * Mosquitto has no exporter here: sapcc/mosquitto-exporter publishes amd64 images only
 * (sapcc/mosquitto-exporter#44, open); the multi-arch forks are unofficial. Mosquitto's own
 * $SYS topics remain available to an MQTT-speaking collector.
 */
export const MOSQUITTO_EXPORTER_GAP = 'no arm64 mosquitto exporter image from the upstream project (sapcc/mosquitto-exporter#44)';

/** InfluxDB 2 serves Prometheus metrics itself at /metrics on its API port. */
export const INFLUX_METRICS_PATH = '/metrics';
export const INFLUX_ORG = 'pi-gitops';
export const INFLUX_BUCKET = 'iot';
/** Retention of the initial bucket when spec.apps.<influxdb>.retention is unset; later changes need `influx bucket update`. [U] a month of raw IoT points. */
export const INFLUX_RETENTION = '30d';

export function exportersOn(cluster: ClusterSpec): boolean {
  return cluster.spec.monitoring.enabled && cluster.spec.monitoring.exporters;
}

export interface MetricsEndpoint {
  readonly port: number;
  readonly path: string;
}

/** The metrics endpoint a pod of this app exposes on a container port named `metrics` in this cluster, if any. */
export function metricsEndpoint(cluster: ClusterSpec, app: AppSpec): MetricsEndpoint | undefined {
  switch (app.type) {
    case 'service':
      return app.metrics ? { port: app.metrics.port, path: app.metrics.path ?? '/metrics' } : undefined;
    case 'influxdb':
      return { port: standardPort.influxdb, path: INFLUX_METRICS_PATH };
    case 'postgresql':
    case 'redis':
      return exportersOn(cluster) ? { port: exporters[app.type].port, path: exporters[app.type].path } : undefined;
    case 'mosquitto':
      return undefined;
  }
}

/** Prometheus scrape annotations (the monitoring contract), only when monitoring is on. */
export function scrapeAnnotations(cluster: ClusterSpec, app: AppSpec): Record<string, string> | undefined {
  const metrics = metricsEndpoint(cluster, app);
  if (!cluster.spec.monitoring.enabled || !metrics) return undefined;
  return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metrics.port), 'prometheus.io/path': metrics.path };
}

/** SQL identifier and MQTT user of a client app: its name with `-` → `_`. */
export function roleName(client: string): string {
  return client.replace(/-/g, '_');
}

/** PREFIX for a dependency's environment variables: POSTGRESQL_HOST, REDIS_PASSWORD, … */
export function envPrefix(target: string): string {
  return target.toUpperCase().replace(/-/g, '_');
}

/** Secret names: one per credential holder, so a pod can reference only what it needs. */
export const secretNames = {
  /** PostgreSQL superuser (username, password). */
  postgresSuperuser: (pg: string): string => `${pg}-superuser`,
  /** postgres-exporter's pg_monitor role (username, password). */
  postgresExporter: (pg: string): string => `${pg}-exporter`,
  /** One per client of a PostgreSQL app or a Mosquitto app (username, password[, database]). */
  client: (client: string, target: string): string => `${client}-${target}`,
  /** Redis requirepass (password). */
  redis: (redis: string): string => `${redis}-auth`,
  /** InfluxDB initial admin (username, password, token). */
  influxAdmin: (influx: string): string => `${influx}-admin`,
} as const;

export const INFLUX_ADMIN_USER = 'admin';
export const POSTGRES_SUPERUSER = 'postgres';
export const POSTGRES_EXPORTER_USER = 'postgres_exporter';

/** Apps that depend on `target`, sorted by name. */
export function clientsOf(cluster: ClusterSpec, target: string): string[] {
  return Object.entries(cluster.spec.apps)
    .filter(([, app]) => app.dependsOn.includes(target))
    .map(([name]) => name)
    .sort();
}

function secretRef(name: string, key: string): EnvVar['valueFrom'] {
  return { secretKeyRef: { name, key } };
}

/**
 * Environment a client gets for each dependency: where it is, and credentials from Secrets.
 * Variables are prefixed with the target's name (POSTGRESQL_HOST, MOSQUITTO_PASSWORD, …).
 */
export function dependencyEnv(cluster: ClusterSpec, client: string): EnvVar[] {
  const apps = cluster.spec.apps;
  const env: EnvVar[] = [];
  for (const target of apps[client]?.dependsOn ?? []) {
    const app = apps[target];
    if (!app) continue;
    const p = envPrefix(target);
    switch (app.type) {
      case 'postgresql':
        env.push(
          { name: `${p}_HOST`, value: target },
          { name: `${p}_PORT`, value: String(standardPort.postgresql) },
          { name: `${p}_DATABASE`, value: roleName(client) },
          { name: `${p}_USER`, valueFrom: secretRef(secretNames.client(client, target), 'username') },
          { name: `${p}_PASSWORD`, valueFrom: secretRef(secretNames.client(client, target), 'password') },
        );
        break;
      case 'redis':
        env.push(
          { name: `${p}_HOST`, value: target },
          { name: `${p}_PORT`, value: String(standardPort.redis) },
          { name: `${p}_PASSWORD`, valueFrom: secretRef(secretNames.redis(target), 'password') },
        );
        break;
      case 'mosquitto':
        env.push(
          { name: `${p}_HOST`, value: target },
          { name: `${p}_PORT`, value: String(standardPort.mosquitto) },
          { name: `${p}_USERNAME`, valueFrom: secretRef(secretNames.client(client, target), 'username') },
          { name: `${p}_PASSWORD`, valueFrom: secretRef(secretNames.client(client, target), 'password') },
        );
        break;
      case 'influxdb':
        env.push(
          { name: `${p}_URL`, value: `http://${target}:${standardPort.influxdb}` },
          { name: `${p}_ORG`, value: INFLUX_ORG },
          { name: `${p}_BUCKET`, value: INFLUX_BUCKET },
          { name: `${p}_TOKEN`, valueFrom: secretRef(secretNames.influxAdmin(target), 'token') },
        );
        break;
      case 'service':
        env.push({ name: `${p}_URL`, value: `http://${target}:${SERVICE_HTTP_PORT}` });
        break;
    }
  }
  return env;
}

/** Names of the spec's apps of one type, sorted (alert rules join them into a regex alternation). */
export function appsOfType(cluster: ClusterSpec, type: AppType): string[] {
  return Object.entries(cluster.spec.apps).filter(([, app]) => app.type === type).map(([name]) => name).sort();
}
