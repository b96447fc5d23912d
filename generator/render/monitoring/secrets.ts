import type { ClusterSpec } from '../../spec/types.js';
import type { RequiredSecret } from '../secrets.js';
import { appsOfType, secretNames } from '../apps/_model.js';

/** Grafana's admin login: user name `admin`, random password; read by Grafana from a file. */
export const GRAFANA_ADMIN_SECRET = { name: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' } as const;
/** The token Grafana's InfluxDB datasource sends: a copy, made by the bootstrap, of InfluxDB's admin token. */
export const GRAFANA_INFLUXDB_SECRET = { name: 'grafana-influxdb-token', tokenKey: 'token' } as const;
/** The org and bucket the InfluxDB app is initialised with (apps renderer: INFLUX_ORG, INFLUX_BUCKET). */
export const INFLUXDB_ORG = 'pi-gitops';
export const INFLUXDB_BUCKET = 'iot';

/** Credentials the monitoring stack references; the bootstrap creates them with random values. */
export function monitoringSecrets(cluster: ClusterSpec): RequiredSecret[] {
  const { monitoring } = cluster.spec;
  if (!monitoring.enabled) return [];
  const secrets: RequiredSecret[] = [
    {
      namespace: monitoring.namespace,
      name: GRAFANA_ADMIN_SECRET.name,
      keys: [
        { key: GRAFANA_ADMIN_SECRET.userKey, value: { literal: 'admin' } },
        { key: GRAFANA_ADMIN_SECRET.passwordKey, value: 'random' },
      ],
      description: 'Grafana admin login (read with `kubectl -n <ns> get secret grafana-admin -o jsonpath={.data.admin-password} | base64 -d`).',
    },
  ];
  if (appsOfType(cluster, 'influxdb').length > 0) {
    secrets.push({
      namespace: monitoring.namespace,
      name: GRAFANA_INFLUXDB_SECRET.name,
      // InfluxDB 2 accepts only the admin token's value up front, so Grafana presents that token.
      keys: [{ key: GRAFANA_INFLUXDB_SECRET.tokenKey, value: { copyOf: { namespace: cluster.spec.namespace, name: secretNames.influxAdmin(appsOfType(cluster, 'influxdb')[0]!), key: 'token' } } }],
      description: `InfluxDB read token for Grafana's datasource (org ${INFLUXDB_ORG}, bucket ${INFLUXDB_BUCKET}).`,
    });
  }
  return secrets;
}
