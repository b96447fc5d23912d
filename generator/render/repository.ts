import type { LoadedSpec } from '../spec/types.js';
import { renderBootstrap } from './bootstrap/index.js';
import { compose, type ClusterRenderer, type SharedRenderer } from './compose.js';
import { SHARED_SOURCE, textFile, type GeneratedFile } from './files.js';
import { renderAppBases, renderAppsOverlay } from './apps/index.js';
import { renderSopsConfig } from './apps/sops.js';
import { renderFluxEntry } from './flux/index.js';
import { renderInfraConfigs, renderInfraControllers, renderInfrastructureBases } from './infrastructure/index.js';
import { OWNED_ROOTS } from './layout.js';
import { renderMonitoringBases, renderMonitoringOverlay } from './monitoring/index.js';

/** Marks generated paths so pull-request reviews fold them. */
const renderGitattributes: SharedRenderer = () => [
  textFile(
    '.gitattributes',
    SHARED_SOURCE,
    [
      ...OWNED_ROOTS.map((root) => `${root}/** linguist-generated=true`),
      'clusters/*/cluster.yaml linguist-generated=false',
      'schemas/k8s/** linguist-generated=true',
      'docs/spec-reference.md linguist-generated=true',
      '*.sh text eol=lf',
      '*.yaml text eol=lf',
    ].join('\n'),
  ),
];

export const sharedRenderers: SharedRenderer[] = [renderGitattributes, renderAppBases, renderInfrastructureBases, renderSopsConfig, renderMonitoringBases];
export const clusterRenderers: ClusterRenderer[] = [renderFluxEntry, renderAppsOverlay, renderInfraControllers, renderInfraConfigs, renderMonitoringOverlay, renderBootstrap];

/** Spec(s) → every file of the Flux repository. Pure: same specs, same files, same bytes. */
export function renderRepository(specs: readonly LoadedSpec[]): GeneratedFile[] {
  return compose(sharedRenderers, clusterRenderers)(specs);
}
