import type { ClusterSpec } from '../../spec/types.js';
import { CERT_MANAGER_NAMESPACE, component, coreNamespace, hostNamespace, NAME_LABEL, ports } from './_common.js';

/** Where the Prometheus container finds its files. */
export const PROMETHEUS_PATHS = {
  config: '/etc/prometheus/config/prometheus.yml',
  rulesDir: '/etc/prometheus/rules',
  saToken: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  saCa: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
} as const;

/** Scrape job names; the alert rules, dashboards and the metric catalogue refer to these. */
export const jobs = {
  prometheus: 'prometheus',
  nodeExporter: 'node-exporter',
  kubeStateMetrics: 'kube-state-metrics',
  kubelet: 'kubelet',
  cadvisor: 'cadvisor',
  flux: 'flux-system',
  apps: 'iot-pods',
  certManager: 'cert-manager',
  stack: 'monitoring',
} as const;
export type JobName = (typeof jobs)[keyof typeof jobs];

/** TLS is managed (cert-manager runs) unless the spec turns TLS off. */
export function tlsManaged(cluster: ClusterSpec): boolean {
  return cluster.spec.platform.tls.mode !== 'none';
}

/** The jobs rendered for a cluster. */
export function scrapedJobs(cluster: ClusterSpec): JobName[] {
  const all: JobName[] = [jobs.prometheus, jobs.nodeExporter, jobs.kubeStateMetrics, jobs.kubelet, jobs.cadvisor, jobs.flux, jobs.apps, jobs.stack];
  return tlsManaged(cluster) ? [...all, jobs.certManager] : all;
}

const label = (name: string): string => `__meta_kubernetes_pod_label_${name.replace(/[^a-zA-Z0-9]/g, '_')}`;
const annotation = (name: string): string => `__meta_kubernetes_pod_annotation_${name.replace(/[^a-zA-Z0-9]/g, '_')}`;

/** Relabelling shared by pod jobs: namespace, pod, node (as `instance` where one pod per node) labels. */
const podLabels = [
  { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
  { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
  { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
];

/**
 * Pods that opt in with `prometheus.io/scrape: "true"`, scraped on `prometheus.io/port` at
 * `prometheus.io/path` (default /metrics). CONTRACT with the apps renderer: the apps and the exporter
 * sidecars (PostgreSQL 9187, Redis 9121) and InfluxDB (8086, /metrics) carry these
 * annotations; `app.kubernetes.io/name` (the app's key in the spec) becomes the `app` label.
 */
function annotatedPods(job: string, namespace: string): object {
  return {
    job_name: job,
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [namespace] } }],
    relabel_configs: [
      { source_labels: [annotation('prometheus.io/scrape')], regex: 'true', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed', action: 'drop' },
      { source_labels: [annotation('prometheus.io/path')], regex: '(.+)', target_label: '__metrics_path__' },
      {
        source_labels: ['__address__', annotation('prometheus.io/port')],
        regex: '([^:]+)(?::\\d+)?;(\\d+)',
        replacement: '$1:$2',
        target_label: '__address__',
      },
      { source_labels: [label(NAME_LABEL)], target_label: 'app' },
      ...podLabels,
    ],
  };
}

/**
 * The kubelet and cAdvisor are the biggest series producers on a node (cAdvisor: dozens of series per
 * container); a Pi-sized Prometheus keeps only what the rules and dashboards read.
 */
export const KUBELET_KEEP = ['kubelet_volume_stats_available_bytes', 'kubelet_volume_stats_capacity_bytes', 'kubelet_running_pods'] as const;
export const CADVISOR_KEEP = ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'] as const;

/** Kubelet endpoints (10250) of every node, with the ServiceAccount token (RBAC: nodes/metrics get). */
function kubeletJob(job: string, path: string, keep: readonly string[]): object {
  return {
    job_name: job,
    scheme: 'https',
    metrics_path: path,
    // K3s signs kubelet serving certificates with its server CA, the CA in the ServiceAccount volume;
    // the certificate names the node's IP, which is the discovered address.
    tls_config: { ca_file: PROMETHEUS_PATHS.saCa },
    authorization: { credentials_file: PROMETHEUS_PATHS.saToken },
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: [{ source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' }, { source_labels: ['__meta_kubernetes_node_name'], target_label: 'instance' }],
    metric_relabel_configs: [{ source_labels: ['__name__'], regex: keep.join('|'), action: 'keep' }],
  };
}

/** prometheus.yml for one cluster, as data (serialised with the one YAML serializer). */
export function prometheusConfig(cluster: ClusterSpec, ruleFilesDir: string = PROMETHEUS_PATHS.rulesDir): object {
  const core = coreNamespace(cluster);
  const scrape: object[] = [
    { job_name: jobs.prometheus, static_configs: [{ targets: [`localhost:${ports.prometheus}`] }] },
    {
      // hostNetwork pods: the pod IP is the node IP; `instance` becomes the node name for the dashboards.
      job_name: jobs.nodeExporter,
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [hostNamespace(cluster)] } }],
      relabel_configs: [
        { source_labels: [label(NAME_LABEL)], regex: component.nodeExporter, action: 'keep' },
        { source_labels: ['__address__'], regex: '([^:]+)(?::\\d+)?', replacement: `$1:${ports.nodeExporter}`, target_label: '__address__' },
        { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'instance' },
        ...podLabels,
      ],
    },
    {
      job_name: jobs.kubeStateMetrics,
      // kube-state-metrics reports other objects' namespaces; keep theirs, not its own.
      honor_labels: true,
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [core] } }],
      relabel_configs: [
        { source_labels: [label(NAME_LABEL)], regex: component.kubeStateMetrics, action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http-metrics', action: 'keep' },
      ],
    },
    kubeletJob(jobs.kubelet, '/metrics', KUBELET_KEEP),
    kubeletJob(jobs.cadvisor, '/metrics/cadvisor', CADVISOR_KEEP),
    {
      // Flux controllers expose metrics on the container port named http-prom (8080).
      job_name: jobs.flux,
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: ['flux-system'] } }],
      relabel_configs: [
        { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http-prom', action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed', action: 'drop' },
        { source_labels: ['__meta_kubernetes_pod_label_app'], target_label: 'controller' },
        ...podLabels,
      ],
    },
    annotatedPods(jobs.apps, cluster.spec.namespace),
    {
      // Loki, Grafana and Alloy on their `http` ports, so PrometheusTargetDown reports a silent log pipeline.
      job_name: jobs.stack,
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [core, hostNamespace(cluster)] } }],
      relabel_configs: [
        { source_labels: [label(NAME_LABEL)], regex: [component.loki, component.grafana, component.alloy].join('|'), action: 'keep' },
        { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http', action: 'keep' },
        { source_labels: [label(NAME_LABEL)], target_label: 'app' },
        ...podLabels,
      ],
      // Only liveness matters here (`up`); their own series would cost memory and nothing reads them.
      metric_relabel_configs: [{ source_labels: ['__name__'], regex: 'go_goroutines|process_resident_memory_bytes', action: 'keep' }],
    },
    ...(tlsManaged(cluster) ? [annotatedPods(jobs.certManager, CERT_MANAGER_NAMESPACE)] : []),
  ];
  return {
    global: { scrape_interval: '30s', scrape_timeout: '10s', evaluation_interval: '30s', external_labels: { cluster: cluster.metadata.name } },
    rule_files: [`${ruleFilesDir}/*.yaml`],
    scrape_configs: scrape,
  };
}
