/**
 * promtool unit tests, one pair per alert: a series that fires it (with the exact labels and
 * rendered annotations) and one that does not. Written for the pi5-lab spec (apps namespace `iot`,
 * TLS managed, exporters on). The test fails when an alert has no case or a case has no alert.
 */
export interface Series {
  readonly series: string;
  readonly values: string;
}

export interface AlertCase {
  readonly fires: {
    readonly series: readonly Series[];
    readonly at: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly summary: string;
    readonly description: string;
  };
  readonly quiet: { readonly series: readonly Series[]; readonly at: string };
  /** Interval between input samples. @default '1m' */
  readonly interval?: string;
}

const ksm = 'job="kube-state-metrics"';

export const alertCases: Readonly<Record<string, AlertCase>> = {
  NodeDown: {
    fires: { series: [{ series: 'up{job="node-exporter",instance="rpi-worker-01"}', values: '1 0x10' }], at: '6m', labels: { job: 'node-exporter', instance: 'rpi-worker-01', severity: 'critical' }, summary: 'Node rpi-worker-01 is unreachable', description: 'node-exporter on rpi-worker-01 has not answered for 3 minutes: the Pi is off, hung, or off the network.' },
    quiet: { series: [{ series: 'up{job="node-exporter",instance="rpi-worker-01"}', values: '1x10' }], at: '6m' },
  },
  NodeNotReady: {
    fires: { series: [{ series: `kube_node_status_condition{${ksm},node="rpi-worker-02",condition="Ready",status="true"}`, values: '0x10' }], at: '6m', labels: { job: 'kube-state-metrics', node: 'rpi-worker-02', condition: 'Ready', status: 'true', severity: 'critical' }, summary: 'Node rpi-worker-02 is NotReady', description: 'The kubelet on rpi-worker-02 has not reported Ready for 5 minutes; its pods will be evicted.' },
    quiet: { series: [{ series: `kube_node_status_condition{${ksm},node="rpi-worker-02",condition="Ready",status="true"}`, values: '1x10' }], at: '6m' },
  },
  NodeCPUHigh: {
    fires: { series: [{ series: 'node_cpu_seconds_total{instance="rpi-worker-01",cpu="0",mode="idle"}', values: '0+0x30' }], at: '25m', labels: { instance: 'rpi-worker-01', severity: 'warning' }, summary: 'CPU on rpi-worker-01 above 90 %', description: 'The four cores of rpi-worker-01 have been 100% busy for 15 minutes.' },
    quiet: { series: [{ series: 'node_cpu_seconds_total{instance="rpi-worker-01",cpu="0",mode="idle"}', values: '0+30x30' }], at: '25m' },
  },
  NodeMemoryLow: {
    fires: {
      series: [{ series: 'node_memory_MemAvailable_bytes{instance="rpi-worker-01"}', values: '1000000000x15' }, { series: 'node_memory_MemTotal_bytes{instance="rpi-worker-01"}', values: '16000000000x15' }],
      at: '12m', labels: { instance: 'rpi-worker-01', severity: 'warning' }, summary: 'Less than 10 % memory available on rpi-worker-01', description: 'Only 6.25% of memory is available on rpi-worker-01; the kubelet will start evicting pods.',
    },
    quiet: { series: [{ series: 'node_memory_MemAvailable_bytes{instance="rpi-worker-01"}', values: '8000000000x15' }, { series: 'node_memory_MemTotal_bytes{instance="rpi-worker-01"}', values: '16000000000x15' }], at: '12m' },
  },
  NodeDiskSpaceLow: {
    fires: {
      series: [
        { series: 'node_filesystem_avail_bytes{instance="rpi-worker-03",device="/dev/nvme0n1p1",fstype="ext4",mountpoint="/mnt/ssd"}', values: '5000000000x15' },
        { series: 'node_filesystem_size_bytes{instance="rpi-worker-03",device="/dev/nvme0n1p1",fstype="ext4",mountpoint="/mnt/ssd"}', values: '100000000000x15' },
        { series: 'node_filesystem_readonly{instance="rpi-worker-03",device="/dev/nvme0n1p1",fstype="ext4",mountpoint="/mnt/ssd"}', values: '0x15' },
      ],
      at: '12m', labels: { instance: 'rpi-worker-03', device: '/dev/nvme0n1p1', fstype: 'ext4', mountpoint: '/mnt/ssd', severity: 'warning' }, summary: 'Filesystem /mnt/ssd on rpi-worker-03 below 10 % free', description: '/mnt/ssd (/dev/nvme0n1p1) on rpi-worker-03 has 5% free.',
    },
    quiet: {
      series: [
        // A tmpfs is excluded even when full.
        { series: 'node_filesystem_avail_bytes{instance="rpi-worker-03",device="tmpfs",fstype="tmpfs",mountpoint="/run/user/1000"}', values: '0x15' },
        { series: 'node_filesystem_size_bytes{instance="rpi-worker-03",device="tmpfs",fstype="tmpfs",mountpoint="/run/user/1000"}', values: '100000000x15' },
        { series: 'node_filesystem_readonly{instance="rpi-worker-03",device="tmpfs",fstype="tmpfs",mountpoint="/run/user/1000"}', values: '0x15' },
        { series: 'node_filesystem_avail_bytes{instance="rpi-worker-03",device="/dev/nvme0n1p1",fstype="ext4",mountpoint="/mnt/ssd"}', values: '50000000000x15' },
        { series: 'node_filesystem_size_bytes{instance="rpi-worker-03",device="/dev/nvme0n1p1",fstype="ext4",mountpoint="/mnt/ssd"}', values: '100000000000x15' },
        { series: 'node_filesystem_readonly{instance="rpi-worker-03",device="/dev/nvme0n1p1",fstype="ext4",mountpoint="/mnt/ssd"}', values: '0x15' },
      ],
      at: '12m',
    },
  },
  NodeFilesystemFillingUp: {
    fires: {
      series: [
        { series: 'node_filesystem_avail_bytes{instance="rpi-worker-04",device="/dev/nvme0n1p1",fstype="ext4",mountpoint="/mnt/ssd"}', values: '30000000000-50000000x600' },
        { series: 'node_filesystem_size_bytes{instance="rpi-worker-04",device="/dev/nvme0n1p1",fstype="ext4",mountpoint="/mnt/ssd"}', values: '100000000000x600' },
      ],
      at: '8h', labels: { instance: 'rpi-worker-04', device: '/dev/nvme0n1p1', fstype: 'ext4', mountpoint: '/mnt/ssd', severity: 'warning' }, summary: 'Filesystem /mnt/ssd on rpi-worker-04 fills within 24 h', description: 'At the rate of the last 6 hours, /mnt/ssd on rpi-worker-04 will be full within a day.',
    },
    quiet: {
      series: [
        { series: 'node_filesystem_avail_bytes{instance="rpi-worker-04",device="/dev/nvme0n1p1",fstype="ext4",mountpoint="/mnt/ssd"}', values: '30000000000x600' },
        { series: 'node_filesystem_size_bytes{instance="rpi-worker-04",device="/dev/nvme0n1p1",fstype="ext4",mountpoint="/mnt/ssd"}', values: '100000000000x600' },
      ],
      at: '8h',
    },
  },
  NodePressure: {
    fires: { series: [{ series: `kube_node_status_condition{${ksm},node="rpi-worker-05",condition="DiskPressure",status="true"}`, values: '1x10' }], at: '6m', labels: { job: 'kube-state-metrics', node: 'rpi-worker-05', condition: 'DiskPressure', status: 'true', severity: 'warning' }, summary: 'Node rpi-worker-05 reports DiskPressure', description: 'The kubelet on rpi-worker-05 reports DiskPressure: it is evicting pods and refusing new ones.' },
    quiet: { series: [{ series: `kube_node_status_condition{${ksm},node="rpi-worker-05",condition="DiskPressure",status="false"}`, values: '1x10' }], at: '6m' },
  },
  PiCPUTemperatureHigh: {
    fires: { series: [{ series: 'node_thermal_zone_temp{instance="rpi-worker-01",type="cpu-thermal",zone="0"}', values: '78x15' }], at: '12m', labels: { instance: 'rpi-worker-01', severity: 'warning' }, summary: 'CPU of rpi-worker-01 at 78 °C', description: 'The SoC of rpi-worker-01 has been above 75 °C for 10 minutes; the firmware throttles from 80 °C. Check the fan and airflow.' },
    quiet: { series: [{ series: 'node_thermal_zone_temp{instance="rpi-worker-01",type="cpu-thermal",zone="0"}', values: '62x15' }], at: '12m' },
  },
  PiCPUTemperatureCritical: {
    // Fires from the hwmon collector alone (nodes where the thermal_zone collector is off).
    fires: { series: [{ series: 'node_hwmon_temp_celsius{instance="rpi-worker-02",chip="thermal_thermal_zone0",sensor="temp1"}', values: '86x5' }], at: '3m', labels: { instance: 'rpi-worker-02', severity: 'critical' }, summary: 'CPU of rpi-worker-02 at 86 °C', description: 'The SoC of rpi-worker-02 is at or above 85 °C, where the firmware throttles hard.' },
    quiet: { series: [{ series: 'node_hwmon_temp_celsius{instance="rpi-worker-02",chip="thermal_thermal_zone0",sensor="temp1"}', values: '84x5' }], at: '3m' },
  },
  PiCPUThrottled: {
    fires: {
      series: [
        { series: 'node_cpu_scaling_frequency_hertz{instance="rpi-worker-03",cpu="0"}', values: '1500000000x15' },
        { series: 'node_cpu_scaling_frequency_max_hertz{instance="rpi-worker-03",cpu="0"}', values: '2400000000x15' },
        { series: 'node_thermal_zone_temp{instance="rpi-worker-03",type="cpu-thermal",zone="0"}', values: '82x15' },
      ],
      at: '12m', labels: { instance: 'rpi-worker-03', severity: 'warning' }, summary: 'rpi-worker-03 is thermally throttled', description: 'rpi-worker-03 runs at 62.5% of its maximum clock while above 80 °C.',
    },
    // A cool node idling at a low clock is not throttled.
    quiet: {
      series: [
        { series: 'node_cpu_scaling_frequency_hertz{instance="rpi-worker-03",cpu="0"}', values: '1500000000x15' },
        { series: 'node_cpu_scaling_frequency_max_hertz{instance="rpi-worker-03",cpu="0"}', values: '2400000000x15' },
        { series: 'node_thermal_zone_temp{instance="rpi-worker-03",type="cpu-thermal",zone="0"}', values: '55x15' },
      ],
      at: '12m',
    },
  },
  PodCrashLooping: {
    fires: { series: [{ series: `kube_pod_container_status_waiting_reason{${ksm},namespace="iot",pod="api-service-7d9f-abcde",container="api-service",reason="CrashLoopBackOff"}`, values: '1x20' }], at: '15m', labels: { job: 'kube-state-metrics', namespace: 'iot', pod: 'api-service-7d9f-abcde', container: 'api-service', reason: 'CrashLoopBackOff', severity: 'warning' }, summary: 'Pod iot/api-service-7d9f-abcde is crash-looping', description: 'Container api-service of iot/api-service-7d9f-abcde has been in CrashLoopBackOff for 10 minutes.' },
    quiet: { series: [{ series: `kube_pod_container_status_waiting_reason{${ksm},namespace="iot",pod="api-service-7d9f-abcde",container="api-service",reason="ContainerCreating"}`, values: '1x20' }], at: '15m' },
  },
  PodRestartingOften: {
    fires: { series: [{ series: `kube_pod_container_status_restarts_total{${ksm},namespace="iot",pod="analytics-0",container="analytics"}`, values: '0+1x60' }], at: '60m', labels: { job: 'kube-state-metrics', namespace: 'iot', pod: 'analytics-0', container: 'analytics', severity: 'warning' }, summary: 'Pod iot/analytics-0 restarts often', description: 'Container analytics of iot/analytics-0 restarted more than 5 times in the last hour (OOM kills count: check its last state).' },
    quiet: { series: [{ series: `kube_pod_container_status_restarts_total{${ksm},namespace="iot",pod="analytics-0",container="analytics"}`, values: '0x30 1x30' }], at: '60m' },
  },
  DeploymentReplicasUnavailable: {
    fires: { series: [{ series: `kube_deployment_status_replicas_unavailable{${ksm},namespace="iot",deployment="api-service"}`, values: '1x20' }], at: '16m', labels: { job: 'kube-state-metrics', namespace: 'iot', deployment: 'api-service', severity: 'warning' }, summary: 'Deployment iot/api-service has 1 unavailable replicas', description: 'Deployment iot/api-service has had unavailable replicas for 15 minutes.' },
    quiet: { series: [{ series: `kube_deployment_status_replicas_unavailable{${ksm},namespace="iot",deployment="api-service"}`, values: '1x5 0x15' }], at: '16m' },
  },
  StatefulSetReplicasUnavailable: {
    fires: {
      series: [{ series: `kube_statefulset_status_replicas_ready{${ksm},namespace="monitoring",statefulset="loki"}`, values: '0x20' }, { series: `kube_statefulset_replicas{${ksm},namespace="monitoring",statefulset="loki"}`, values: '1x20' }],
      at: '16m', labels: { job: 'kube-state-metrics', namespace: 'monitoring', statefulset: 'loki', severity: 'warning' }, summary: 'StatefulSet monitoring/loki has unready replicas', description: 'StatefulSet monitoring/loki has had fewer ready replicas than desired for 15 minutes.',
    },
    quiet: { series: [{ series: `kube_statefulset_status_replicas_ready{${ksm},namespace="monitoring",statefulset="loki"}`, values: '1x20' }, { series: `kube_statefulset_replicas{${ksm},namespace="monitoring",statefulset="loki"}`, values: '1x20' }], at: '16m' },
  },
  PersistentVolumeFillingUp: {
    fires: {
      series: [
        { series: 'kubelet_volume_stats_available_bytes{job="kubelet",namespace="iot",persistentvolumeclaim="data-postgresql-0"}', values: '1000000000x10' },
        { series: 'kubelet_volume_stats_capacity_bytes{job="kubelet",namespace="iot",persistentvolumeclaim="data-postgresql-0"}', values: '10000000000x10' },
      ],
      at: '6m', labels: { job: 'kubelet', namespace: 'iot', persistentvolumeclaim: 'data-postgresql-0', severity: 'warning' }, summary: 'Volume data-postgresql-0 in iot is 10% free', description: 'The PVC iot/data-postgresql-0 has less than 15 % free space.',
    },
    quiet: {
      series: [
        { series: 'kubelet_volume_stats_available_bytes{job="kubelet",namespace="iot",persistentvolumeclaim="data-postgresql-0"}', values: '5000000000x10' },
        { series: 'kubelet_volume_stats_capacity_bytes{job="kubelet",namespace="iot",persistentvolumeclaim="data-postgresql-0"}', values: '10000000000x10' },
      ],
      at: '6m',
    },
  },
  PostgreSQLDown: {
    // The exporter is up but cannot reach PostgreSQL.
    fires: { series: [{ series: 'pg_up{job="iot-pods",namespace="iot",app="postgresql",pod="postgresql-0"}', values: '0x5' }], at: '3m', labels: { job: 'iot-pods', namespace: 'iot', app: 'postgresql', pod: 'postgresql-0', severity: 'critical' }, summary: 'PostgreSQL is down in iot', description: 'PostgreSQL (postgresql) has been unreachable or without a ready replica for 2 minutes; the IoT services that depend on it fail.' },
    quiet: {
      series: [
        { series: 'pg_up{job="iot-pods",namespace="iot",app="postgresql",pod="postgresql-0"}', values: '1x5' },
        { series: 'up{job="iot-pods",namespace="iot",app="postgresql",pod="postgresql-0"}', values: '1x5' },
        { series: `kube_statefulset_status_replicas_ready{${ksm},namespace="iot",statefulset="postgresql"}`, values: '1x5' },
        // Another namespace's PostgreSQL is not ours.
        { series: 'pg_up{job="iot-pods",namespace="other",app="postgresql",pod="postgresql-0"}', values: '0x5' },
      ],
      at: '3m',
    },
  },
  RedisDown: {
    // No ready replica, seen by kube-state-metrics (works without the exporter).
    fires: { series: [{ series: `kube_statefulset_status_replicas_ready{${ksm},namespace="iot",statefulset="redis"}`, values: '0x5' }], at: '3m', labels: { job: 'kube-state-metrics', namespace: 'iot', statefulset: 'redis', severity: 'critical' }, summary: 'Redis is down in iot', description: 'Redis (redis) has been unreachable or without a ready replica for 2 minutes; the IoT services that depend on it fail.' },
    quiet: { series: [{ series: `kube_statefulset_status_replicas_ready{${ksm},namespace="iot",statefulset="redis"}`, values: '1x5' }, { series: 'redis_up{job="iot-pods",namespace="iot",app="redis",pod="redis-0"}', values: '1x5' }], at: '3m' },
  },
  InfluxDBDown: {
    fires: { series: [{ series: 'up{job="iot-pods",namespace="iot",app="influxdb",pod="influxdb-0"}', values: '0x5' }], at: '3m', labels: { job: 'iot-pods', namespace: 'iot', app: 'influxdb', pod: 'influxdb-0', severity: 'critical' }, summary: 'InfluxDB is down in iot', description: 'InfluxDB (influxdb) has been unreachable or without a ready replica for 2 minutes; the IoT services that depend on it fail.' },
    quiet: { series: [{ series: 'up{job="iot-pods",namespace="iot",app="influxdb",pod="influxdb-0"}', values: '1x5' }, { series: 'up{job="iot-pods",namespace="iot",app="api-service",pod="api-service-1"}', values: '0x5' }], at: '3m' },
  },
  MosquittoDown: {
    fires: { series: [{ series: `kube_deployment_status_replicas_available{${ksm},namespace="iot",deployment="mosquitto"}`, values: '0x5' }], at: '3m', labels: { job: 'kube-state-metrics', namespace: 'iot', deployment: 'mosquitto', severity: 'critical' }, summary: 'Mosquitto is down in iot', description: 'Mosquitto (mosquitto) has been unreachable or without a ready replica for 2 minutes; the IoT services that depend on it fail.' },
    quiet: { series: [{ series: `kube_deployment_status_replicas_available{${ksm},namespace="iot",deployment="mosquitto"}`, values: '1x5' }, { series: `kube_statefulset_status_replicas_ready{${ksm},namespace="iot",statefulset="mosquitto"}`, values: '1x5' }], at: '3m' },
  },
  FluxReconciliationNotReady: {
    fires: {
      series: [{ series: `gotk_resource_info{${ksm},customresource_group="kustomize.toolkit.fluxcd.io",customresource_kind="Kustomization",customresource_version="v1",exported_namespace="flux-system",name="apps",ready="False",revision="main@sha1:abc"}`, values: '1x20' }],
      at: '16m', labels: { customresource_kind: 'Kustomization', exported_namespace: 'flux-system', name: 'apps', severity: 'warning' }, summary: 'Flux Kustomization flux-system/apps is not ready', description: 'Flux has failed to reconcile Kustomization flux-system/apps for 15 minutes: the cluster no longer matches Git.',
    },
    quiet: {
      series: [
        { series: `gotk_resource_info{${ksm},customresource_kind="Kustomization",exported_namespace="flux-system",name="apps",ready="True"}`, values: '1x20' },
        // A suspended object is not reconciled on purpose.
        { series: `gotk_resource_info{${ksm},customresource_kind="HelmRelease",exported_namespace="flux-system",name="traefik",ready="False",suspended="true"}`, values: '1x20' },
      ],
      at: '16m',
    },
  },
  PrometheusTargetDown: {
    fires: { series: [{ series: 'up{job="flux-system",instance="10.42.1.7:8080"}', values: '0x15' }], at: '11m', labels: { job: 'flux-system', instance: '10.42.1.7:8080', severity: 'warning' }, summary: 'Scrape target flux-system/10.42.1.7:8080 is down', description: 'Prometheus has failed to scrape 10.42.1.7:8080 (job flux-system) for 10 minutes.' },
    quiet: { series: [{ series: 'up{job="flux-system",instance="10.42.1.7:8080"}', values: '0x3 1x12' }], at: '11m' },
  },
  CertificateExpiringSoon: {
    fires: { series: [{ series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="monitoring",name="grafana-tls"}', values: '1000000x70' }], at: '1h', labels: { namespace: 'monitoring', name: 'grafana-tls', severity: 'warning' }, summary: 'Certificate monitoring/grafana-tls expires in less than 14 days', description: 'cert-manager has not renewed monitoring/grafana-tls; it expires in 11d 12h 46m 40s.' },
    quiet: { series: [{ series: 'certmanager_certificate_expiration_timestamp_seconds{namespace="monitoring",name="grafana-tls"}', values: '10000000x70' }], at: '1h' },
  },
};
