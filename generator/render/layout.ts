/**
 * Where everything goes in the rendered repository: the community layout of
 * flux2-kustomize-helm-example (clusters/, infrastructure/{controllers,configs}/, apps/{base,<cluster>}/).
 */
export const layout = {
  specFile: (cluster: string): string => `clusters/${cluster}/cluster.yaml`,
  clusterDir: (cluster: string): string => `clusters/${cluster}`,
  fluxSystem: (cluster: string): string => `clusters/${cluster}/flux-system`,
  infraControllers: (cluster: string): string => `infrastructure/controllers/${cluster}`,
  infraConfigs: (cluster: string): string => `infrastructure/configs/${cluster}`,
  infraBase: (component: string): string => `infrastructure/base/${component}`,
  apps: (cluster: string): string => `apps/${cluster}`,
  appBase: (app: string): string => `apps/base/${app}`,
  monitoring: (cluster: string): string => `apps/${cluster}/monitoring`,
  monitoringBase: (component: string): string => `apps/base/monitoring/${component}`,
  bootstrap: (cluster: string): string => `bootstrap/${cluster}`,
} as const;

/** Names of the Flux Kustomizations, chained infra-controllers → infra-configs → apps (and monitoring). */
export const fluxKustomizations = {
  controllers: 'infra-controllers',
  configs: 'infra-configs',
  apps: 'apps',
  monitoring: 'monitoring',
} as const;

export const FLUX_NAMESPACE = 'flux-system';
/** The GitRepository the Flux Operator creates from FluxInstance.spec.sync is named after its namespace. */
export const FLUX_SOURCE_NAME = 'flux-system';

/** Top-level folders whose generated files the writer owns. Hand-written files in them are never touched. */
export const OWNED_ROOTS = ['clusters', 'apps', 'infrastructure', 'bootstrap'] as const;
/** Top-level generated files. */
export const OWNED_FILES = ['.gitattributes', '.sops.yaml'] as const;

/** The cluster whose own folder holds a path, or undefined for shared files (bases, top-level files). */
export function clusterOfPath(path: string, clusters: readonly string[]): string | undefined {
  const parts = path.split('/');
  const candidates = [parts[0] === 'infrastructure' ? parts[2] : parts[1]];
  return candidates.find((c): c is string => c !== undefined && clusters.includes(c) && ['clusters', 'apps', 'infrastructure', 'bootstrap'].includes(parts[0]!));
}
