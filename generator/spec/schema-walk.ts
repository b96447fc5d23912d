import type { JsonSchema } from './schema.js';

/**
 * Reading cluster.schema.json as documentation: the starter spec (`pi-gitops init`) and
 * docs/spec-reference.md both walk the schema through these helpers, so a field's description,
 * default and example are written once, in the schema.
 */

export interface Field {
  readonly name: string;
  readonly required: boolean;
  /** The property's schema with its `$ref` merged in (the property's own keywords win). */
  readonly schema: JsonSchema;
  /** The property's schema as written (with its `$ref`, if any). */
  readonly raw: JsonSchema;
}

/** `resources` for a schema that is `{ $ref: '#/$defs/resources', ... }`. */
export function refName(schema: unknown): string | undefined {
  const ref = (schema as JsonSchema | undefined)?.$ref;
  return typeof ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(ref)?.[1] : undefined;
}

/** Merges a `$ref` (only local `#/$defs/...` refs occur) into the schema that points at it. */
export function resolveRef(root: JsonSchema, schema: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = /^#\/\$defs\/(.+)$/.exec(ref)?.[1];
  const defs = root.$defs as Record<string, JsonSchema> | undefined;
  const target = name !== undefined ? defs?.[name] : undefined;
  if (!target) throw new Error(`cluster.schema.json: unresolvable $ref ${ref}`);
  const { $ref: _, ...own } = schema;
  const base = resolveRef(root, target);
  // Both descriptions say something: the field's purpose, then the shared type's format.
  const description = [own.description, base.description].filter((d): d is string => typeof d === 'string').join(' ');
  return { ...base, ...own, ...(description ? { description } : {}) };
}

/** The named properties of an object schema, in schema order. */
export function fieldsOf(root: JsonSchema, schema: JsonSchema): Field[] {
  const resolved = resolveRef(root, schema);
  const required = new Set(Array.isArray(resolved.required) ? (resolved.required as string[]) : []);
  return Object.entries(resolved.properties ?? {}).map(([name, child]) => ({ name, required: required.has(name), schema: resolveRef(root, child), raw: child }));
}

/** Schema of the values of a map (`additionalProperties: {...}`), e.g. spec.apps.<name>. */
export function mapValues(root: JsonSchema, schema: JsonSchema): JsonSchema | undefined {
  const additional = schema.additionalProperties;
  return additional !== null && typeof additional === 'object' ? resolveRef(root, additional as JsonSchema) : undefined;
}

/** Schema of the items of an array. */
export function itemsOf(root: JsonSchema, schema: JsonSchema): JsonSchema | undefined {
  const items = schema.items;
  return items !== null && typeof items === 'object' && !Array.isArray(items) ? resolveRef(root, items as JsonSchema) : undefined;
}

export function isObjectSchema(schema: JsonSchema): boolean {
  return schema.type === 'object' || (schema.properties !== undefined && schema.type === undefined);
}

/** A short type as a person reads it: `string (hostname)`, `integer 1–5`, `one of server, agent`. */
export function typeOf(root: JsonSchema, schema: JsonSchema): string {
  if ('const' in schema) return `\`${String(schema.const)}\``;
  if (Array.isArray(schema.enum)) return `one of ${(schema.enum as unknown[]).map((v) => `\`${String(v)}\``).join(', ')}`;
  const type = Array.isArray(schema.type) ? (schema.type as string[]).join(' or ') : typeof schema.type === 'string' ? schema.type : 'any';
  if (type === 'array') {
    const items = itemsOf(root, schema);
    return `list of ${items ? (isObjectSchema(items) ? 'objects' : typeOf(root, items)) : 'values'}`;
  }
  if (type === 'object' && mapValues(root, schema) && !schema.properties) {
    const values = mapValues(root, schema)!;
    return `map of ${isObjectSchema(values) ? 'objects' : typeOf(root, values)}`;
  }
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  const range = min !== undefined && max !== undefined ? ` ${min}–${max}` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : '';
  const format = typeof schema.format === 'string' ? ` (${schema.format})` : '';
  return `${type}${format}${range}`;
}

/** First example, if the schema gives one. */
export function exampleOf(schema: JsonSchema): unknown {
  return Array.isArray(schema.examples) && schema.examples.length > 0 ? schema.examples[0] : undefined;
}

export function descriptionOf(schema: JsonSchema): string {
  return typeof schema.description === 'string' ? schema.description : '';
}
