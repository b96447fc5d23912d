import type { ClusterSpec } from '../../spec/types.js';
import type { RequiredSecret } from '../secrets.js';

/** Credentials the IoT apps and data services reference (filled in with the apps renderer). */
export function appSecrets(_cluster: ClusterSpec): RequiredSecret[] {
  return [];
}
