import { resolvePlain } from '../spec/yaml-subset.js';

/**
 * A fast writer for the plain values the renderers make: block mappings and sequences, plain,
 * double-quoted and literal block scalars, numbers, booleans and null. It returns exactly what
 * yaml's `stringify(value, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false })` does
 * (yaml 2, stringifyString.js and stringifyNumber.js, followed rule for rule), and undefined for anything
 * it does not model (control characters, document markers, multi-line strings ending in spaces,
 * long keys …), so the caller falls back to yaml. The tests hold it to yaml on every rendered file.
 * yaml builds a document tree to write one; this writes the text directly, many times faster cold.
 */
export interface EmitOptions {
  /** yaml's `singleQuote`: false always quotes with `"`; undefined picks the quote that needs no escaping. */
  readonly singleQuote?: false;
}

/** Thrown (one shared instance) when a value is outside what this writer models; never escapes emitYaml. */
const OUTSIDE = new Error('outside what the YAML writer models');

// yaml's tests, copied from stringifyString.js.
// eslint-disable-next-line no-control-regex
const NEEDS_DOUBLE_QUOTES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;

export function emitYaml(value: unknown, options: EmitOptions = {}): string | undefined {
  if (value === null || typeof value !== 'object') return undefined; // a root scalar: yaml's rules differ there
  try {
    if (Array.isArray(value)) return value.length === 0 ? '[]\n' : sequence(value, '', '', options);
    const entries = entriesOf(value);
    return entries.length === 0 ? '{}\n' : mapping(entries, '', '', options);
  } catch (error) {
    if (error === OUTSIDE) return undefined;
    throw error;
  }
}

/** A mapping whose keys start at `indent`; the first line starts with `first` instead (`- ` of a sequence). */
function mapping(entries: [string, unknown][], indent: string, first: string, options: EmitOptions): string {
  let out = '';
  let prefix = first;
  for (const [key, item] of entries) {
    out += `${prefix}${keyText(key, options)}:${after(item, indent, options)}`;
    prefix = indent;
  }
  return out;
}

/** A sequence whose dashes are at `indent`; the first line starts with `first` instead (`- - x`). */
function sequence(items: unknown[], indent: string, first: string, options: EmitOptions): string {
  let out = '';
  let prefix = first;
  const inner = `${indent}  `;
  for (const item of items) {
    // A non-empty collection in a sequence starts on the dash's line: `- key: v`, `- - x`.
    if (Array.isArray(item) && item.length > 0) out += sequence(item, inner, `${prefix}- `, options);
    else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const entries = entriesOf(item);
      out += entries.length > 0 ? mapping(entries, inner, `${prefix}- `, options) : `${prefix}- {}\n`;
    } else out += `${prefix}-${after(item, indent, options)}`;
    prefix = indent;
  }
  return out;
}

/** What follows `key:` or `-` written at `indent`: ` value\n`, or a line break and a nested collection. */
function after(value: unknown, indent: string, options: EmitOptions): string {
  const inner = `${indent}  `;
  if (value !== null && typeof value === 'object') {
    if (Array.isArray(value)) {
      return value.length === 0 ? ' []\n' : `\n${sequence(value, inner, inner, options)}`;
    }
    const entries = entriesOf(value);
    if (entries.length === 0) return ' {}\n';
    return `\n${mapping(entries, inner, inner, options)}`;
  }
  return ` ${scalar(value, inner, options)}\n`;
}

/** A plain object's entries; anything else (a Date, a Map, a class) is yaml's to write. */
function entriesOf(value: object): [string, unknown][] {
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) throw OUTSIDE;
  return Object.entries(value);
}

/** A scalar value; `inner` is where a block scalar's lines go. */
function scalar(value: unknown, inner: string, options: EmitOptions): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return number(value);
  if (typeof value !== 'string') throw OUTSIDE; // undefined, bigint, functions … are not rendered
  if (NEEDS_DOUBLE_QUOTES.test(value) || DOCUMENT_MARKER.test(value)) throw OUTSIDE;
  if (value.includes('\n')) return block(value, inner);
  if (NOT_PLAIN.test(value) || typeof resolvePlain(value) !== 'string') return quoted(value, options);
  return value;
}

/** yaml's stringifyNumber without a format: JSON's digits, YAML's names for the non-finite. */
function number(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value < 0 ? '-.inf' : '.inf';
  return Object.is(value, -0) ? '-0' : JSON.stringify(value);
}

function keyText(key: string, options: EmitOptions): string {
  if (key.length > 1024 || key.includes('\n') || NEEDS_DOUBLE_QUOTES.test(key) || DOCUMENT_MARKER.test(key)) throw OUTSIDE; // yaml writes `? key` or folds
  if (NOT_PLAIN.test(key) || typeof resolvePlain(key) !== 'string') return quoted(key, options);
  return key;
}

/** A one-line string in quotes: yaml's quotedString without line breaks or escapes beyond `\"` and `\\`. */
function quoted(value: string, options: EmitOptions): string {
  const single = options.singleQuote === false ? false : value.includes('"') && !value.includes("'");
  return single ? `'${value.replace(/'/g, "''")}'` : JSON.stringify(value);
}

/** A multi-line string as a literal block scalar (yaml's blockString with blockQuote true, lineWidth 0). */
function block(text: string, indent: string): string {
  if (/\n[\t ]+$/.test(text)) throw OUTSIDE; // yaml double-quotes it, with folded escapes
  let value = text;
  let endStart = value.length;
  while (endStart > 0 && '\n\t '.includes(value[endStart - 1]!)) endStart--;
  let end = value.substring(endStart);
  const endNewline = end.indexOf('\n');
  const chomp = endNewline === -1 ? '-' : value === end || endNewline !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startsWithSpace = false;
  let startEnd = 0;
  let startNewline = -1;
  for (; startEnd < value.length; startEnd++) {
    const ch = value[startEnd];
    if (ch === ' ') startsWithSpace = true;
    else if (ch === '\n') startNewline = startEnd;
    else break;
  }
  let start = value.substring(0, startNewline < startEnd ? startNewline + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startsWithSpace ? '2' : '') + chomp; // the indentation step, relative to the parent
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}
