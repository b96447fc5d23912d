import type { ClusterSpec } from '../spec/types.js';
import { appSecrets } from './apps/secrets.js';
import { monitoringSecrets } from './monitoring/secrets.js';

/**
 * Secrets the rendered manifests reference but never contain. The bootstrap creates each one on the
 * cluster with random values when absent (never overwriting); with SOPS the user may commit them
 * encrypted instead. The validator accepts references to exactly these as "created by the bootstrap".
 */
export interface RequiredSecret {
  readonly namespace: string;
  readonly name: string;
  /** Keys the bootstrap fills with random values (or fixed non-secret values such as a username). */
  readonly keys: readonly SecretKey[];
  readonly description: string;
}

export interface SecretKey {
  readonly key: string;
  /**
   * 'random': a generated password/token; `literal`: a non-secret value such as a user name;
   * `copyOf`: the value of another required Secret's key (a token one service issues and another
   * presents, e.g. InfluxDB's admin token for Grafana's datasource, across namespaces).
   */
  readonly value: 'random' | { readonly literal: string } | { readonly copyOf: { readonly namespace: string; readonly name: string; readonly key: string } };
}

/** Every Secret one cluster needs, in a stable order (namespace, name). */
export function requiredSecrets(cluster: ClusterSpec): RequiredSecret[] {
  return [...appSecrets(cluster), ...monitoringSecrets(cluster)].sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
}
