import { clusterSchema, type JsonSchema } from './schema.js';
import { descriptionOf, exampleOf, fieldsOf, itemsOf, mapValues, refName, resolveRef, typeOf, type Field } from './schema-walk.js';

export const REFERENCE_PATH = 'docs/spec-reference.md';

interface Section {
  readonly title: string;
  readonly schema: JsonSchema;
  /** For the values of a map: what its keys must be. */
  readonly keys?: string;
}

/**
 * docs/spec-reference.md, generated from the schema (`npm run docs:spec`): one table per object of
 * the spec, in schema order. Pure, so a test can tell when the committed page is out of date.
 */
export function specReference(schema: JsonSchema = clusterSchema): string {
  const sections: Section[] = [];
  collect(schema, schema, '', sections);
  const out = [
    '# Cluster spec reference',
    '',
    `<!-- Generated from schemas/cluster.schema.json by \`npm run docs:spec\`. Do not edit: change the schema. -->`,
    '',
    `${descriptionOf(schema)}`,
    '',
    'Each cluster is one file, `clusters/<name>/cluster.yaml`, whose first line points editors at the schema:',
    '',
    '```yaml',
    '# yaml-language-server: $schema=../../schemas/cluster.schema.json',
    '```',
    '',
    'Start one with `pi-gitops init NAME [--preset lab|mini]`; the starter carries the same notes as this page.',
    'Fields marked required must be set when their enclosing block is; every other field has the default shown',
    '(or is off when it has none). Quantities follow Kubernetes: CPU `500m` or `0.5`, memory `512Mi` or `2Gi`.',
    '',
    '## Contents',
    '',
    ...sections.map((s) => `- [\`${s.title}\`](#${anchor(s.title)})`),
    '',
  ];
  for (const section of sections) {
    out.push(`## \`${section.title}\``, '');
    const description = descriptionOf(section.schema);
    if (description && section.title !== '(top level)') out.push(escapeText(description), '');
    if (section.keys) out.push(`Each \`<name>\` must be ${escapeText(section.keys)}`, '');
    out.push('| Field | Type | Required | Default | Description | Example |', '| --- | --- | --- | --- | --- | --- |');
    for (const field of fieldsOf(schema, section.schema)) out.push(row(schema, field, section.title));
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * One section per object: nested objects under their path (`spec.git`), objects shared through
 * `$defs` once under their definition name (`resources`), so the page does not repeat them.
 */
function collect(root: JsonSchema, schema: JsonSchema, path: string, sections: Section[], keys?: string): void {
  const shared = (root.$defs as Record<string, JsonSchema> | undefined)?.[path];
  // A shared definition is described by its own words, not by the first field that used it.
  const described = shared ? { ...schema, description: shared.description } : schema;
  sections.push({ title: path === '' ? '(top level)' : path, schema: described, ...(keys ? { keys } : {}) });
  for (const field of fieldsOf(root, schema)) {
    const nested = nestedObject(root, field, `${path === '' ? '' : `${path}.`}${field.name}`);
    if (!nested || sections.some((s) => s.title === nested.title)) continue;
    collect(root, nested.schema, nested.title, sections, nested.keys);
  }
}

/** The object a field opens, if any (itself, its list items or its map values), and its section title. */
function nestedObject(root: JsonSchema, field: Field, path: string): { schema: JsonSchema; title: string; label: string; keys?: string } | undefined {
  const { schema, raw } = field;
  const shared = (ref: string | undefined, fallback: string): string => (ref !== undefined && !['node', 'app'].includes(ref) ? ref : fallback);
  if (schema.properties) return { schema, title: shared(refName(raw), path), label: 'object' };
  const itemsRaw = schema.type === 'array' ? (schema.items as JsonSchema | undefined) : undefined;
  const items = schema.type === 'array' ? itemsOf(root, schema) : undefined;
  if (items?.properties) return { schema: items, title: shared(refName(itemsRaw), `${path}[]`), label: 'list of objects' };
  const valuesRaw = schema.additionalProperties as JsonSchema | undefined;
  const values = mapValues(root, schema);
  if (values?.properties) {
    const names = schema.propertyNames ? resolveRef(root, schema.propertyNames as JsonSchema) : undefined;
    const keys = names ? descriptionOf(names).replace(/^(A|An|The) /, (article) => article.toLowerCase()) : undefined;
    return { schema: values, title: shared(refName(valuesRaw), `${path}.<name>`), label: 'map of objects', ...(keys ? { keys } : {}) };
  }
  return undefined;
}

function row(root: JsonSchema, field: Field, parent: string): string {
  const { schema } = field;
  const path = `${parent === '(top level)' ? '' : `${parent}.`}${field.name}`;
  const nested = nestedObject(root, field, path);
  const type = nested ? `[${nested.label}](#${anchor(nested.title)})` : escapeText(typeOf(root, schema));
  const withPattern = typeof schema.pattern === 'string' && !schema.description ? `${type} matching \`${schema.pattern}\`` : type;
  const empty = typeof schema.default === 'object' && schema.default !== null && !Array.isArray(schema.default) && Object.keys(schema.default).length === 0;
  const defaultValue = schema.default === undefined ? '' : nested && empty ? 'see fields' : code(schema.default);
  const example = exampleOf(schema);
  return `| \`${field.name}\` | ${withPattern} | ${field.required ? 'yes' : ''} | ${defaultValue} | ${escapeText(descriptionOf(schema))} | ${example === undefined ? '' : code(example)} |`;
}

function code(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

function escapeText(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** GitHub's heading anchors: lower-case, punctuation dropped, spaces to hyphens. */
function anchor(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}
