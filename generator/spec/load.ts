import type { Finding } from '../findings.js';
import { checkSchema, type Locate } from './schema.js';
import { checkSemantics } from './semantics.js';
import type { ClusterSpec, LoadedSpec } from './types.js';
import { isEmptyDocument, locateIn, parseYamlSource, yamlText } from './yaml-source.js';
import { readYamlSubset } from './yaml-subset.js';

export interface SpecResult {
  /** Present only when the spec is usable (no error findings). */
  readonly spec?: LoadedSpec;
  readonly findings: readonly Finding[];
}

/** Parses, schema-checks (filling defaults) and semantically checks one cluster spec. Pure: bytes in, spec or findings out. */
export function loadSpec(file: string, bytes: Uint8Array | string): SpecResult {
  const fast = readOneDocument(bytes);
  if (fast) return checkSpec(file, fast.value, fast.locate);
  const parsed = parseYamlSource(file, bytes, { stage: 'spec', codePrefix: 'E_SPEC' });
  if (parsed.findings.length > 0) return { findings: parsed.findings };
  // Documents with content; an empty one (a trailing `---`, a comment-only file) holds no spec.
  const documents = parsed.documents.map((document, index) => ({ document, value: parsed.values[index] })).filter(({ document }) => !isEmptyDocument(document.contents));
  if (documents.length === 0) {
    return { findings: [{ stage: 'spec', code: 'E_SPEC_EMPTY', severity: 'error', file, position: { line: 1, column: 1 }, message: 'the file holds no cluster spec', expected: 'a cluster spec', found: 'nothing', hint: 'start from `pi-gitops init NAME`' }] };
  }
  if (documents.length > 1) {
    const second = parsed.lineCounter.linePos(documents[1]!.document.range[0]);
    return {
      findings: [{ stage: 'spec', code: 'E_SPEC_DOCUMENTS', severity: 'error', file, position: { line: second.line, column: second.col }, message: `a cluster spec is one YAML document; found ${documents.length}`, expected: '1 document', found: `${documents.length} documents`, hint: 'remove the --- separator and what follows it, or put each cluster in its own clusters/<name>/cluster.yaml' }],
    };
  }
  const { document, value } = documents[0]!;
  return checkSpec(file, value, (path, options) => locateIn(document, parsed.lineCounter, path, options));
}

/**
 * The one document of a spec in the YAML subset people write (block style, one-line flow mappings and
 * lists), with positions, read without loading yaml; undefined for anything else (more or fewer
 * documents, anchors, errors …), which the full parse reads and reports on.
 */
function readOneDocument(bytes: Uint8Array | string): { value: unknown; locate: Locate } | undefined {
  const text = yamlText(bytes);
  const read = text === undefined ? undefined : readYamlSubset(text, { positions: true });
  if (!read || read.values.length !== 1 || read.values[0] === null) return undefined;
  return { value: read.values[0], locate: (path, options) => read.locate(0, path, options) };
}

function checkSpec(file: string, value: unknown, locate: Locate): SpecResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      findings: [{ stage: 'spec', code: 'E_SPEC_SCHEMA', severity: 'error', file, position: { line: 1, column: 1 }, message: 'a cluster spec is a mapping with apiVersion, kind, metadata and spec', hint: 'start from `pi-gitops init NAME`' }],
    };
  }
  const schemaFindings = checkSchema(file, value, locate);
  if (schemaFindings.length > 0) return { findings: schemaFindings };
  const cluster = value as ClusterSpec;
  const semanticFindings = checkSemantics(file, cluster, locate);
  if (semanticFindings.some((f) => f.severity === 'error')) return { findings: semanticFindings };
  return { spec: { file, cluster, locate }, findings: semanticFindings };
}
