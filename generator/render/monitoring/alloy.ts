import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { ClusterSpec, LoadedSpec } from '../../spec/types.js';
import type { GeneratedFile } from '../files.js';
import { baseFiles, component, CONFIG_HASH_ANNOTATION, configMap, containerResources, contentHash, coreNamespace, hostNamespace, images, labels, overlayFiles, ports, selector } from './_common.js';

const name = component.alloy;

/**
 * Alloy tails the kubelet's pod logs from /var/log/pods and takes namespace, pod and container from
 * the path (`<namespace>_<pod>_<uid>/<container>/<n>.log`), so it needs no API access and no RBAC.
 */
export function alloyConfig(cluster: ClusterSpec): string {
  const loki = `http://loki.${coreNamespace(cluster)}.svc:${ports.loki}/loki/api/v1/push`;
  return `// Pod logs from this node's /var/log/pods, shipped to Loki.
local.file_match "pods" {
  path_targets = [{"__path__" = "/var/log/pods/*/*/*.log"}]
  sync_period  = "10s"
}

loki.source.file "pods" {
  targets    = local.file_match.pods.targets
  forward_to = [loki.process.pods.receiver]
}

loki.process "pods" {
  stage.cri {}

  stage.regex {
    source     = "filename"
    expression = "^/var/log/pods/(?P<namespace>[^_]+)_(?P<pod>[^_]+)_[^/]+/(?P<container>[^/]+)/"
  }

  stage.labels {
    values = { namespace = "", pod = "", container = "" }
  }

  stage.static_labels {
    values = { node = sys.env("NODE_NAME") }
  }

  stage.label_drop {
    values = ["filename"]
  }

  forward_to = [loki.write.loki.receiver]
}

loki.write "loki" {
  endpoint {
    url = "${loki}"
  }
  external_labels = { cluster = "${cluster.metadata.name}" }
}
`;
}

/**
 * hostPath mounts (/var/log/pods read-only; /var/lib/alloy for read positions) are why Alloy lives
 * in the host namespace. It runs as root only to read root-owned 0640 log files: no capabilities,
 * no privilege escalation, read-only root filesystem.
 */
function daemonSet(): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name,
      labels: labels(name),
      // The policy check's suppression format, `<rule>: <reason>` (entries split on ';', so none inside the reason).
      annotations: { 'pi-gitops.dev/allow': 'run-as-non-root: reads the kubelet\'s root-owned 0640 logs in /var/log/pods (no capabilities, no privilege escalation, read-only root filesystem)' },
    },
    spec: {
      selector: selector(name),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: labels(name) },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          tolerations: [{ operator: 'Exists' }],
          securityContext: { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name,
              image: images.alloy,
              args: ['run', `--server.http.listen-addr=0.0.0.0:${ports.alloy}`, '--storage.path=/var/lib/alloy/data', '--disable-reporting', '/etc/alloy/config.alloy'],
              env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
              ports: [{ name: 'http', containerPort: ports.alloy }],
              readinessProbe: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 10 },
              livenessProbe: { httpGet: { path: '/-/healthy', port: 'http' }, periodSeconds: 30, failureThreshold: 4 },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'config', mountPath: '/etc/alloy', readOnly: true },
                { name: 'pods', mountPath: '/var/log/pods', readOnly: true },
                { name: 'state', mountPath: '/var/lib/alloy' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: 'alloy-config' } },
            { name: 'pods', hostPath: { path: '/var/log/pods', type: 'Directory' } },
            { name: 'state', hostPath: { path: '/var/lib/alloy', type: 'DirectoryOrCreate' } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  };
}

export function renderAlloyBase(): GeneratedFile[] {
  const sa: ServiceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, labels: labels(name) }, automountServiceAccountToken: false };
  return baseFiles(name, { 'serviceaccount.yaml': [sa], 'daemonset.yaml': [daemonSet()] });
}

export function renderAlloyOverlay(spec: LoadedSpec): GeneratedFile[] {
  const config = alloyConfig(spec.cluster);
  const patch = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      template: {
        metadata: { annotations: { [CONFIG_HASH_ANNOTATION]: contentHash(config) } },
        spec: { containers: [{ name, resources: containerResources(spec.cluster.spec.monitoring.resources.alloy) }] },
      },
    },
  };
  return overlayFiles(spec, name, hostNamespace(spec.cluster), { 'configmap.yaml': [configMap('alloy-config', { 'config.alloy': config }, name)] }, { 'patch-daemonset.yaml': [patch] });
}
