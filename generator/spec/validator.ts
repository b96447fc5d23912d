import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Ajv2020, Options, ValidateFunction } from 'ajv/dist/2020.js';
import { packageRequire as require, packageRoot, requireCompiled } from '../package-root.js';
import type { JsonSchema } from './schema.js';

/**
 * The spec validator: ajv with JSON Schema 2020-12, strict, all errors, formats, defaults filled in,
 * verbose errors (the findings quote the offending value and the schema's description).
 *
 * Compiling the schema costs ~250 ms of CPU on every run, most of `generate --check`'s start-up, so
 * `npm run build` also writes ajv's standalone code for it to dist/spec/cluster-validator.cjs. It is
 * used only when it was generated from the schema as it is now (same hash); otherwise (not built, or
 * built before the schema changed) the schema is compiled here.
 */
export const ajvOptions: Options = { strict: true, allErrors: true, useDefaults: true, allowUnionTypes: true, verbose: true };
export const PRECOMPILED_FILE = 'cluster-validator.cjs';

export function schemaHash(schema: JsonSchema): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

function newAjv(options: Options = {}): Ajv2020 {
  // Loaded on demand: a run that finds a current precompiled validator never loads ajv's compiler.
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = require('ajv-formats') as (ajv: Ajv2020) => Ajv2020;
  return addFormats(new Ajv({ ...ajvOptions, ...options }));
}

/** The precompiled validator if it matches the schema, else a freshly compiled one. */
export function loadValidator(schema: JsonSchema, precompiled = join(packageRoot, 'dist/spec', PRECOMPILED_FILE)): { validate: ValidateFunction; precompiled: boolean } {
  try {
    const module = requireCompiled(precompiled) as ValidateFunction & { schemaHash?: string };
    if (module.schemaHash === schemaHash(schema)) return { validate: module, precompiled: true };
  } catch {
    // not built (running the sources): compile below
  }
  return { validate: newAjv().compile(schema), precompiled: false };
}

/** CommonJS source of a standalone validator for the schema, stamped with the schema's hash. */
export function validatorSource(schema: JsonSchema): string {
  const standaloneCode = (require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default;
  const ajv = newAjv({ code: { source: true } });
  return `${standaloneCode(ajv, ajv.compile(schema))}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash(schema))};\n`;
}
