import { IOT_APP_METRICS } from './metrics.js';
import { PI_CPU_TEMPERATURE } from './alerts.js';

/** Provisioned datasource uids: dashboards refer to datasources by these, never by name. */
export const DATASOURCE_UID = { prometheus: 'prometheus', loki: 'loki', influxdb: 'influxdb' } as const;
type DatasourceUid = (typeof DATASOURCE_UID)[keyof typeof DATASOURCE_UID];
const dsType: Record<DatasourceUid, string> = { prometheus: 'prometheus', loki: 'loki', influxdb: 'influxdb' };

interface Target {
  readonly expr: string;
  readonly legend?: string;
}

interface PanelSpec {
  readonly title: string;
  readonly type: 'timeseries' | 'stat' | 'logs';
  readonly unit?: string;
  readonly datasource?: DatasourceUid;
  readonly targets: readonly Target[];
  readonly width?: number;
}

function panels(specs: readonly PanelSpec[]): object[] {
  let x = 0;
  let y = 0;
  return specs.map((p, index) => {
    const w = p.width ?? 12;
    const h = p.type === 'stat' ? 4 : 8;
    if (x + w > 24) {
      x = 0;
      y += 8;
    }
    const ds = { type: dsType[p.datasource ?? 'prometheus'], uid: p.datasource ?? DATASOURCE_UID.prometheus };
    const panel = {
      id: index + 1,
      title: p.title,
      type: p.type,
      datasource: ds,
      gridPos: { h, w, x, y },
      fieldConfig: { defaults: p.unit ? { unit: p.unit } : {}, overrides: [] },
      options: p.type === 'logs' ? { showTime: true, wrapLogMessage: true, sortOrder: 'Descending' } : {},
      targets: p.targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: ds, expr: t.expr, ...(t.legend ? { legendFormat: t.legend } : {}) })),
    };
    x += w;
    return panel;
  });
}

function dashboard(uid: string, title: string, tags: readonly string[], specs: readonly PanelSpec[], templating: readonly object[] = []): object {
  return {
    uid,
    title,
    tags,
    editable: false,
    schemaVersion: 39,
    version: 1,
    timezone: 'browser',
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    templating: { list: templating },
    panels: panels(specs),
  };
}

const FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*"';

/** Raspberry Pi cluster overview: per node CPU, memory, temperature, disk and network. */
export function clusterDashboard(): object {
  return dashboard('pi-cluster-overview', 'Raspberry Pi cluster overview', ['raspberry-pi', 'pi-gitops'], [
    { title: 'Nodes up', type: 'stat', width: 6, targets: [{ expr: 'sum(up{job="node-exporter"})' }] },
    { title: 'Pods running', type: 'stat', width: 6, targets: [{ expr: 'sum(kubelet_running_pods)' }] },
    { title: 'Hottest CPU', type: 'stat', width: 6, unit: 'celsius', targets: [{ expr: `max(${PI_CPU_TEMPERATURE})` }] },
    { title: 'Prometheus series', type: 'stat', width: 6, targets: [{ expr: 'prometheus_tsdb_head_series' }] },
    { title: 'CPU busy per node', type: 'timeseries', unit: 'percentunit', targets: [{ expr: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval]))', legend: '{{instance}}' }] },
    { title: 'Memory used per node', type: 'timeseries', unit: 'percentunit', targets: [{ expr: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes', legend: '{{instance}}' }] },
    { title: 'CPU temperature per node', type: 'timeseries', unit: 'celsius', targets: [{ expr: PI_CPU_TEMPERATURE, legend: '{{instance}}' }] },
    { title: 'CPU clock per node (throttling shows as drops)', type: 'timeseries', unit: 'hertz', targets: [{ expr: 'avg by (instance) (node_cpu_scaling_frequency_hertz)', legend: '{{instance}}' }] },
    { title: 'Disk used per node', type: 'timeseries', unit: 'percentunit', targets: [{ expr: `1 - node_filesystem_avail_bytes{${FS}} / node_filesystem_size_bytes{${FS}}`, legend: '{{instance}} {{mountpoint}}' }] },
    { title: 'Load (1 min) per node', type: 'timeseries', targets: [{ expr: 'node_load1', legend: '{{instance}}' }] },
    { title: 'Network received per node', type: 'timeseries', unit: 'Bps', targets: [{ expr: 'sum by (instance) (rate(node_network_receive_bytes_total{device!="lo"}[$__rate_interval]))', legend: '{{instance}}' }] },
    { title: 'Network sent per node', type: 'timeseries', unit: 'Bps', targets: [{ expr: 'sum by (instance) (rate(node_network_transmit_bytes_total{device!="lo"}[$__rate_interval]))', legend: '{{instance}}' }] },
    { title: 'Container memory per namespace', type: 'timeseries', unit: 'bytes', targets: [{ expr: 'sum by (namespace) (container_memory_working_set_bytes{container!=""})', legend: '{{namespace}}' }] },
    { title: 'Container CPU per namespace', type: 'timeseries', targets: [{ expr: 'sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=""}[$__rate_interval]))', legend: '{{namespace}}' }] },
  ]);
}

/** IoT services: ingestion rate, API latency and errors, MQTT clients and messages, database health. */
export function iotDashboard(): object {
  const { requests, latency, ingested, mqttReceived } = IOT_APP_METRICS;
  const namespaceVariable = {
    name: 'namespace',
    label: 'Namespace',
    type: 'query',
    datasource: { type: 'prometheus', uid: DATASOURCE_UID.prometheus },
    query: { query: 'label_values(up{job="iot-pods"}, namespace)', refId: 'namespace' },
    refresh: 2,
  };
  return dashboard('iot-services', 'IoT services', ['iot', 'pi-gitops'], [
    { title: 'Ingested messages per second', type: 'timeseries', unit: 'ops', targets: [{ expr: `sum by (app) (rate(${ingested}{namespace="$namespace"}[$__rate_interval]))`, legend: '{{app}}' }] },
    { title: 'API requests per second', type: 'timeseries', unit: 'reqps', targets: [{ expr: `sum by (app) (rate(${requests}{namespace="$namespace"}[$__rate_interval]))`, legend: '{{app}}' }] },
    { title: 'API latency p95', type: 'timeseries', unit: 's', targets: [{ expr: `histogram_quantile(0.95, sum by (app, le) (rate(${latency}{namespace="$namespace"}[$__rate_interval])))`, legend: '{{app}}' }] },
    { title: 'API error ratio (5xx)', type: 'timeseries', unit: 'percentunit', targets: [{ expr: `sum by (app) (rate(${requests}{namespace="$namespace",status=~"5.."}[$__rate_interval])) / sum by (app) (rate(${requests}{namespace="$namespace"}[$__rate_interval]))`, legend: '{{app}}' }] },
    // No arm64 Mosquitto exporter exists upstream: client connections are counted from the broker's own
    // log lines (log_type notice), messages from the ingestion service that consumes them.
    { title: 'MQTT client connections (broker log)', type: 'timeseries', datasource: 'loki', targets: [{ expr: 'sum by (pod) (count_over_time({namespace="$namespace"} |= "New client connected" [5m]))', legend: 'connected {{pod}}' }, { expr: 'sum by (pod) (count_over_time({namespace="$namespace"} |~ "Client .* (disconnected|closed its connection)" [5m]))', legend: 'disconnected {{pod}}' }] },
    { title: 'MQTT messages consumed per second', type: 'timeseries', unit: 'ops', targets: [{ expr: `sum by (app) (rate(${mqttReceived}{namespace="$namespace"}[$__rate_interval]))`, legend: '{{app}}' }] },
    { title: 'Databases up', type: 'stat', width: 24, targets: [{ expr: 'pg_up{namespace="$namespace"}', legend: 'postgresql {{app}}' }, { expr: 'redis_up{namespace="$namespace"}', legend: 'redis {{app}}' }, { expr: 'up{job="iot-pods",namespace="$namespace"}', legend: '{{app}} {{pod}}' }] },
    { title: 'PostgreSQL connections', type: 'timeseries', targets: [{ expr: 'sum by (app, state) (pg_stat_activity_count{namespace="$namespace"})', legend: '{{app}} {{state}}' }] },
    { title: 'Redis memory and clients', type: 'timeseries', targets: [{ expr: 'redis_memory_used_bytes{namespace="$namespace"}', legend: 'memory {{app}}' }, { expr: 'redis_connected_clients{namespace="$namespace"}', legend: 'clients {{app}}' }] },
    { title: 'Volumes used', type: 'timeseries', unit: 'percentunit', targets: [{ expr: '1 - kubelet_volume_stats_available_bytes{namespace="$namespace"} / kubelet_volume_stats_capacity_bytes{namespace="$namespace"}', legend: '{{persistentvolumeclaim}}' }] },
    { title: 'Restarts in the last hour', type: 'timeseries', targets: [{ expr: 'sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="$namespace"}[1h]))', legend: '{{pod}}' }] },
    { title: 'Error logs', type: 'logs', width: 24, datasource: 'loki', targets: [{ expr: '{namespace="$namespace"} |~ "(?i)(error|panic|fatal)"' }] },
  ], [namespaceVariable]);
}

/** Dashboards by file name, as the JSON Grafana provisions. */
export function dashboards(): Record<string, string> {
  return {
    'pi-cluster-overview.json': `${JSON.stringify(clusterDashboard(), null, 2)}\n`,
    'iot-services.json': `${JSON.stringify(iotDashboard(), null, 2)}\n`,
  };
}
