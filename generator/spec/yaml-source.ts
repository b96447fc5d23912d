import { createRequire } from 'node:module';
import type { Document, LineCounter, Node } from 'yaml';
import type { Finding, Stage } from '../findings.js';
import type { SourcePosition } from './types.js';
import { readYamlSubset } from './yaml-subset.js';

/**
 * yaml, loaded on first use: most files go through the subset reader (yaml-subset.ts) and most
 * documents through the writer (render/yaml-emit.ts), and loading yaml costs more than they do.
 * Node resolves `import 'yaml'` to this same CommonJS build.
 */
let loaded: typeof import('yaml') | undefined;
export function yaml(): typeof import('yaml') {
  return (loaded ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
}

/** Most aliases one file may expand; a "billion laughs" file trips this long before it costs memory. */
export const MAX_ALIASES = 100;
/** Largest YAML file we read (a generated repository's biggest file is a Grafana dashboard, ~60 KiB). */
export const MAX_FILE_BYTES = 1024 * 1024;

export interface ParsedYaml {
  readonly documents: readonly Document.Parsed[];
  readonly lineCounter: LineCounter;
  /** Plain values, one per document; undefined where the document did not parse. */
  readonly values: readonly unknown[];
  readonly findings: readonly Finding[];
}

export interface ParseOptions {
  readonly stage: Stage;
  /** Prefix for finding codes, e.g. E_SPEC or E_FILE. */
  readonly codePrefix: string;
}

/**
 * Decodes and parses a YAML file with source positions. Never throws: syntax errors, duplicate keys,
 * alias bombs, tabs in indentation and invalid UTF-8 all come back as findings with line and column.
 */
export function parseYamlSource(file: string, bytes: Uint8Array | string, options: ParseOptions): ParsedYaml {
  const lineCounter = new (yaml().LineCounter)();
  const { stage, codePrefix } = options;
  const findings: Finding[] = [];
  const fail = (code: string, message: string, position: SourcePosition | undefined, hint?: string): ParsedYaml => ({
    documents: [],
    lineCounter,
    values: [],
    findings: [{ stage, code: `${codePrefix}_${code}`, severity: 'error', file, message, ...(position ? { position } : {}), ...(hint ? { hint } : {}) }],
  });

  if (typeof bytes !== 'string' && bytes.byteLength > MAX_FILE_BYTES) {
    return fail('TOO_LARGE', `file is ${bytes.byteLength} bytes, more than the ${MAX_FILE_BYTES} allowed`, undefined, 'split it into smaller files');
  }
  let text: string;
  if (typeof bytes === 'string') text = bytes;
  else {
    const decoded = decodeUtf8(bytes);
    if (typeof decoded !== 'string') {
      return fail('ENCODING', 'file is not valid UTF-8', decoded, 'save the file as UTF-8');
    }
    text = decoded;
  }

  const tab = /^( *)\t/m.exec(text);
  if (tab) {
    const position = positionOf(text, tab.index + tab[1]!.length);
    return fail('TAB', 'tab character in indentation', position, 'YAML indents with spaces only; replace the tab with spaces');
  }

  const documents = parseDocuments(text, lineCounter);
  const values: unknown[] = [];
  for (const doc of documents) {
    for (const error of doc.errors) {
      const [line, column] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [1, 1];
      const duplicate = error.code === 'DUPLICATE_KEY';
      const key = duplicate ? keyAt(text, error.pos[0]) : undefined;
      findings.push({
        stage,
        code: `${codePrefix}_${duplicate ? 'DUPLICATE_KEY' : 'YAML'}`,
        severity: 'error',
        file,
        position: { line, column },
        message: key ? `key "${key}" appears twice in one mapping` : firstLine(error.message),
        hint: duplicate ? 'each key may appear once in a mapping; remove or merge the repeated key' : 'check indentation and quoting around this point',
      });
    }
    if (doc.errors.length > 0) {
      values.push(undefined);
      continue;
    }
    try {
      values.push(doc.toJS({ maxAliasCount: MAX_ALIASES }));
    } catch (error) {
      findings.push({
        stage,
        code: `${codePrefix}_ALIASES`,
        severity: 'error',
        file,
        position: firstAlias(doc, lineCounter) ?? { line: 1, column: 1 },
        message: `too many alias expansions (more than ${MAX_ALIASES}): ${firstLine(String((error as Error).message))}`,
        hint: 'write the repeated values out, or use fewer anchors and aliases',
      });
      values.push(undefined);
    }
  }
  return { documents, lineCounter, values, findings };
}

/** Where the first alias (`*name`) of a document is: the start of an alias bomb. */
function firstAlias(doc: Document.Parsed, lineCounter: LineCounter): SourcePosition | undefined {
  let offset: number | undefined;
  const { visit, isAlias } = yaml();
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.range) offset = node.range[0];
      return offset === undefined ? undefined : visit.BREAK;
    },
  });
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** The plain key text starting at an offset (for naming a duplicate key). */
function keyAt(text: string, offset: number): string | undefined {
  const match = /^["']?([^"':\n]+)["']?\s*:/.exec(text.slice(offset, offset + 200));
  return match?.[1]?.trim();
}

function parseDocuments(text: string, lineCounter: LineCounter): Document.Parsed[] {
  return [...yaml().parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: true, strict: true })] as Document.Parsed[];
}

export interface LocateOptions {
  /** Position of the key that holds the value rather than of the value. */
  readonly key?: boolean;
  /** Undefined unless the whole path is in the source (a field filled by a default is not). */
  readonly exact?: boolean;
}

/** Position of a node (its value) or, with `key`, of the key that holds it. */
export function locateIn(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
  options: LocateOptions = {},
): SourcePosition | undefined {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  let node: unknown = doc.contents;
  let keyNode: unknown;
  let last: unknown = node;
  let found = 0;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(part));
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      keyNode = undefined;
      node = node.items[part];
    } else break;
    found++;
    if (node) last = node;
    else break;
  }
  if (options.exact && found < path.length) return undefined;
  const target = (options.key && keyNode ? keyNode : node ?? keyNode ?? last) as Node | undefined;
  const offset = target?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * A YAML file's text for the subset reader: undefined when the file is over the size cap or not
 * UTF-8, which parseYamlSource reads and reports instead.
 */
export function yamlText(bytes: Uint8Array | string): string | undefined {
  if (typeof bytes === 'string') return bytes;
  if (bytes.byteLength > MAX_FILE_BYTES) return undefined;
  const text = decodeUtf8(bytes);
  return typeof text === 'string' ? text : undefined;
}

export function decodeUtf8(bytes: Uint8Array): string | SourcePosition {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Find the first bad byte to report where it is.
    let good = 0;
    for (let end = 1; end <= bytes.length; end++) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
        good = end;
      } catch {
        if (end - good > 4) break;
      }
    }
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, good));
    return positionOf(prefix, prefix.length);
  }
}

function positionOf(text: string, index: number): SourcePosition {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return { line, column };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** No node, or the null scalar yaml makes of an empty document (a trailing `---`, a comment-only file). */
export function isEmptyDocument(contents: unknown): boolean {
  return contents === null || (yaml().isScalar(contents) && contents.value === null && !contents.source);
}

/**
 * The plain value of a one-document YAML text (such as a Helm values string): the subset reader when
 * it can, yaml otherwise. Throws yaml's error on invalid YAML.
 */
export function parseYamlValue(text: string): unknown {
  const fast = readYamlSubset(text);
  if (fast && fast.values.length <= 1) return fast.values[0] ?? null;
  return yaml().parse(text);
}
