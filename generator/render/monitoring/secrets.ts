import type { ClusterSpec } from '../../spec/types.js';
import type { RequiredSecret } from '../secrets.js';

/** Credentials the monitoring stack references (filled in with the monitoring renderer). */
export function monitoringSecrets(_cluster: ClusterSpec): RequiredSecret[] {
  return [];
}
