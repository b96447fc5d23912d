import { parseYamlSource, type ParsedYaml } from '../spec/yaml-source.js';
import type { RepoFs } from './fs.js';

const cache = new WeakMap<RepoFs, Map<string, { readonly bytes: Uint8Array; readonly parsed: ParsedYaml }>>();

/**
 * A repository YAML file parsed with positions, once per filesystem view (validate makes one view per
 * run): the files stage, the kustomize tree check and the image locator read the same kustomization
 * files. Findings carry the files stage's codes (E_FILE_*); other callers only ask whether there are any.
 */
export function parseRepoYaml(fs: RepoFs, file: string, bytes: Uint8Array): ParsedYaml {
  let byFile = cache.get(fs);
  if (!byFile) cache.set(fs, (byFile = new Map()));
  const hit = byFile.get(file);
  if (hit && hit.bytes === bytes) return hit.parsed; // the same read (cachedFs), not just the same path
  const parsed = parseYamlSource(file, bytes, { stage: 'files', codePrefix: 'E_FILE' });
  byFile.set(file, { bytes, parsed });
  return parsed;
}
