// Writes docs/spec-reference.md from schemas/cluster.schema.json. Run: npm run docs:spec
import { writeFileSync } from 'node:fs';
import { REFERENCE_PATH, specReference } from '../generator/spec/reference.js';

writeFileSync(new URL(`../${REFERENCE_PATH}`, import.meta.url), specReference());
process.stdout.write(`wrote ${REFERENCE_PATH}\n`);
