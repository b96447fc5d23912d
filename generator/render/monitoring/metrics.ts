import type { ClusterSpec } from '../../spec/types.js';
import { CADVISOR_KEEP, jobs, KUBELET_KEEP, scrapedJobs, type JobName } from './prometheus-config.js';

/**
 * What each scrape job is known to expose — the metrics our rules and dashboards use, checked by the
 * tests against every query ("every query's metric exists in what is scraped, where knowable").
 */
export const IOT_APP_METRICS = {
  /**
   * CONTRACT with the apps: every IoT service exposes on its `metrics` port the conventional HTTP
   * server metrics; data-ingestion counts stored messages.
   */
  requests: 'http_requests_total', // labels: method, status (HTTP code)
  latency: 'http_request_duration_seconds_bucket', // histogram, label le
  ingested: 'iot_ingested_messages_total', // counter, data-ingestion: points written
  mqttReceived: 'iot_mqtt_messages_received_total', // counter, data-ingestion: MQTT messages consumed
} as const;

const nodeExporter = [
  'node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes', 'node_filesystem_avail_bytes',
  'node_filesystem_size_bytes', 'node_filesystem_readonly', 'node_network_receive_bytes_total', 'node_network_transmit_bytes_total',
  'node_thermal_zone_temp', 'node_hwmon_temp_celsius', 'node_cpu_scaling_frequency_hertz', 'node_cpu_scaling_frequency_max_hertz',
  'node_load1', 'node_boot_time_seconds', 'node_time_seconds',
];
const kubeStateMetrics = [
  'kube_node_status_condition', 'kube_pod_container_status_waiting_reason', 'kube_pod_container_status_restarts_total',
  'kube_deployment_status_replicas_unavailable', 'kube_deployment_status_replicas_available', 'kube_deployment_spec_replicas',
  'kube_statefulset_status_replicas_ready', 'kube_statefulset_replicas', 'kube_daemonset_status_number_unavailable',
  'kube_persistentvolumeclaim_resource_requests_storage_bytes', 'kube_pod_info',
  'gotk_resource_info', // custom resource state for Flux objects
];
/** Exactly what the kubelet and cAdvisor jobs keep (metric_relabel_configs). */
const kubelet = KUBELET_KEEP;
const cadvisor = CADVISOR_KEEP;
const prometheus = ['prometheus_tsdb_head_series'];
const postgresExporter = ['pg_up', 'pg_stat_activity_count', 'pg_database_size_bytes'];
const redisExporter = ['redis_up', 'redis_connected_clients', 'redis_memory_used_bytes'];
// Mosquitto has no exporter: the upstream sapcc/mosquitto-exporter publishes no arm64 image
// (sapcc/mosquitto-exporter#44). MQTT connections come from the broker's log lines in Loki instead.

/** Metrics Prometheus synthesises for every target. */
export const SYNTHETIC_METRICS = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'] as const;

/** Known metrics per job for one cluster (exporter metrics only when the spec runs the exporters). */
export function metricsByJob(cluster: ClusterSpec): Map<JobName, readonly string[]> {
  const exporters = cluster.spec.monitoring.exporters ? [...postgresExporter, ...redisExporter] : [];
  const known: Record<JobName, readonly string[]> = {
    [jobs.prometheus]: prometheus,
    [jobs.nodeExporter]: nodeExporter,
    [jobs.kubeStateMetrics]: kubeStateMetrics,
    [jobs.kubelet]: kubelet,
    [jobs.cadvisor]: cadvisor,
    [jobs.flux]: [],
    [jobs.apps]: [...Object.values(IOT_APP_METRICS), ...exporters],
    [jobs.certManager]: ['certmanager_certificate_expiration_timestamp_seconds'],
    [jobs.stack]: ['go_goroutines', 'process_resident_memory_bytes'],
  };
  return new Map(scrapedJobs(cluster).map((job) => [job, known[job]]));
}

/** Every metric name a cluster's Prometheus is known to hold. */
export function knownMetrics(cluster: ClusterSpec): Set<string> {
  return new Set([...SYNTHETIC_METRICS, ...[...metricsByJob(cluster).values()].flat()]);
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

/** Metric names in a PromQL expression (selectors' names; functions, keywords and label lists removed). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2] !== undefined || KEYWORDS.has(m[1]!.toLowerCase())) continue;
    names.add(m[1]!);
  }
  return [...names].sort();
}
