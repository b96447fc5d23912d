import type { ClusterRenderer, SharedRenderer } from '../compose.js';
import type { GeneratedFile } from '../files.js';
import { kustomizeFile } from '../flux/kustomization.js';
import { layout } from '../layout.js';
import { yamlFile } from '../serialize.js';
import { component } from './_common.js';
import { renderAlloyBase, renderAlloyOverlay } from './alloy.js';
import { renderGrafanaBase, renderGrafanaOverlay } from './grafana.js';
import { renderKubeStateMetricsBase, renderKubeStateMetricsOverlay } from './kube-state-metrics.js';
import { renderLokiBase, renderLokiOverlay } from './loki.js';
import { namespaces } from './namespaces.js';
import { networkPolicies } from './network-policies.js';
import { renderNodeExporterBase, renderNodeExporterOverlay } from './node-exporter.js';
import { renderPrometheusBase, renderPrometheusOverlay } from './prometheus.js';

const components = [
  { name: component.prometheus, base: renderPrometheusBase, overlay: renderPrometheusOverlay },
  { name: component.nodeExporter, base: renderNodeExporterBase, overlay: renderNodeExporterOverlay },
  { name: component.kubeStateMetrics, base: renderKubeStateMetricsBase, overlay: renderKubeStateMetricsOverlay },
  { name: component.grafana, base: renderGrafanaBase, overlay: renderGrafanaOverlay },
  { name: component.loki, base: renderLokiBase, overlay: renderLokiOverlay },
  { name: component.alloy, base: renderAlloyBase, overlay: renderAlloyOverlay },
] as const;

/** apps/base/monitoring/<component>/: rendered once, identical for every cluster, when any cluster enables monitoring. */
export const renderMonitoringBases: SharedRenderer = (specs) =>
  specs.some((s) => s.cluster.spec.monitoring.enabled) ? components.flatMap((c): GeneratedFile[] => c.base()) : [];

/** apps/<cluster>/monitoring/: namespaces, NetworkPolicies and one overlay per component; nothing when disabled. */
export const renderMonitoringOverlay: ClusterRenderer = (spec) => {
  if (!spec.cluster.spec.monitoring.enabled) return [];
  const dir = layout.monitoring(spec.cluster.metadata.name);
  return [
    yamlFile(`${dir}/kustomization.yaml`, spec.file, [kustomizeFile(['namespaces.yaml', 'networkpolicies.yaml', ...components.map((c) => c.name)])]),
    yamlFile(`${dir}/namespaces.yaml`, spec.file, namespaces(spec.cluster)),
    yamlFile(`${dir}/networkpolicies.yaml`, spec.file, networkPolicies(spec.cluster)),
    ...components.flatMap((c) => c.overlay(spec)),
  ];
};
