import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Service, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { Ingress } from 'kubernetes-types/networking/v1.js';
import type { ClusterSpec, LoadedSpec } from '../../spec/types.js';
import type { GeneratedFile } from '../files.js';
import { yamlDocument } from '../serialize.js';
import {
  baseFiles, component, CONFIG_HASH_ANNOTATION, configMap, containerResources, contentHash, coreNamespace, images, labels, overlayFiles, ports,
  restrictedContainer, restrictedPod, selector,
} from './_common.js';
import { appsOfType } from '../apps/_model.js';
import { DATASOURCE_UID, dashboards } from './grafana-dashboards.js';
import { GRAFANA_ADMIN_SECRET, GRAFANA_INFLUXDB_SECRET, INFLUXDB_BUCKET, INFLUXDB_ORG } from './secrets.js';

const name = component.grafana;
const SECRETS_DIR = '/etc/grafana/secrets';
/** cert-manager ClusterIssuer rendered by the infrastructure owner. */
export const CLUSTER_ISSUER = 'pi-gitops-issuer';

export function grafanaHost(cluster: ClusterSpec): string {
  return cluster.spec.monitoring.grafanaHost ?? `grafana.${cluster.spec.domain}`;
}

/** The InfluxDB app Grafana reads, if the spec has one (the first by name). */
function influxApp(cluster: ClusterSpec): { readonly name: string; readonly port: number } | undefined {
  const [first] = appsOfType(cluster, 'influxdb');
  return first === undefined ? undefined : { name: first, port: cluster.spec.apps[first]?.port ?? ports.influxdb };
}

/** Provisioned datasources; dashboards refer to them by uid. */
export function datasources(cluster: ClusterSpec): object {
  const influx = influxApp(cluster);
  return {
    apiVersion: 1,
    datasources: [
      { name: 'Prometheus', uid: DATASOURCE_UID.prometheus, type: 'prometheus', access: 'proxy', url: `http://prometheus:${ports.prometheus}`, isDefault: true, editable: false, jsonData: { timeInterval: '30s' } },
      { name: 'Loki', uid: DATASOURCE_UID.loki, type: 'loki', access: 'proxy', url: `http://loki:${ports.loki}`, editable: false, jsonData: { maxLines: 1000 } },
      ...(influx
        ? [{
            name: 'InfluxDB',
            uid: DATASOURCE_UID.influxdb,
            type: 'influxdb',
            access: 'proxy',
            url: `http://${influx.name}.${cluster.spec.namespace}.svc:${influx.port}`,
            editable: false,
            jsonData: { version: 'Flux', organization: INFLUXDB_ORG, defaultBucket: INFLUXDB_BUCKET },
            // Grafana expands $__file{…} at provisioning: the token never appears in Git or in an env var.
            secureJsonData: { token: `$__file{${SECRETS_DIR}/influxdb/${GRAFANA_INFLUXDB_SECRET.tokenKey}}` },
          }]
        : []),
    ],
  };
}

const dashboardProvider = {
  apiVersion: 1,
  providers: [{ name: 'pi-gitops', orgId: 1, type: 'file', disableDeletion: true, allowUiUpdates: false, options: { path: '/var/lib/grafana-dashboards' } }],
};

function deployment(): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labels(name) },
    spec: {
      replicas: 1,
      selector: selector(name),
      template: {
        metadata: { labels: labels(name) },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          securityContext: restrictedPod(472), // the grafana user of the image
          containers: [
            {
              name,
              image: images.grafana,
              env: [
                { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: GRAFANA_ADMIN_SECRET.name, key: GRAFANA_ADMIN_SECRET.userKey } } },
                { name: 'GF_SECURITY_ADMIN_PASSWORD__FILE', value: `${SECRETS_DIR}/admin/${GRAFANA_ADMIN_SECRET.passwordKey}` },
                { name: 'GF_PATHS_DATA', value: '/var/lib/grafana' },
                { name: 'GF_PATHS_PROVISIONING', value: '/etc/grafana/provisioning' },
                { name: 'GF_AUTH_ANONYMOUS_ENABLED', value: 'false' },
                { name: 'GF_USERS_ALLOW_SIGN_UP', value: 'false' },
                { name: 'GF_ANALYTICS_REPORTING_ENABLED', value: 'false' },
                { name: 'GF_ANALYTICS_CHECK_FOR_UPDATES', value: 'false' },
                // No plugin downloads at start: the pod has no Internet egress.
                { name: 'GF_PLUGINS_PREINSTALL_DISABLED', value: 'true' },
                { name: 'GF_LOG_MODE', value: 'console' },
              ],
              ports: [{ name: 'http', containerPort: ports.grafana }],
              readinessProbe: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 10 },
              livenessProbe: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 30, failureThreshold: 4 },
              startupProbe: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 10, failureThreshold: 30 },
              securityContext: restrictedContainer,
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/grafana' },
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'datasources', mountPath: '/etc/grafana/provisioning/datasources', readOnly: true },
                { name: 'dashboard-provider', mountPath: '/etc/grafana/provisioning/dashboards', readOnly: true },
                { name: 'dashboards', mountPath: '/var/lib/grafana-dashboards', readOnly: true },
                { name: 'admin', mountPath: `${SECRETS_DIR}/admin`, readOnly: true },
                { name: 'influxdb', mountPath: `${SECRETS_DIR}/influxdb`, readOnly: true },
              ],
            },
          ],
          volumes: [
            // Everything Grafana keeps is provisioned from Git, so its database can be an emptyDir.
            { name: 'data', emptyDir: { sizeLimit: '256Mi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            { name: 'datasources', configMap: { name: 'grafana-datasources' } },
            { name: 'dashboard-provider', configMap: { name: 'grafana-dashboard-provider' } },
            { name: 'dashboards', configMap: { name: 'grafana-dashboards' } },
            { name: 'admin', secret: { secretName: GRAFANA_ADMIN_SECRET.name, items: [{ key: GRAFANA_ADMIN_SECRET.passwordKey, path: GRAFANA_ADMIN_SECRET.passwordKey }] } },
            // Optional: clusters without InfluxDB have no such Secret.
            { name: 'influxdb', secret: { secretName: GRAFANA_INFLUXDB_SECRET.name, optional: true } },
          ],
        },
      },
    },
  };
}

export function renderGrafanaBase(): GeneratedFile[] {
  const sa: ServiceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, labels: labels(name) }, automountServiceAccountToken: false };
  const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: labels(name) }, spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'http', port: ports.grafana, targetPort: 'http' }] } };
  return baseFiles(name, {
    'serviceaccount.yaml': [sa],
    'configmap.yaml': [configMap('grafana-dashboard-provider', { 'provider.yaml': yamlDocument(dashboardProvider) }, name), configMap('grafana-dashboards', dashboards(), name)],
    'deployment.yaml': [deployment()],
    'service.yaml': [svc],
  });
}

export function renderGrafanaOverlay(spec: LoadedSpec): GeneratedFile[] {
  const cluster = spec.cluster;
  const host = grafanaHost(cluster);
  const tls = cluster.spec.platform.tls.mode !== 'none';
  const ds = yamlDocument(datasources(cluster));
  const ingress: Ingress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, labels: labels(name), ...(tls ? { annotations: { 'cert-manager.io/cluster-issuer': CLUSTER_ISSUER } } : {}) },
    spec: {
      ingressClassName: cluster.spec.platform.ingress.className,
      ...(tls ? { tls: [{ hosts: [host], secretName: 'grafana-tls' }] } : {}),
      rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }] } }],
    },
  };
  const patch = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      template: {
        metadata: { annotations: { [CONFIG_HASH_ANNOTATION]: contentHash(ds, ...Object.values(dashboards())) } },
        spec: {
          containers: [{ name, env: [{ name: 'GF_SERVER_ROOT_URL', value: `${tls ? 'https' : 'http'}://${host}/` }], resources: containerResources(cluster.spec.monitoring.resources.grafana) }],
        },
      },
    },
  };
  return overlayFiles(spec, name, coreNamespace(cluster), { 'configmap.yaml': [configMap('grafana-datasources', { 'datasources.yaml': ds }, name)], 'ingress.yaml': [ingress] }, { 'patch-deployment.yaml': [patch] });
}
