// Part of `npm run build` (after tsc): writes ajv's standalone validator for the spec schema next to
// the compiled loader, so the CLI does not compile the schema on every run. See generator/spec/validator.ts.
import { writeFileSync } from 'node:fs';
import { clusterSchema } from '../dist/spec/schema.js';
import { PRECOMPILED_FILE, validatorSource } from '../dist/spec/validator.js';

const target = new URL(`../dist/spec/${PRECOMPILED_FILE}`, import.meta.url);
writeFileSync(target, validatorSource(clusterSchema));
process.stdout.write(`wrote dist/spec/${PRECOMPILED_FILE}\n`);
