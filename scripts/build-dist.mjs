// Second half of `npm run build`, after tsc has compiled generator/ to dist/:
// 1. copies every non-TypeScript file under generator/ (templates, dashboards, JSON data a renderer
//    reads next to itself) to the same place under dist/, so the compiled CLI finds them as tsx does;
// 2. writes ajv's standalone validator for the spec schema next to the compiled loader, so the CLI
//    does not compile the schema on every run (see generator/spec/validator.ts).
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function copyAssets(dir) {
  let copied = 0;
  for (const entry of readdirSync(join(root, 'generator', dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copied += copyAssets(path);
    else if (!entry.name.endsWith('.ts')) {
      mkdirSync(dirname(join(root, 'dist', path)), { recursive: true });
      copyFileSync(join(root, 'generator', path), join(root, 'dist', path));
      copied++;
    }
  }
  return copied;
}

const assets = copyAssets('');
const { clusterSchema } = await import('../dist/spec/schema.js');
const { PRECOMPILED_FILE, validatorSource } = await import('../dist/spec/validator.js');
writeFileSync(join(root, 'dist/spec', PRECOMPILED_FILE), validatorSource(clusterSchema));
process.stdout.write(`copied ${assets} asset file(s) to dist/; wrote dist/spec/${PRECOMPILED_FILE}\n`);
