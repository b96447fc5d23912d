// Second half of `npm run build`, after tsc has compiled generator/ to dist/:
// 1. writes ajv's standalone validator for the spec schema to dist/spec/, so the CLI does not compile
//    the schema on every run (see generator/spec/validator.ts);
// 2. bundles the compiled CLI and its dependencies into one file, dist/pi-gitops.mjs, which
//    bin/pi-gitops.js runs: Node then reads and compiles one module instead of a few hundred, which
//    is most of a command's start-up (BENCHMARKS.md). Files the code reads from the package (schemas,
//    script bodies, package.json) are named from the package folder (generator/package-root.ts), so they
//    are found from the bundle as from the sources.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

const { clusterSchema } = await import('../dist/spec/schema.js');
const { PRECOMPILED_FILE, validatorSource } = await import('../dist/spec/validator.js');
writeFileSync(join(root, 'dist/spec', PRECOMPILED_FILE), validatorSource(clusterSchema));

await build({
  entryPoints: [join(root, 'dist/cli/bin.js')],
  outfile: join(root, 'dist/pi-gitops.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies call require(); in an ES module it has to be made.
  banner: { js: "import { createRequire as __piGitopsCreateRequire } from 'node:module'; const require = __piGitopsCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
});
process.stdout.write(`wrote dist/spec/${PRECOMPILED_FILE} and dist/pi-gitops.mjs\n`);
