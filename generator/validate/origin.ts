import type { Finding } from '../findings.js';
import type { LoadedSpec } from '../spec/types.js';
import { meta } from './_kinds.js';
import type { BuiltObject } from './types.js';

/**
 * For a generated repository, the spec field an object comes from: objects labelled
 * app.kubernetes.io/name=<app> come from spec.apps.<app>; objects in the monitoring namespace from
 * spec.monitoring; the FluxInstance from spec.flux.
 */
export function originOf(built: BuiltObject, spec: LoadedSpec | undefined): Finding['origin'] | undefined {
  if (!spec) return undefined;
  const m = meta(built.object);
  const body = spec.cluster.spec;
  const field = (path: (string | number)[]): Finding['origin'] => {
    // loadSpec's locator also takes {key: true}: point at `device-management:`, not the mapping under it.
    const locate = spec.locate as (path: readonly (string | number)[], options?: { readonly key?: boolean }) => ReturnType<LoadedSpec['locate']>;
    const position = locate(path, { key: true });
    return { file: spec.file, path: path.join('.'), ...(position ? { position } : {}) };
  };
  const app = m.labels['app.kubernetes.io/name'] ?? m.labels['app.kubernetes.io/instance'];
  if (app && Object.hasOwn(body.apps, app)) return field(['spec', 'apps', app]);
  if (built.object.kind === 'FluxInstance') return field(['spec', 'flux']);
  if (body.monitoring.enabled && m.namespace === body.monitoring.namespace) return field(['spec', 'monitoring']);
  return undefined;
}
