import { stringify } from 'yaml';
import { clusterSchema, type JsonSchema } from './schema.js';
import { descriptionOf, exampleOf, fieldsOf, isObjectSchema, itemsOf, mapValues, type Field } from './schema-walk.js';
import { presetValues, type Preset } from './starter-presets.js';

/** Where a spec at clusters/<name>/cluster.yaml finds the schema, for the YAML language server. */
export const SCHEMA_COMMENT = '# yaml-language-server: $schema=../../schemas/cluster.schema.json';
const WIDTH = 100;

type Plain = unknown;
type Lines = string[];

/**
 * The starter clusters/<name>/cluster.yaml that `pi-gitops init` writes. Pure. Every comment comes
 * from the schema (description, default, example, allowed values), so defaults are written once:
 * required fields carry the preset's value or the schema's example; optional fields the preset does
 * not set are commented out showing their default, ready to uncomment.
 */
export function starterSpec(name: string, preset: Preset, schema: JsonSchema = clusterSchema): string {
  const lines: Lines = [
    SCHEMA_COMMENT,
    ...wrap(`${String(schema.title)}: ${descriptionOf(schema)}`, '# '),
    ...wrap(
      `Started by \`pi-gitops init ${name} --preset ${preset}\`; every note below comes from schemas/cluster.schema.json (reference: docs/spec-reference.md). REQUIRED and OPTIONAL apply within the enclosing block. A commented-out field shows its default: uncomment it to change it. Then run \`pi-gitops generate\`.`,
      '# ',
    ),
  ];
  const values: Record<string, Plain> = { ...presetValues[preset], metadata: { name } };
  emitFields(schema, fieldsOf(schema, schema), values, { depth: 0, comments: [], documented: true }, lines);
  return `${lines.join('\n')}\n`;
}

interface Where {
  readonly depth: number;
  /** Depths at which an enclosing field was commented out (a `# ` is written at each). */
  readonly comments: readonly number[];
  /** Whether to write each field's notes (only the first item of a list or map gets them). */
  readonly documented: boolean;
  /** Whether the first field written starts a list item (`- `). */
  readonly bullet?: boolean;
}

function emitFields(root: JsonSchema, fields: readonly Field[], value: Record<string, Plain> | undefined, where: Where, lines: Lines): void {
  let first = true;
  for (const field of fields) {
    const given = value?.[field.name];
    const inCommentedBlock = where.comments.length > 0;
    const active = !inCommentedBlock && (given !== undefined || field.required);
    if (!active && !where.documented) continue;
    // Commented out: an optional field the preset leaves alone. Inside a commented-out block, a field
    // without a default is commented once more, so uncommenting the block does not set it.
    const commentHere = (!inCommentedBlock && !active) || (inCommentedBlock && !field.required && given === undefined && field.schema.default === undefined);
    const here: Where = { ...where, bullet: where.bullet === true && first, comments: commentHere ? [...where.comments, where.depth] : where.comments };
    emitField(root, field, given, here, lines);
    first = false;
  }
}

function emitField(root: JsonSchema, field: Field, given: Plain, where: Where, lines: Lines): void {
  const { schema } = field;
  const fallback = given ?? schema.default ?? exampleOf(schema);
  if (where.documented) {
    // A list item's notes sit above its `- `.
    const noteAt: Where = { ...where, depth: where.bullet ? where.depth - 1 : where.depth, bullet: false, comments: where.comments.filter((c) => c < where.depth) };
    for (const note of wrap(notes(field, given), '# ', WIDTH - 2 * where.depth - 2 * where.comments.length)) lines.push(line(noteAt, note));
  }
  const key = `${field.name}:`;
  const inner: Where = { ...where, depth: where.depth + 1, bullet: false };
  const items = schema.type === 'array' ? itemsOf(root, schema) : undefined;
  // A list of objects is written as a block: the preset's items, or (documented) the schema's example.
  const list = given ?? (where.documented ? exampleOf(schema) : undefined);
  const entries = isObjectSchema(schema) && !schema.properties ? mapValues(root, schema) : undefined;

  if (isObjectSchema(schema) && schema.properties) {
    lines.push(line(where, key));
    emitFields(root, fieldsOf(root, schema), asRecord(fallback), inner, lines);
  } else if (items && isObjectSchema(items) && Array.isArray(list) && list.length > 0) {
    lines.push(line(where, key));
    list.forEach((item, index) => {
      const at: Where = { ...inner, depth: inner.depth + 1, documented: where.documented && index === 0, bullet: true };
      emitFields(root, fieldsOf(root, items), asRecord(item), at, lines);
    });
  } else if (entries && isObjectSchema(entries) && given !== undefined && Object.keys(asRecord(given) ?? {}).length > 0) {
    lines.push(line(where, key));
    Object.entries(asRecord(given)!).forEach(([name, entry], index) => {
      lines.push(line(inner, `${name}:`));
      emitFields(root, fieldsOf(root, entries), asRecord(entry), { ...inner, depth: inner.depth + 1, documented: where.documented && index === 0 }, lines);
    });
  } else {
    lines.push(line(where, `${key} ${flow(fallback)}`));
  }
}

/** `REQUIRED. <description> One of: … Default: … Example: …` */
function notes(field: Field, given: Plain): string {
  const { schema } = field;
  const parts = [field.required ? 'REQUIRED.' : 'OPTIONAL.'];
  const description = descriptionOf(schema);
  if (description) parts.push(description.endsWith('.') ? description : `${description}.`);
  if (Array.isArray(schema.enum)) parts.push(`One of: ${(schema.enum as unknown[]).map(flow).join(', ')}.`);
  if (schema.default !== undefined) {
    // A block's default (often `{}`) is what its fields' defaults make: the values written below it.
    parts.push(`Default: ${schema.properties !== undefined ? 'the values shown' : flow(schema.default)}.`);
  }
  const example = exampleOf(schema);
  // A list of objects the preset leaves empty is written out from the schema's example, so its item
  // fields are documented too; the note says so, since uncommenting it sets the example, not the default.
  const shownAsBlock = schema.type === 'array' && Array.isArray(example) && typeof example[0] === 'object';
  if (shownAsBlock && given === undefined) parts.push('The lines below are an example.');
  if (example !== undefined && (given !== undefined || schema.default !== undefined) && schema.properties === undefined && !shownAsBlock) {
    const shown = [given, schema.default].filter((v) => v !== undefined).map(flow);
    if (!shown.includes(flow(example))) parts.push(`Example: ${flow(example)}.`);
  }
  return parts.join(' ');
}

/** Indents to `depth`, writing `# ` at each commented-out depth and `- ` before a list item's first field. */
function line(where: Where, text: string): string {
  let prefix = '';
  for (let level = 0; level < where.depth; level++) {
    if (where.comments.includes(level)) prefix += '# ';
    prefix += where.bullet && level === where.depth - 1 ? '- ' : '  ';
  }
  if (where.comments.includes(where.depth)) prefix += '# ';
  return `${prefix}${text}`;
}

function asRecord(value: Plain): Record<string, Plain> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, Plain>) : undefined;
}

/** A value on one line, as YAML writes it (`{ cpu: 300m }`, `[a, b]`, `"17.6"`). */
function flow(value: Plain): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd();
}

function wrap(text: string, prefix: string, width = WIDTH): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current !== '' && prefix.length + current.length + 1 + word.length > Math.max(width, 40)) {
      out.push(`${prefix}${current}`);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') out.push(`${prefix}${current}`);
  return out;
}
