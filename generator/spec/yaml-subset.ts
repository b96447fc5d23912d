import type { SourcePosition } from './types.js';
import type { LocateOptions } from './yaml-source.js';

/**
 * A fast reader for the plain YAML that people, generators and kustomize write: block mappings and
 * sequences, single-line scalars and flow collections (`{ a: 1 }`, `[x, y]`), plain and single-quoted
 * scalars wrapped over lines, literal block scalars (`|`, `|-`, `|+`), `---` between documents.
 * It returns exactly what `yaml` (core schema, YAML 1.2) gives for such text, and undefined for anything
 * else (anchors, tags, multi-line flow, folded `>` scalars, duplicate keys, odd characters), so the
 * caller falls back to the full parser, which also reports errors with positions.
 * `yaml` builds a positioned syntax tree for every file; this reads the same text many times faster,
 * and validate's run is dominated by reading YAML (test/spec/yaml-subset.test.ts holds it to `yaml`).
 */
export interface SubsetDocuments {
  /** One plain value per document, as `Document.toJS()` returns it. */
  readonly values: unknown[];
  /** Where each document's root node starts (the first key or `-`), as `yaml` places it. */
  readonly starts: SourcePosition[];
}

export interface PositionedDocuments extends SubsetDocuments {
  /** Where a field of document i is written: the same answer as yaml-source's locateIn on yaml's tree. */
  locate(document: number, path: readonly (string | number)[], options?: LocateOptions): SourcePosition | undefined;
}

/** A mapping's keys with where each key and its value start, or a sequence's items' starts. */
type Table = Map<string, { readonly key: SourcePosition; readonly value: SourcePosition }> | SourcePosition[];

/** Thrown (one shared instance) when the text leaves the subset; never escapes readYamlSubset. */
const OUTSIDE = new Error('outside the YAML subset');

// Characters yaml treats specially or that this reader does not model: tabs, CR, other C0/C1
// controls, BOM, Unicode line separators.
// eslint-disable-next-line no-control-regex
const UNSUPPORTED_CHAR = /[\u0000-\u0008\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
/** A plain mapping key (no spaces, no indicators): `name`, `app.kubernetes.io/name`, `pi-gitops.dev/allow`. */
const PLAIN_KEY = /^[A-Za-z0-9_./$][\w./$@+-]*(?=:(?: |$))/;
const BLOCK_HEADER = /^\|(?:([1-9])([-+])?|([-+])([1-9])?)?(?: +#.*)?$/;
const AFTER_VALUE = /^(?: +(?:#.*)?)?$/;
/**
 * A plain scalar inside a flow collection, up to the next `,` or bracket (without trailing spaces): it
 * starts with a word character (or `-` before one), and has no `:` or `#` (keys, comments: left to yaml).
 */
const FLOW_PLAIN = /^(?:[\w./$~+=()<>;^\\]|-(?=[\w.]))(?:[^,[\]{}:#]*[^,[\]{}:# ])?/;

/** The first characters a null, boolean or number can start with. */
const MAY_BE_TYPED = /^[~nNtTfF0-9+.-]/;
const WORDS = new Map<string, null | boolean>([
  ['~', null], ['null', null], ['Null', null], ['NULL', null],
  ['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false],
]);

/** The YAML 1.2 core schema's plain scalar resolution, in yaml's tag order (yaml/dist/schema/core). */
export function resolvePlain(text: string): unknown {
  if (text === '') return null;
  if (!MAY_BE_TYPED.test(text)) return text; // most scalars are names: skip the regexes below
  const word = WORDS.get(text);
  if (word !== undefined) return word;
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) return text.slice(-3).toLowerCase() === 'nan' ? NaN : text[0] === '-' ? -Infinity : Infinity;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text)) return parseFloat(text);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) return parseFloat(text);
  return text;
}

export function readYamlSubset(text: string): SubsetDocuments | undefined;
/** With `positions`, also where every key and value is written (costs a little more). */
export function readYamlSubset(text: string, options: { readonly positions: true }): PositionedDocuments | undefined;
export function readYamlSubset(text: string, options?: { readonly positions?: boolean }): SubsetDocuments | PositionedDocuments | undefined {
  if (UNSUPPORTED_CHAR.test(text)) return undefined;
  const lines = text.split('\n');
  const terminated = lines[lines.length - 1] === '';
  if (terminated) lines.pop(); // the end of the last line, not a line
  const tables = options?.positions ? new Map<object, Table>() : undefined;
  let documents: SubsetDocuments;
  try {
    documents = new Reader(lines, terminated, tables).documents();
  } catch (error) {
    if (error === OUTSIDE) return undefined;
    throw error;
  }
  if (!tables) return documents;
  return { ...documents, locate: (i, path, locateOptions) => locateInTables(tables, documents.values[i], documents.starts[i], path, locateOptions) };
}

/**
 * locateIn's walk (yaml-source.ts), step for step, over the recorded tables: the value's node, or with
 * `key` the key holding it; where the path leaves the source, the last node found (undefined if `exact`).
 */
function locateInTables(tables: Map<object, Table>, root: unknown, start: SourcePosition | undefined, path: readonly (string | number)[], options: LocateOptions = {}): SourcePosition | undefined {
  let value = root;
  let node = start;
  let keyNode: SourcePosition | undefined;
  let last = node;
  let found = 0;
  for (const part of path) {
    const table = value !== null && typeof value === 'object' ? tables.get(value) : undefined;
    if (table instanceof Map) {
      const entry = table.get(String(part));
      if (!entry) break;
      keyNode = entry.key;
      node = entry.value;
      value = (value as Record<string, unknown>)[String(part)];
    } else if (table && typeof part === 'number') {
      keyNode = undefined;
      node = table[part];
      value = (value as unknown[])[part];
    } else break;
    found++;
    if (node) last = node;
    else break;
  }
  if (options.exact && found < path.length) return undefined;
  return options.key && keyNode ? keyNode : (node ?? keyNode ?? last);
}

class Reader {
  private line = 0;
  /** End (exclusive) of the current document's lines. */
  private end = 0;
  /** Where the value value() read last starts. */
  private valueAt: SourcePosition = { line: 0, column: 0 };

  /**
   * `terminated`: the text ends with a line break (a block scalar reaching the end keeps its last one).
   * `tables`: where to record positions, when asked for.
   */
  constructor(private readonly lines: string[], private readonly terminated: boolean, private readonly tables?: Map<object, Table>) {}

  documents(): SubsetDocuments {
    const { lines } = this;
    const values: unknown[] = [];
    const starts: SourcePosition[] = [];
    const markers: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      const first = lines[i]!.charCodeAt(0);
      if (first !== 0x2d && first !== 0x2e && first !== 0x25) continue; // '-', '.', '%'
      const text = lines[i]!;
      if (text === '---') markers.push(i);
      else if (text.startsWith('---') || text.startsWith('...') || first === 0x25) throw OUTSIDE; // inline content after ---, document end, directives
    }
    // Lines before the first --- are a document only when they hold content (yaml: none for a comment-only file).
    const segments: [number, number, boolean][] = [[0, markers[0] ?? lines.length, false]];
    markers.forEach((m, k) => segments.push([m + 1, markers[k + 1] ?? lines.length, true]));
    for (const [from, to, explicit] of segments) {
      this.line = from;
      this.end = to;
      const first = this.nextContent();
      if (first === -1) {
        if (explicit) {
          values.push(null);
          starts.push({ line: from, column: 4 }); // yaml puts an empty document's null right after the ---
        }
        continue;
      }
      if (indentOf(lines[first]!) !== 0) throw OUTSIDE;
      starts.push({ line: first + 1, column: 1 });
      values.push(this.node(0));
      if (this.nextContent() !== -1) throw OUTSIDE; // content left over at the root
    }
    return { values, starts };
  }

  /** Index of the next line with content (not blank, not a comment) in this document, or -1; moves there. */
  private nextContent(): number {
    const { lines } = this;
    while (this.line < this.end) {
      const text = lines[this.line]!;
      const indent = indentOf(text);
      if (indent < text.length && text.charCodeAt(indent) !== 0x23) return this.line; // not '#'
      this.line++;
    }
    return -1;
  }

  /** A block mapping or sequence whose first line (the current one) is at `indent`. */
  private node(indent: number): unknown {
    return isSequenceEntry(this.lines[this.line]!, indent) ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): Record<string, unknown> {
    const { lines, tables } = this;
    const map: Record<string, unknown> = {};
    const table: Table | undefined = tables && new Map();
    if (table) tables!.set(map, table);
    while (this.nextContent() !== -1) {
      const text = lines[this.line]!;
      const lineIndent = indentOf(text);
      if (lineIndent < indent) break;
      if (lineIndent > indent) throw OUTSIDE;
      const key = readKey(text, indent);
      if (!key) {
        if (isSequenceEntry(text, indent)) break; // a sequence at its parent key's indent ends here
        throw OUTSIDE;
      }
      if (Object.prototype.hasOwnProperty.call(map, key.key) || key.key === '__proto__') throw OUTSIDE; // yaml reports duplicates
      const keyAt = this.line;
      map[key.key] = this.value(indent, text, key.next, true);
      table?.set(key.key, { key: { line: keyAt + 1, column: indent + 1 }, value: this.valueAt });
    }
    return map;
  }

  private sequence(indent: number): unknown[] {
    const { lines, tables } = this;
    const list: unknown[] = [];
    const table: SourcePosition[] | undefined = tables && [];
    if (table) tables!.set(list, table);
    while (this.nextContent() !== -1) {
      const text = lines[this.line]!;
      const lineIndent = indentOf(text);
      if (lineIndent < indent) break;
      if (lineIndent > indent || !isSequenceEntry(text, indent)) {
        if (lineIndent === indent) break; // the parent mapping's next key
        throw OUTSIDE;
      }
      let column = indent + 1;
      while (text.charCodeAt(column) === 0x20) column++;
      const rest = text.slice(column);
      const nested = rest.startsWith('- ') || rest === '-';
      if (nested || (rest !== '' && rest[0] !== '#' && readKey(text, column))) {
        // `- key: value` or `- - item`: a collection whose indent is its first column; blank out the dash and read it there.
        lines[this.line] = ' '.repeat(column) + rest;
        table?.push({ line: this.line + 1, column: column + 1 });
        list.push(nested ? this.sequence(column) : this.mapping(column));
        continue;
      }
      list.push(this.value(indent, text, column, false));
      table?.push(this.valueAt);
    }
    return list;
  }

  /**
   * The value that starts at `column` of the current line (after `key:` or `- `), in a collection at
   * `indent`; leaves the reader after it.
   */
  private value(indent: number, text: string, column: number, inMapping: boolean): unknown {
    const at = this.line;
    const rest = text.slice(column).replace(/^ +/, '');
    // yaml places a value, and an empty one, after the indicator and the spaces that follow it.
    const valueAt = { line: at + 1, column: text.length - rest.length + 1 };
    this.valueAt = valueAt;
    if (rest === '' || rest[0] === '#') {
      if (rest !== '' && text[text.length - rest.length - 1] !== ' ') throw OUTSIDE;
      this.line++;
      const next = this.nextContent();
      if (next === -1) return null;
      const nextText = this.lines[next]!;
      const nextIndent = indentOf(nextText);
      const nested = nextIndent > indent ? this.node(nextIndent) : nextIndent === indent && inMapping && isSequenceEntry(nextText, indent) ? this.sequence(indent) : undefined; // a mapping's value may be a sequence at the key's own indent
      if (nested === undefined) return null;
      this.valueAt = { line: next + 1, column: nextIndent + 1 };
      return nested;
    }
    if (column < text.length && text.charCodeAt(column) !== 0x20 && inMapping) throw OUTSIDE; // `key:value` is one scalar
    let value: unknown;
    if (rest[0] === '|') value = this.literal(indent, rest);
    else if (rest[0] === '[' || rest[0] === '{') {
      const flow = this.flow(text, valueAt.column - 1, at);
      if (!AFTER_VALUE.test(text.slice(flow.end))) throw OUTSIDE;
      value = flow.value;
      this.line = at + 1;
    } else {
      const scalar = inlineScalar(rest);
      if (scalar.open) value = this.foldedSingleQuoted(indent, rest);
      else if (scalar.plain !== undefined) value = this.foldedPlain(indent, scalar.plain, scalar.value);
      else {
        value = scalar.value;
        this.line = at + 1;
      }
    }
    // Anything more indented next would continue the scalar (a multi-line plain scalar or an error).
    const next = this.nextContent();
    if (next !== -1 && indentOf(this.lines[next]!) > indent) throw OUTSIDE;
    this.valueAt = valueAt;
    return value;
  }

  /**
   * A flow collection on one line from `column` of line `at` (0-based): its value and the index after
   * its closing bracket. Entries are plain (no `:`, `#` or indicators) or quoted scalars and nested
   * flow collections; implicit keys, empty entries and a trailing comma are left to yaml.
   */
  private flow(text: string, column: number, at: number): { value: unknown; end: number } {
    const { tables } = this;
    const close = text[column] === '[' ? ']' : '}';
    const isMap = close === '}';
    const map: Record<string, unknown> = {};
    const list: unknown[] = [];
    const value = isMap ? map : list;
    const table = tables && (isMap ? new Map() : []);
    if (table) tables!.set(value, table);
    let i = skipSpaces(text, column + 1);
    if (text[i] === close) return { value, end: i + 1 };
    for (;;) {
      let key: string | undefined;
      let keyAt: SourcePosition | undefined;
      if (isMap) {
        keyAt = { line: at + 1, column: i + 1 };
        if (text[i] === '"' || text[i] === "'") {
          ({ value: key, end: i } = closedQuoteAt(text, i));
        } else {
          const match = PLAIN_KEY.exec(text.slice(i));
          if (!match || typeof resolvePlain(match[0]) !== 'string') throw OUTSIDE;
          key = match[0];
          i += key.length;
        }
        if (text[i] !== ':' || text[i + 1] !== ' ' || Object.prototype.hasOwnProperty.call(map, key) || key === '__proto__') throw OUTSIDE;
        i = skipSpaces(text, i + 1);
      }
      const valueAt = { line: at + 1, column: i + 1 };
      let item: unknown;
      const first = text[i];
      if (first === '[' || first === '{') {
        const nested = this.flow(text, i, at);
        item = nested.value;
        i = nested.end;
      } else if (first === '"' || first === "'") {
        ({ value: item, end: i } = closedQuoteAt(text, i));
      } else {
        const match = FLOW_PLAIN.exec(text.slice(i));
        if (!match) throw OUTSIDE;
        item = resolvePlain(match[0]);
        i += match[0].length;
      }
      if (isMap) {
        map[key!] = item;
        (table as Map<string, unknown> | undefined)?.set(key!, { key: keyAt!, value: valueAt });
      } else {
        list.push(item);
        (table as SourcePosition[] | undefined)?.push(valueAt);
      }
      i = skipSpaces(text, i);
      if (text[i] === close) return { value, end: i + 1 };
      if (text[i] !== ',') throw OUTSIDE;
      i = skipSpaces(text, i + 1);
      if (text[i] === close || text[i] === ',') throw OUTSIDE; // a trailing comma or an empty entry
    }
  }

  /**
   * A plain scalar whose first line is `first` (resolved: `value`), continued on more indented lines
   * (kustomize wraps long ones at 80 columns): line breaks fold to a space, n blank lines to n newlines.
   */
  private foldedPlain(indent: number, first: string, value: unknown): unknown {
    const { lines } = this;
    let text = first;
    let empty = 0;
    let folded = false;
    let i = this.line + 1;
    for (; i < this.end; i++) {
      const line = lines[i]!;
      const lineIndent = indentOf(line);
      if (lineIndent === line.length) { empty++; continue; }
      if (lineIndent <= indent) break;
      const body = line.slice(lineIndent).replace(/ +$/, '');
      // A comment ends the scalar (more indented lines after it are an error); keys and indicators are not text.
      if (body[0] === '#' || body.includes(': ') || body.endsWith(':') || body.includes(' #') || body === '-' || body.startsWith('- ')) throw OUTSIDE;
      text += empty === 0 ? ` ${body}` : '\n'.repeat(empty) + body;
      empty = 0;
      folded = true;
    }
    this.line = i;
    return folded ? resolvePlain(text) : value;
  }

  /** A single-quoted scalar that starts with `first` (from its quote) and ends on a later, more indented line. */
  private foldedSingleQuoted(indent: number, first: string): string {
    const { lines } = this;
    let text = first.slice(1).replace(/ +$/, '');
    if (text === '') throw OUTSIDE; // a quote alone on its line: leave the folding of that to yaml
    let empty = 0;
    for (let i = this.line + 1; i < this.end; i++) {
      const line = lines[i]!;
      const lineIndent = indentOf(line);
      if (lineIndent === line.length) { empty++; continue; }
      if (lineIndent <= indent) break; // yaml reports the unterminated scalar
      const body = line.slice(lineIndent);
      const close = singleQuoteEnd(body, 0);
      const part = close === -1 ? body.replace(/ +$/, '') : body.slice(0, close); // spaces before a line break fold away, not before the quote
      text += empty === 0 ? ` ${part}` : '\n'.repeat(empty) + part;
      empty = 0;
      if (close !== -1) {
        if (!AFTER_VALUE.test(body.slice(close + 1))) throw OUTSIDE;
        this.line = i + 1;
        return text.replace(/''/g, "'");
      }
    }
    throw OUTSIDE;
  }

  /** A literal block scalar; `indent` is its collection's. */
  private literal(indent: number, header: string): string {
    const match = BLOCK_HEADER.exec(header);
    if (!match) throw OUTSIDE;
    const explicit = match[1] ?? match[4];
    const chomp = match[2] ?? match[3] ?? '';
    const { lines } = this;
    let i = this.line + 1;
    let content = explicit ? indent + Number(explicit) : -1;
    if (content === -1) {
      for (let j = i; j < this.end; j++) {
        const lineIndent = indentOf(lines[j]!);
        if (lineIndent === lines[j]!.length) continue; // blank
        content = lineIndent;
        break;
      }
      if (content <= indent) {
        // No content: the next line with anything in it belongs to the parent.
        if (chomp === '+') throw OUTSIDE;
        this.line = i;
        return '';
      }
    }
    const body: string[] = [];
    for (; i < this.end; i++) {
      const text = lines[i]!;
      const lineIndent = indentOf(text);
      if (lineIndent === text.length) {
        if (text.length > content) throw OUTSIDE; // spaces beyond the indentation on a blank line
        body.push('');
        continue;
      }
      if (lineIndent < content) break;
      body.push(text.slice(content));
    }
    if (i === lines.length && !this.terminated) throw OUTSIDE;
    this.line = i;
    let last = body.length;
    while (last > 0 && body[last - 1] === '') last--;
    if (last === 0) {
      if (chomp === '+' && body.length > 0) throw OUTSIDE;
      return '';
    }
    const kept = body.slice(0, last).join('\n');
    if (chomp === '-') return kept;
    if (chomp === '+') return kept + '\n'.repeat(body.length - last + 1);
    return `${kept}\n`;
  }
}

function skipSpaces(text: string, from: number): number {
  while (text.charCodeAt(from) === 0x20) from++;
  return from;
}

function indentOf(text: string): number {
  let i = 0;
  while (text.charCodeAt(i) === 0x20) i++;
  return i;
}

function isSequenceEntry(text: string, indent: number): boolean {
  return text.charCodeAt(indent) === 0x2d && (text.length === indent + 1 || text.charCodeAt(indent + 1) === 0x20);
}

/** A `key:` at `column` (plain or quoted on one line): the key and the column after its colon. */
function readKey(text: string, column: number): { key: string; next: number } | undefined {
  const first = text[column];
  if (first === '"' || first === "'") {
    const quoted = quotedAt(text, column);
    if (quoted === 'open') throw OUTSIDE;
    if (text[quoted.end] !== ':' || (quoted.end + 1 < text.length && text[quoted.end + 1] !== ' ')) return undefined;
    return { key: quoted.value, next: quoted.end + 1 };
  }
  const match = PLAIN_KEY.exec(text.slice(column));
  if (!match) return undefined;
  const key = match[0];
  if (key.length > 1024 || typeof resolvePlain(key) !== 'string') throw OUTSIDE; // yaml keys that are not plain strings
  return { key, next: column + key.length + 1 };
}

/** The index of the quote closing a single-quoted scalar in `text` from `from` ('' is an escaped quote), or -1. */
function singleQuoteEnd(text: string, from: number): number {
  for (let i = from; ;) {
    const close = text.indexOf("'", i);
    if (close === -1 || text[close + 1] !== "'") return close;
    i = close + 2;
  }
}

/** A quoted scalar that closes on its line (in a flow collection, where one that does not is left to yaml). */
function closedQuoteAt(text: string, column: number): { value: string; end: number } {
  const quoted = quotedAt(text, column);
  if (quoted === 'open') throw OUTSIDE;
  return quoted;
}

/**
 * A quoted scalar starting at `column`: its value and the index after its closing quote, or 'open'
 * for a single-quoted one that goes on on the next line.
 */
function quotedAt(text: string, column: number): { value: string; end: number } | 'open' {
  if (text[column] === "'") {
    const close = singleQuoteEnd(text, column + 1);
    if (close === -1) return 'open';
    return { value: text.slice(column + 1, close).replace(/''/g, "'"), end: close + 1 };
  }
  for (let i = column + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const escape = text[i + 1];
      // The escapes JSON shares with YAML; YAML's others (\x, \U, \N, \_, \e, \0, ...) go to yaml.
      if (escape === 'u' ? !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)) : !'"\\/bfnrt'.includes(escape ?? 'x')) throw OUTSIDE;
      i++;
    } else if (c === '"') {
      return { value: JSON.parse(text.slice(column, i + 1)) as string, end: i + 1 };
    }
  }
  throw OUTSIDE; // continues on the next line
}

/**
 * A scalar that starts after `key: ` or `- `. `plain` is its text when it is a plain scalar without a
 * comment, which may go on on the next lines.
 */
function inlineScalar(rest: string): { value: unknown; plain?: string; open?: true } {
  const first = rest[0]!;
  if (first === '"' || first === "'") {
    const quoted = quotedAt(rest, 0);
    if (quoted === 'open') return { value: undefined, open: true };
    if (!AFTER_VALUE.test(rest.slice(quoted.end))) throw OUTSIDE;
    return { value: quoted.value };
  }
  // Indicators that start something this reader does not model.
  if ('&*!|>%@`,]}#'.includes(first) || ((first === '-' || first === '?' || first === ':') && (rest.length === 1 || rest[1] === ' '))) throw OUTSIDE;
  const comment = rest.indexOf(' #');
  const plain = (comment === -1 ? rest : rest.slice(0, comment)).replace(/ +$/, '');
  if (plain.includes(': ') || plain.endsWith(':')) throw OUTSIDE; // a nested mapping: an error yaml reports
  return comment === -1 ? { value: resolvePlain(plain), plain } : { value: resolvePlain(plain) };
}
