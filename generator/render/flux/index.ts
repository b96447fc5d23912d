import type { LoadedSpec } from '../../spec/types.js';
import type { GeneratedFile } from '../files.js';
import { FLUX_NAMESPACE, FLUX_SOURCE_NAME, fluxKustomizations, layout } from '../layout.js';
import { yamlFile } from '../serialize.js';
import { kustomizeFile } from './kustomization.js';

/** Flux Kustomization (kustomize.toolkit.fluxcd.io/v1), typed by the fields we set. */
export interface FluxKustomization {
  readonly apiVersion: 'kustomize.toolkit.fluxcd.io/v1';
  readonly kind: 'Kustomization';
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: {
    readonly interval: string;
    readonly retryInterval: string;
    readonly timeout: string;
    readonly prune: true;
    readonly wait: boolean;
    readonly path: string;
    readonly sourceRef: { readonly kind: 'GitRepository'; readonly name: string };
    readonly dependsOn?: readonly { readonly name: string }[];
    readonly decryption?: { readonly provider: 'sops'; readonly secretRef: { readonly name: string } };
  };
}

/** Secret holding the age key when SOPS is on; created by the bootstrap from a local file. */
export const SOPS_AGE_SECRET = 'sops-age';

function fluxKustomization(spec: LoadedSpec, name: string, path: string, dependsOn: readonly string[], timeout: string): FluxKustomization {
  const sops = spec.cluster.spec.platform.secrets.mode === 'sops';
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: FLUX_NAMESPACE },
    spec: {
      interval: '1h',
      retryInterval: '1m',
      timeout,
      prune: true,
      wait: true,
      path: `./${path}`,
      sourceRef: { kind: 'GitRepository', name: FLUX_SOURCE_NAME },
      ...(dependsOn.length > 0 ? { dependsOn: dependsOn.map((d) => ({ name: d })) } : {}),
      ...(sops ? { decryption: { provider: 'sops', secretRef: { name: SOPS_AGE_SECRET } } } : {}),
    },
  };
}

/**
 * The Flux Operator's FluxInstance: Flux's own version is declared here, so an upgrade is a pull
 * request that changes one line (Renovate opens it); the operator installs and upgrades the controllers.
 */
export function fluxInstance(spec: LoadedSpec): object {
  const { git, flux } = spec.cluster.spec;
  return {
    apiVersion: 'fluxcd.controlplane.io/v1',
    kind: 'FluxInstance',
    metadata: {
      name: 'flux',
      namespace: FLUX_NAMESPACE,
      annotations: { 'fluxcd.controlplane.io/reconcileEvery': '1h', 'fluxcd.controlplane.io/reconcileTimeout': '5m' },
    },
    spec: {
      distribution: { version: flux.version, registry: 'ghcr.io/fluxcd' },
      components: ['source-controller', 'kustomize-controller', 'helm-controller', 'notification-controller'],
      cluster: { type: 'kubernetes', size: 'small', multitenant: false, networkPolicy: true, domain: 'cluster.local' },
      sync: {
        kind: 'GitRepository',
        url: git.url,
        ref: `refs/heads/${git.branch}`,
        path: layout.clusterDir(spec.cluster.metadata.name),
        pullSecret: FLUX_SOURCE_NAME,
        interval: git.interval,
      },
    },
  };
}

/** clusters/<name>/: the Flux entry point. The spec file beside it is never applied: kustomization.yaml lists what is. */
export function renderFluxEntry(spec: LoadedSpec): GeneratedFile[] {
  const name = spec.cluster.metadata.name;
  const source = spec.file;
  const dir = layout.clusterDir(name);
  const monitoring = spec.cluster.spec.monitoring.enabled;
  const infrastructure = [
    fluxKustomization(spec, fluxKustomizations.controllers, layout.infraControllers(name), [], '10m'),
    fluxKustomization(spec, fluxKustomizations.configs, layout.infraConfigs(name), [fluxKustomizations.controllers], '5m'),
  ];
  const apps = [
    fluxKustomization(spec, fluxKustomizations.apps, layout.apps(name), [fluxKustomizations.configs], '10m'),
    ...(monitoring ? [fluxKustomization(spec, fluxKustomizations.monitoring, layout.monitoring(name), [fluxKustomizations.configs], '10m')] : []),
  ];
  return [
    yamlFile(`${dir}/kustomization.yaml`, source, [kustomizeFile(['flux-system', 'infrastructure.yaml', 'apps.yaml'])]),
    yamlFile(`${dir}/infrastructure.yaml`, source, infrastructure),
    yamlFile(`${dir}/apps.yaml`, source, apps),
    yamlFile(`${layout.fluxSystem(name)}/kustomization.yaml`, source, [kustomizeFile(['flux-instance.yaml'])]),
    yamlFile(`${layout.fluxSystem(name)}/flux-instance.yaml`, source, [fluxInstance(spec)]),
  ];
}
