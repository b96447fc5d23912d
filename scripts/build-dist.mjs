// Second half of `npm run build`, after tsc has compiled generator/ to dist/:
// 1. writes ajv's standalone validator for the spec schema to dist/spec/, so the CLI does not compile
//    the schema on every run (see generator/spec/validator.ts);
// 2. bundles the compiled CLI and its dependencies into one CommonJS file, dist/pi-gitops.cjs, which
//    bin/pi-gitops.js runs: Node then reads and compiles one module instead of a few hundred, which
//    is most of a command's start-up (BENCHMARKS.md). Files the code reads from the package (schemas,
//    script bodies, package.json) are named from the package folder (generator/package-root.ts), so they
//    are found from the bundle as from the sources;
// 3. records V8 code caches (generator/io/code-cache.ts) for the bundle and the large precompiled
//    validators by running the read-only commands once on this repository: later runs skip parsing
//    and compiling every function those runs used. CommonJS, because V8 hands out caches for scripts,
//    not for ES modules.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

const { clusterSchema } = await import('../dist/spec/schema.js');
const { PRECOMPILED_FILE, validatorSource } = await import('../dist/spec/validator.js');
writeFileSync(join(root, 'dist/spec', PRECOMPILED_FILE), validatorSource(clusterSchema));

rmSync(join(root, 'dist/pi-gitops.mjs'), { force: true }); // the ES module bundle of earlier builds
await build({
  entryPoints: [join(root, 'dist/cli/bin.js')],
  outfile: join(root, 'dist/pi-gitops.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import() of modules inside the bundle becomes require(): a vm.Script has no ES module loader.
  supported: { 'dynamic-import': false },
  // The sources are ES modules: strict mode, and import.meta.url for the file's own location.
  define: { 'import.meta.url': '__piGitopsImportMetaUrl' },
  banner: { js: "'use strict';\nconst __piGitopsImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  legalComments: 'none',
});

const { CODE_CACHE_DIR, probeCodeCache } = await import('../dist/io/code-cache.js');
rmSync(join(root, CODE_CACHE_DIR), { recursive: true, force: true });
// Each run starts from the caches the runs before it wrote, so the last one holds what all of them compiled.
for (const command of [['validate'], ['generate', '--check'], ['budget']]) {
  const run = spawnSync(process.execPath, [join(root, 'bin/pi-gitops.js'), ...command], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PI_GITOPS_CODE_CACHE: 'write', NO_COLOR: '1', GITHUB_ACTIONS: '' },
  });
  // Findings (exit 1) or a missing kubectl (exit 2) still leave a useful cache; a crash does not.
  if (run.status === null || run.status > 2) process.stderr.write(`warning: pi-gitops ${command.join(' ')} exited ${run.status ?? run.signal} while recording code caches: ${run.stderr.toString().slice(0, 400)}\n`);
}
const cache = probeCodeCache(join(root, 'dist/pi-gitops.cjs'), { cacheDir: join(root, CODE_CACHE_DIR) });
if (cache !== 'hit') process.stderr.write(`warning: the bundle's code cache is ${cache}; the CLI works, but starts slower\n`);
process.stdout.write(`wrote dist/spec/${PRECOMPILED_FILE}, dist/pi-gitops.cjs and its code cache (${CODE_CACHE_DIR}/)\n`);
