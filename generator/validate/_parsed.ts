import type { Finding } from '../findings.js';
import type { SourcePosition } from '../spec/types.js';
import { locateIn, parseYamlSource, yamlText, type LocateOptions } from '../spec/yaml-source.js';
import { readYamlSubset, type PositionedDocuments } from '../spec/yaml-subset.js';
import type { RepoFs } from './fs.js';

/** A repository YAML file: its documents' values, and positions found on demand. */
export interface RepoYaml {
  /** Plain values, one per document; undefined where the document did not parse. */
  readonly values: readonly unknown[];
  /** E_FILE_* findings (syntax, duplicate keys, aliases, encoding, size). */
  readonly findings: readonly Finding[];
  /** Whether document i failed to parse. */
  failed(i: number): boolean;
  /** Where document i's content starts. */
  start(i: number): SourcePosition | undefined;
  /** Where a field of document i is written (see locateIn). */
  locate(i: number, path: readonly (string | number)[], options?: LocateOptions): SourcePosition | undefined;
}

const cache = new WeakMap<RepoFs, Map<string, { readonly bytes: Uint8Array; readonly parsed: RepoYaml }>>();

/**
 * A repository YAML file, parsed once per filesystem view (validate makes one view per run): the files
 * stage, the kustomize tree check and the image locator read the same kustomization files. Findings
 * carry the files stage's codes (E_FILE_*); other callers only ask whether there are any.
 */
export function parseRepoYaml(fs: RepoFs, file: string, bytes: Uint8Array): RepoYaml {
  let byFile = cache.get(fs);
  if (!byFile) cache.set(fs, (byFile = new Map()));
  const hit = byFile.get(file);
  if (hit && hit.bytes === bytes) return hit.parsed; // the same read (cachedFs), not just the same path
  const parsed = readRepoYaml(file, bytes);
  byFile.set(file, { bytes, parsed });
  return parsed;
}

/**
 * Plain block YAML (what generators and kustomize write, nearly every manifest) goes through the subset
 * reader, which gives yaml's values without building its positioned tree (positions are read again
 * only when a finding asks where a field is); the full parse runs for everything else.
 */
function readRepoYaml(file: string, bytes: Uint8Array): RepoYaml {
  const text = yamlText(bytes);
  const subset = text === undefined ? undefined : readYamlSubset(text);
  if (subset) {
    let positioned: PositionedDocuments | undefined;
    return {
      values: subset.values,
      findings: [],
      failed: () => false,
      start: (i) => subset.starts[i],
      // Read again, recording positions: still the subset, and cheaper than yaml's tree.
      locate: (i, path, options) => (positioned ??= readYamlSubset(text!, { positions: true })!).locate(i, path, options),
    };
  }
  const parsed = parseYamlSource(file, bytes, { stage: 'files', codePrefix: 'E_FILE' });
  return {
    values: parsed.values,
    findings: parsed.findings,
    failed: (i) => (parsed.documents[i]?.errors.length ?? 0) > 0,
    start: (i) => { const document = parsed.documents[i]; return document && locateIn(document, parsed.lineCounter, []); },
    locate: (i, path, options) => { const document = parsed.documents[i]; return document && locateIn(document, parsed.lineCounter, path, options); },
  };
}
