import type { AppType, ClusterSpec } from '../../spec/types.js';
import { appsOfType } from '../apps/_model.js';
import { jobs, tlsManaged } from './prometheus-config.js';

/** Where the runbooks live, relative to the repository root; every alert links to a heading in it. */
export const RUNBOOK_FILE = 'docs/TROUBLESHOOTING.md';

export type Severity = 'critical' | 'warning' | 'info';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly description: string;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/**
 * Raspberry Pi 5 firmware starts lowering the ARM clock at 80 °C and throttles harder at 85 °C
 * [3P raspberrypi/documentation `computers/raspberry-pi.adoc`, "Cooling"]. We warn before the first step.
 */
const PI_TEMP_WARNING_C = 75;
const PI_TEMP_CRITICAL_C = 85;
const PI_THROTTLE_C = 80;

/**
 * CPU temperature per node from either collector: thermal_zone (`node_thermal_zone_temp`, zone type
 * `cpu-thermal` on a Pi 5) or hwmon (`node_hwmon_temp_celsius`, chip `thermal_thermal_zone0`).
 */
export const PI_CPU_TEMPERATURE =
  'max by (instance) (node_thermal_zone_temp{type="cpu-thermal"} or label_replace(node_hwmon_temp_celsius{chip="thermal_thermal_zone0"}, "type", "cpu-thermal", "", ""))';

const FS_SELECTOR = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*",mountpoint!~"/run.*|/var/lib/kubelet/pods/.*"';

function nodeGroups(): RuleGroup[] {
  return [
    {
      name: 'node',
      rules: [
        { alert: 'NodeDown', expr: `up{job="${jobs.nodeExporter}"} == 0`, for: '3m', severity: 'critical', summary: 'Node {{ $labels.instance }} is unreachable', description: 'node-exporter on {{ $labels.instance }} has not answered for 3 minutes: the Pi is off, hung, or off the network.' },
        { alert: 'NodeNotReady', expr: 'kube_node_status_condition{condition="Ready",status="true"} == 0', for: '5m', severity: 'critical', summary: 'Node {{ $labels.node }} is NotReady', description: 'The kubelet on {{ $labels.node }} has not reported Ready for 5 minutes; its pods will be evicted.' },
        { alert: 'NodeCPUHigh', expr: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) > 0.9', for: '15m', severity: 'warning', summary: 'CPU on {{ $labels.instance }} above 90 %', description: 'The four cores of {{ $labels.instance }} have been {{ $value | humanizePercentage }} busy for 15 minutes.' },
        { alert: 'NodeMemoryLow', expr: 'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.1', for: '10m', severity: 'warning', summary: 'Less than 10 % memory available on {{ $labels.instance }}', description: 'Only {{ $value | humanizePercentage }} of memory is available on {{ $labels.instance }}; the kubelet will start evicting pods.' },
        { alert: 'NodeDiskSpaceLow', expr: `node_filesystem_avail_bytes{${FS_SELECTOR}} / node_filesystem_size_bytes{${FS_SELECTOR}} < 0.1 and node_filesystem_readonly{${FS_SELECTOR}} == 0`, for: '10m', severity: 'warning', summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} below 10 % free', description: '{{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} has {{ $value | humanizePercentage }} free.' },
        { alert: 'NodeFilesystemFillingUp', expr: `predict_linear(node_filesystem_avail_bytes{${FS_SELECTOR}}[6h], 24 * 3600) < 0 and node_filesystem_avail_bytes{${FS_SELECTOR}} / node_filesystem_size_bytes{${FS_SELECTOR}} < 0.4`, for: '1h', severity: 'warning', summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} fills within 24 h', description: 'At the rate of the last 6 hours, {{ $labels.mountpoint }} on {{ $labels.instance }} will be full within a day.' },
        { alert: 'NodePressure', expr: 'kube_node_status_condition{condition=~"MemoryPressure|DiskPressure|PIDPressure",status="true"} == 1', for: '5m', severity: 'warning', summary: 'Node {{ $labels.node }} reports {{ $labels.condition }}', description: 'The kubelet on {{ $labels.node }} reports {{ $labels.condition }}: it is evicting pods and refusing new ones.' },
      ],
    },
    {
      name: 'raspberry-pi',
      rules: [
        { alert: 'PiCPUTemperatureHigh', expr: `${PI_CPU_TEMPERATURE} > ${PI_TEMP_WARNING_C}`, for: '10m', severity: 'warning', summary: 'CPU of {{ $labels.instance }} at {{ $value }} °C', description: `The SoC of {{ $labels.instance }} has been above ${PI_TEMP_WARNING_C} °C for 10 minutes; the firmware throttles from ${PI_THROTTLE_C} °C. Check the fan and airflow.` },
        { alert: 'PiCPUTemperatureCritical', expr: `${PI_CPU_TEMPERATURE} >= ${PI_TEMP_CRITICAL_C}`, for: '2m', severity: 'critical', summary: 'CPU of {{ $labels.instance }} at {{ $value }} °C', description: `The SoC of {{ $labels.instance }} is at or above ${PI_TEMP_CRITICAL_C} °C, where the firmware throttles hard.` },
        {
          // node-exporter does not expose the firmware's throttled flags (`vcgencmd get_throttled`); the
          // cpufreq collector does expose the current and maximum clock, so a hot node running well
          // below its maximum clock is throttling.
          alert: 'PiCPUThrottled',
          expr: `(avg by (instance) (node_cpu_scaling_frequency_hertz) / avg by (instance) (node_cpu_scaling_frequency_max_hertz) < 0.8) and on (instance) (${PI_CPU_TEMPERATURE} >= ${PI_THROTTLE_C})`,
          for: '10m',
          severity: 'warning',
          summary: '{{ $labels.instance }} is thermally throttled',
          description: `{{ $labels.instance }} runs at {{ $value | humanizePercentage }} of its maximum clock while above ${PI_THROTTLE_C} °C.`,
        },
      ],
    },
  ];
}

function workloadGroups(cluster: ClusterSpec): RuleGroup[] {
  const storage: AlertRule[] = [
    { alert: 'PersistentVolumeFillingUp', expr: 'kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.15', for: '5m', severity: 'warning', summary: 'Volume {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} is {{ $value | humanizePercentage }} free', description: 'The PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has less than 15 % free space.' },
  ];
  return [
    {
      name: 'workloads',
      rules: [
        { alert: 'PodCrashLooping', expr: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1', for: '10m', severity: 'warning', summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping', description: 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 10 minutes.' },
        { alert: 'PodRestartingOften', expr: 'increase(kube_pod_container_status_restarts_total[1h]) > 5', for: '0m', severity: 'warning', summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} restarts often', description: 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} restarted more than 5 times in the last hour (OOM kills count: check its last state).' },
        { alert: 'DeploymentReplicasUnavailable', expr: 'kube_deployment_status_replicas_unavailable > 0', for: '15m', severity: 'warning', summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has {{ $value }} unavailable replicas', description: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had unavailable replicas for 15 minutes.' },
        { alert: 'StatefulSetReplicasUnavailable', expr: 'kube_statefulset_status_replicas_ready < kube_statefulset_replicas', for: '15m', severity: 'warning', summary: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has unready replicas', description: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has had fewer ready replicas than desired for 15 minutes.' },
      ],
    },
    { name: 'storage', rules: storage },
    { name: 'iot-services', rules: serviceDownRules(cluster) },
  ];
}

/**
 * `scraped`: whether the app has a metrics target (PostgreSQL and Redis through their exporter
 * sidecars, InfluxDB itself; Mosquitto never — no arm64 exporter upstream).
 */
const serviceKinds: readonly { readonly type: AppType; readonly alert: string; readonly title: string; readonly exporterUp?: string; readonly scraped: (c: ClusterSpec) => boolean }[] = [
  { type: 'postgresql', alert: 'PostgreSQLDown', title: 'PostgreSQL', exporterUp: 'pg_up', scraped: (c) => c.spec.monitoring.exporters },
  { type: 'redis', alert: 'RedisDown', title: 'Redis', exporterUp: 'redis_up', scraped: (c) => c.spec.monitoring.exporters },
  { type: 'influxdb', alert: 'InfluxDBDown', title: 'InfluxDB', scraped: () => true },
  { type: 'mosquitto', alert: 'MosquittoDown', title: 'Mosquitto', scraped: () => false },
];

/**
 * A data service is down when its metrics target is down, its exporter cannot reach it, or its
 * workload has no ready replica (the last also works without exporters).
 */
function serviceDownRules(cluster: ClusterSpec): AlertRule[] {
  const ns = cluster.spec.namespace;
  return serviceKinds.flatMap((kind) => {
    const names = appsOfType(cluster, kind.type);
    if (names.length === 0) return [];
    const re = names.join('|');
    const scraped = kind.scraped(cluster);
    const parts = [
      ...(scraped ? [`up{job="${jobs.apps}",namespace="${ns}",app=~"${re}"} == 0`] : []),
      ...(scraped && kind.exporterUp ? [`${kind.exporterUp}{job="${jobs.apps}",namespace="${ns}",app=~"${re}"} == 0`] : []),
      `kube_statefulset_status_replicas_ready{namespace="${ns}",statefulset=~"${re}"} == 0`,
      `kube_deployment_status_replicas_available{namespace="${ns}",deployment=~"${re}"} == 0`,
    ];
    return [{ alert: kind.alert, expr: parts.map((p) => `(${p})`).join(' or '), for: '2m', severity: 'critical' as const, summary: `${kind.title} is down in ${ns}`, description: `${kind.title} ({{ $labels.app }}{{ $labels.statefulset }}{{ $labels.deployment }}) has been unreachable or without a ready replica for 2 minutes; the IoT services that depend on it fail.` }];
  });
}

function platformGroup(cluster: ClusterSpec): RuleGroup {
  const rules: AlertRule[] = [
    {
      alert: 'FluxReconciliationNotReady',
      expr: 'max by (exported_namespace, name, customresource_kind) (gotk_resource_info{customresource_kind=~"Kustomization|HelmRelease|GitRepository",ready="False",suspended!="true"}) > 0',
      for: '15m',
      severity: 'warning',
      summary: 'Flux {{ $labels.customresource_kind }} {{ $labels.exported_namespace }}/{{ $labels.name }} is not ready',
      description: 'Flux has failed to reconcile {{ $labels.customresource_kind }} {{ $labels.exported_namespace }}/{{ $labels.name }} for 15 minutes: the cluster no longer matches Git.',
    },
    { alert: 'PrometheusTargetDown', expr: 'up == 0', for: '10m', severity: 'warning', summary: 'Scrape target {{ $labels.job }}/{{ $labels.instance }} is down', description: 'Prometheus has failed to scrape {{ $labels.instance }} (job {{ $labels.job }}) for 10 minutes.' },
  ];
  if (tlsManaged(cluster)) {
    rules.push({
      // cert-manager renews at two thirds of a certificate's life (30 days before expiry for 90-day ones);
      // two weeks left means renewal has been failing for two weeks.
      alert: 'CertificateExpiringSoon',
      expr: '(certmanager_certificate_expiration_timestamp_seconds - time()) < 14 * 86400',
      for: '1h',
      severity: 'warning',
      summary: 'Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than 14 days',
      description: 'cert-manager has not renewed {{ $labels.namespace }}/{{ $labels.name }}; it expires in {{ $value | humanizeDuration }}.',
    });
  }
  return { name: 'platform', rules };
}

/** GitHub's heading anchor for an alert's runbook section (`### NodeDown` → `nodedown`). */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

/** https URL of the runbook file in the cluster's Git repository (browsable on GitHub/GitLab/Gitea). */
export function runbookBase(cluster: ClusterSpec): string {
  const { url, branch } = cluster.spec.git;
  const m = /^(?:ssh:\/\/)?(?:[^@]+@)?([^:/]+)[:/](?:\d+\/)?(.+?)(?:\.git)?$/.exec(url.replace(/^https?:\/\//, ''));
  const web = m ? `https://${m[1]}/${m[2]}` : url.replace(/\.git$/, '');
  return `${web}/blob/${branch}/${RUNBOOK_FILE}`;
}

export function alertGroups(cluster: ClusterSpec): RuleGroup[] {
  return [...nodeGroups(), ...workloadGroups(cluster), platformGroup(cluster)];
}

/** The rules file (Prometheus rule format) for one cluster, as data. */
export function rulesFile(cluster: ClusterSpec): object {
  const base = runbookBase(cluster);
  return {
    groups: alertGroups(cluster).map((group) => ({
      name: group.name,
      rules: group.rules.map((r) => ({
        alert: r.alert,
        expr: r.expr,
        for: r.for,
        labels: { severity: r.severity },
        annotations: { summary: r.summary, description: r.description, runbook_url: `${base}#${runbookAnchor(r.alert)}` },
      })),
    })),
  };
}
