import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { LoadedSpec } from '../../spec/types.js';
import type { GeneratedFile } from '../files.js';
import { baseFiles, component, containerResources, hostNamespace, images, labels, overlayFiles, ports, selector } from './_common.js';

const name = component.nodeExporter;

/**
 * node-exporter reads the host's /proc, /sys and root filesystem and listens on the node's network
 * (hostNetwork, hostPort 9100 — the budget's hostPort check counts it, FACTS.md "The stack"). That is
 * the explicit Pod Security exception of the `<monitoring>-host` namespace. Everything else is locked:
 * non-root, read-only mounts and root filesystem, no capabilities, no token.
 */
function daemonSet(): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, labels: labels(name) },
    spec: {
      selector: selector(name),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: labels(name) },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          hostNetwork: true,
          hostPID: true,
          dnsPolicy: 'ClusterFirstWithHostNet',
          priorityClassName: 'system-node-critical',
          // Every node, servers and tainted nodes included: a node without metrics is a blind spot.
          tolerations: [{ operator: 'Exists' }],
          securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name,
              image: images.nodeExporter,
              args: [
                '--path.procfs=/host/proc',
                '--path.sysfs=/host/sys',
                '--path.rootfs=/host/root',
                `--web.listen-address=:${ports.nodeExporter}`,
                '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/kubelet/pods|var/lib/rancher/k3s/agent/containerd)($|/)',
                '--collector.netclass.ignored-devices=^(veth.*|cni.*|flannel.*)$',
                '--collector.netdev.device-exclude=^(veth.*|cni.*|flannel.*)$',
              ],
              ports: [{ name: 'metrics', containerPort: ports.nodeExporter, hostPort: ports.nodeExporter, protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/', port: ports.nodeExporter }, periodSeconds: 15 },
              livenessProbe: { httpGet: { path: '/', port: ports.nodeExporter }, periodSeconds: 30, failureThreshold: 4 },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'proc', mountPath: '/host/proc', readOnly: true },
                { name: 'sys', mountPath: '/host/sys', readOnly: true },
                { name: 'root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer' },
              ],
            },
          ],
          volumes: [
            { name: 'proc', hostPath: { path: '/proc' } },
            { name: 'sys', hostPath: { path: '/sys' } },
            { name: 'root', hostPath: { path: '/' } },
          ],
        },
      },
    },
  };
}

export function renderNodeExporterBase(): GeneratedFile[] {
  const sa: ServiceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, labels: labels(name) }, automountServiceAccountToken: false };
  return baseFiles(name, { 'serviceaccount.yaml': [sa], 'daemonset.yaml': [daemonSet()] });
}

export function renderNodeExporterOverlay(spec: LoadedSpec): GeneratedFile[] {
  const patch = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: { template: { spec: { containers: [{ name, resources: containerResources(spec.cluster.spec.monitoring.resources.nodeExporter) }] } } },
  };
  return overlayFiles(spec, name, hostNamespace(spec.cluster), {}, { 'patch-daemonset.yaml': [patch] });
}
