/**
 * Post-processing of ts-json-schema-generator output for scripts/gen-schemas.ts: open the empty
 * (preserve-unknown-fields) objects, integers, overrides, no descriptions, sorted keys.
 */
import { PATTERN_HINTS, SCHEMA_OVERRIDES } from './schema-overrides.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]!);
  return out;
}

function stripDescriptions(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDescriptions);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    // `description` is an annotation; under `properties` it would be a field name, so keep it there.
    if (key === 'description' && typeof child === 'string') continue;
    out[key] = key === 'properties' && child !== null && typeof child === 'object' && !Array.isArray(child)
      ? Object.fromEntries(Object.entries(child).map(([name, schema]) => [name, stripDescriptions(schema)]))
      : stripDescriptions(child);
  }
  return out;
}

function isClosedEmptyObject(schema: Json): boolean {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return false;
  return schema.type === 'object' && schema.properties === undefined && schema.additionalProperties === false;
}

/**
 * TypeScript has one `number`; the OpenAPI documents say int32/int64. The validators the same packages
 * ship (`_schemas/*.js`, compiled from the OpenAPI/CRD schemas) check `type: "integer"` everywhere and
 * `type: "number"` only in apiextensions JSONSchemaProps (and Quantity's number|string), measured for
 * kubernetes-models, flux-cd and cert-manager; so every `number` becomes `integer` except there.
 * Quantity and IntOrString stay `[number, string]`.
 */
function integersOnly(value: Json): Json {
  if (Array.isArray(value)) return value.map(integersOnly);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) out[key] = key === 'type' && child === 'number' ? 'integer' : integersOnly(child);
  return out;
}

/** A property typed `{}` means an import did not resolve (the generator silently emits "any"): refuse it. */
function assertNoSilentAny(value: Json, where: string): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) return value.forEach((item, i) => assertNoSilentAny(item, `${where}[${i}]`));
  const properties = value.properties;
  if (properties !== null && typeof properties === 'object' && !Array.isArray(properties)) {
    for (const [name, schema] of Object.entries(properties)) {
      if (schema !== null && typeof schema === 'object' && Object.keys(schema).length === 0) {
        throw new Error(`${where}.${name} has an empty schema (unresolved type?)`);
      }
    }
  }
  for (const [key, child] of Object.entries(value)) assertNoSilentAny(child, `${where}.${key}`);
}

/** Post-process one generated schema; records which definitions were opened and which overrides hit. */
export function finish(schema: JsonObject, opened: Set<string>, overridesUsed: Set<string>): JsonObject {
  assertNoSilentAny(schema, String(schema.$id));
  const definitions = (schema.definitions ?? {}) as JsonObject;
  for (const [name, def] of Object.entries(definitions)) {
    if (isClosedEmptyObject(def)) {
      definitions[name] = {};
      opened.add(name);
    }
  }
  for (const [name, def] of Object.entries(definitions)) {
    // JSONSchemaProps (a CRD's own schema) is the exception: maximum/minimum/multipleOf are doubles.
    if (!name.includes('JSONSchemaProps')) definitions[name] = integersOnly(def);
  }
  for (const override of SCHEMA_OVERRIDES) {
    const def = definitions[override.definition] as JsonObject | undefined;
    if (def === undefined) continue;
    const properties = (def.properties ?? {}) as JsonObject;
    for (const field of override.required ?? []) {
      if (properties[field] === undefined) throw new Error(`override: ${override.definition} has no property ${field}`);
      const required = new Set((def.required ?? []) as string[]);
      required.add(field);
      def.required = [...required].sort();
    }
    for (const [field, values] of Object.entries(override.enums ?? {})) {
      const target = properties[field] as JsonObject | undefined;
      if (target === undefined) throw new Error(`override: ${override.definition} has no property ${field}`);
      const slot = target.type === 'array' ? (target.items as JsonObject) : target;
      if (slot.type !== 'string') throw new Error(`override: ${override.definition}.${field} is not a string (or string list)`);
      slot.enum = [...values];
    }
    for (const [field, pattern] of Object.entries(override.patterns ?? {})) {
      const target = properties[field] as JsonObject | undefined;
      if (target?.type !== 'string') throw new Error(`override: ${override.definition}.${field} is not a string`);
      if (PATTERN_HINTS[pattern] === undefined) throw new Error(`override: pattern ${pattern} has no hint`);
      target.pattern = pattern;
    }
    overridesUsed.add(override.definition);
  }
  return sortKeys(stripDescriptions(schema)) as JsonObject;
}
