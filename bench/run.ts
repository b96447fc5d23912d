/**
 * `npm run bench`: how fast pi-gitops is against the step it sits beside and against the floor, measured
 * side by side in one run (ratios are only compared within a run). Prints a table and writes BENCHMARKS.md.
 * Never a timed test: the suite asserts behaviour, this file measures it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify, parseAllDocuments } from 'yaml';
import { renderRepository } from '../generator/render/repository.js';
import { emitYaml } from '../generator/render/yaml-emit.js';
import { clusterOfPath } from '../generator/render/layout.js';
import { loadSpecs } from '../generator/io/specs.js';
import { buildCluster } from '../generator/repo/flux-graph.js';
import { BUILD_GOGC, kustomizeBuild, kustomizeBuildAll } from '../generator/io/kustomize.js';
import { createSchemaCheck, SchemaStore } from '../generator/validate/schemas/index.js';
import type { BuiltObject } from '../generator/validate/types.js';
import { checkPolicy } from '../generator/validate/policy/index.js';
import { checkReferences } from '../generator/validate/references.js';
import { syntheticSpec } from './synthetic.js';
import { benchBudgetScale, budgetObjectsPerSecond } from './budget.js';

const root = new URL('..', import.meta.url).pathname;
const cli = ['bin/pi-gitops.js'];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** CPU seconds (user + system) of this process's finished and waited-for children, from /proc; 0 elsewhere. */
function childrenCpu(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
    // After the command name: field 16 cutime and 17 cstime of proc(5), here at 13 and 14, in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

/** Wall time of one run of a whole process. */
function timeProcessOnce(command: string, args: readonly string[], expectStatus: readonly number[] = [0], env: NodeJS.ProcessEnv = {}): number {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, NO_COLOR: '1', GITHUB_ACTIONS: '' } });
  const ms = performance.now() - start;
  if (!expectStatus.includes(result.status ?? -1)) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.toString().slice(0, 400)}`);
  return ms;
}

/** Wall time of a whole process, median of RUNS, after one warm-up run (file cache). */
function timeProcess(command: string, args: readonly string[], expectStatus: readonly number[] = [0]): number {
  timeProcessOnce(command, args, expectStatus);
  return median(Array.from({ length: RUNS }, () => timeProcessOnce(command, args, expectStatus)));
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

function timeSync(fn: () => unknown, runs = RUNS): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** A single-quoted word for sh. */
const shellWord = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

interface Replay {
  /** One validate --cluster pi5-lab against the recordings: wall time, and validate's own time before the first and after the last build. */
  run: () => { wall: number; beforeFirst: number; afterLast: number };
  remove: () => void;
  /** The longest recorded build: the replayed builds take this long. */
  longestMs: number;
}

/**
 * A stand-in for kubectl that replays recorded builds: each path's output after the median time its
 * build takes when all of them start at once (as validate starts them). It writes the time (GNU date)
 * when each build starts and ends, so a run can say how long validate worked before the first and after the last.
 */
async function replayKubectl(paths: readonly string[]): Promise<Replay> {
  const dir = mkdtempSync(join(tmpdir(), 'pi-gitops-bench-'));
  const durations = new Map<string, number[]>(paths.map((p) => [p, []]));
  for (let run = 0; run < RUNS * 2 + 1; run++) {
    const start = performance.now();
    await Promise.all(paths.map(async (p, i) => {
      const result = await kustomizeBuild(root, p);
      if (result.yaml === undefined) throw new Error(`kubectl kustomize ${p} failed: ${result.error}`);
      durations.get(p)!.push(performance.now() - start);
      if (run === 0) writeFileSync(join(dir, `${i}.yaml`), result.yaml);
    }));
  }
  const seconds = paths.map((p) => median(durations.get(p)!) / 1000);
  const arms = paths.map((p, i) => `  ${shellWord(join(root, p))}) date +%s%N > ${shellWord(join(dir, `start-${i}`))}; sleep ${seconds[i]!.toFixed(3)}; cat ${shellWord(join(dir, `${i}.yaml`))}; date +%s%N > ${shellWord(join(dir, `end-${i}`))} ;;`);
  const kubectl = join(dir, 'kubectl');
  writeFileSync(kubectl, ['#!/bin/sh', '# pi-gitops bench: replays recorded `kubectl kustomize` builds', 'case "$2" in', ...arms, '  *) echo "no recording for $2" >&2; exit 3 ;;', 'esac', ''].join('\n'));
  chmodSync(kubectl, 0o755);
  const markTime = (name: string): number => Number(readFileSync(join(dir, name), 'utf8').trim()) / 1e6; // GNU date: ns since the epoch
  const validateJson = (env: NodeJS.ProcessEnv): string => spawnSync(process.execPath, [...cli, 'validate', '--cluster', 'pi5-lab', '--format', 'json'], { cwd: root, env: { ...process.env, ...env, NO_COLOR: '1', GITHUB_ACTIONS: '' } }).stdout.toString();
  if (validateJson({ PI_GITOPS_KUBECTL: kubectl }) !== validateJson({})) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error('validate reports differently against the recorded builds than against kubectl: the replay is not faithful');
  }
  return {
    longestMs: Math.max(...seconds) * 1000,
    run() {
      for (let i = 0; i < paths.length; i++) for (const mark of ['start', 'end']) rmSync(join(dir, `${mark}-${i}`), { force: true });
      const begin = performance.timeOrigin + performance.now();
      const wall = timeProcessOnce(process.execPath, [...cli, 'validate', '--cluster', 'pi5-lab'], [0, 1], { PI_GITOPS_KUBECTL: kubectl });
      const end = begin + wall;
      const firstStart = Math.min(...paths.map((_, i) => markTime(`start-${i}`)));
      const lastEnd = Math.max(...paths.map((_, i) => markTime(`end-${i}`)));
      return { wall, beforeFirst: firstStart - begin, afterLast: end - lastEnd };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const rows: [string, string, string][] = [];
const row = (what: string, value: string, note = ''): void => {
  rows.push([what, value, note]);
  process.stdout.write(`${what.padEnd(62)} ${value.padStart(14)}  ${note}\n`);
};
const ms = (n: number): string => `${n.toFixed(0)} ms`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;

// The bin runs dist/ only when it is newer than every source; build it so the CLI is timed as users run it.
execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'ignore' });

// 1. As a user runs it: cold processes on the bundled pi5-lab.
const nodeStart = timeProcess(process.execPath, ['-e', '0']);
const cliStart = timeProcess(process.execPath, [...cli, '--version']);
row('node -e 0 (process floor)', ms(nodeStart));
row('pi-gitops --version (CLI start-up)', ms(cliStart), `(c) ${ratio(cliStart, nodeStart)} node -e 0`);
const generateCheck = timeProcess(process.execPath, [...cli, 'generate', '--check']);
row('pi-gitops generate --check (both example clusters)', ms(generateCheck));
const validateAll = timeProcess(process.execPath, [...cli, 'validate'], [0, 1]);
row('pi-gitops validate (the whole repository: both example clusters)', ms(validateAll));
const budgetCli = timeProcess(process.execPath, [...cli, 'budget', '--cluster', 'pi5-lab'], [0, 1]);
row('pi-gitops budget --cluster pi5-lab', ms(budgetCli));

// (a) The whole validate of pi5-lab (all eight stages) against the kustomize builds of the same Flux paths
// alone, the step Flux itself runs. Like Flux, the builds alone need the entry built before they know the
// paths it declares: two waves, the second in parallel. validate starts them all at once (it reads the
// paths from the entry's files and keeps what the entry's build confirms). The third measurement is that
// alone, in a Node process that does nothing else: what any Node CLI starting these builds pays. All three
// run kubectl as validate does (GOGC=400, generator/io/kustomize.ts); the fourth is the builds alone at Go's
// default GOGC=100, as `kubectl kustomize` runs by hand, for context.
// Measured in alternation, so the machine's load falls on all of them alike.
const graph = await buildCluster(root, 'clusters/pi5-lab');
const [entry, ...children] = graph.builds.map((b) => b.path);
const paths = JSON.stringify(graph.builds.map((b) => b.path));
const startOnly = `const { execFile } = require('node:child_process'); Promise.all(${paths}.map((p) => new Promise((done, fail) => execFile('kubectl', ['kustomize', p], { maxBuffer: 1 << 26, env: { ...process.env, GOGC: '${BUILD_GOGC}' } }, (e) => (e ? fail(e) : done())))));`;
const buildsAlone = async (): Promise<void> => {
  await kustomizeBuildAll(root, [entry!]);
  await kustomizeBuildAll(root, children);
};

// (a, continued) Would more cores meet the target? A fifth measurement takes kubectl's CPU off this
// machine: validate runs against a stand-in kubectl (sh, sleep, cat) that returns each path's recorded
// output after as long as that build takes when validate starts them all at once. What is left is
// validate's own critical path: start-up until the first build starts, and its work after the last
// build ends. The stand-in writes down when each build starts and ends, so the two are measured, not inferred.
const replay = await replayKubectl(graph.builds.map((b) => b.path));
const sideBySide: { validate: number[]; builds: number[]; floor: number[]; defaultGc: number[]; replay: number[]; beforeFirst: number[]; afterLast: number[] } = { validate: [], builds: [], floor: [], defaultGc: [], replay: [], beforeFirst: [], afterLast: [] };
const childCpu = { validate: 0, builds: 0 }; // CPU seconds of the finished child processes (Linux /proc), summed over the runs
timeProcessOnce(process.execPath, [...cli, 'validate', '--cluster', 'pi5-lab'], [0, 1]);
await buildsAlone();
try {
  for (let i = 0; i < RUNS * 2 + 1; i++) {
    let before = childrenCpu();
    sideBySide.validate.push(timeProcessOnce(process.execPath, [...cli, 'validate', '--cluster', 'pi5-lab'], [0, 1]));
    childCpu.validate += childrenCpu() - before;
    before = childrenCpu();
    const start = performance.now();
    await buildsAlone();
    sideBySide.builds.push(performance.now() - start);
    childCpu.builds += childrenCpu() - before;
    sideBySide.floor.push(timeProcessOnce(process.execPath, ['-e', startOnly]));
    const userGogc = process.env.GOGC;
    process.env.GOGC = '100';
    const defaultStart = performance.now();
    await buildsAlone();
    sideBySide.defaultGc.push(performance.now() - defaultStart);
    if (userGogc === undefined) delete process.env.GOGC;
    else process.env.GOGC = userGogc;
    const replayed = replay.run();
    sideBySide.replay.push(replayed.wall);
    sideBySide.beforeFirst.push(replayed.beforeFirst);
    sideBySide.afterLast.push(replayed.afterLast);
  }
} finally {
  replay.remove();
}
const validate = median(sideBySide.validate);
const kustomizeOnly = median(sideBySide.builds);
const startOnlyMs = median(sideBySide.floor);
const runs = sideBySide.validate.length;
row('pi-gitops validate --cluster pi5-lab (all 8 stages)', ms(validate), `median of ${runs}, alternated with the four measurements below`);
row(`kubectl kustomize of the ${children.length + 1} Flux paths of pi5-lab alone (entry, then the rest in parallel)`, ms(kustomizeOnly));
row('node process starting the same builds at once, nothing else', ms(startOnlyMs), `${ratio(startOnlyMs, kustomizeOnly)} the builds alone`);
row('validate vs kustomize builds alone', ratio(validate, kustomizeOnly), '(a) target ≤ 1.25×');
const defaultGcMs = median(sideBySide.defaultGc);
row('the same builds alone at Go\'s default GOGC=100 (kubectl by hand)', ms(defaultGcMs), `validate is ${ratio(validate, defaultGcMs)} this`);
const replayMs = median(sideBySide.replay);
row('validate --cluster pi5-lab against recorded builds (kubectl\'s CPU off this machine)', ms(replayMs), `${ratio(replayMs, kustomizeOnly)} the builds alone: validate's own part when kubectl has cores to itself`);
row('  of which: start-up until the first build starts', ms(median(sideBySide.beforeFirst)), `builds replayed in ${replay.longestMs.toFixed(0)} ms`);
row('  of which: after the last build ends, until exit', ms(median(sideBySide.afterLast)), 'parse, schemas, references, policy, budget, report');
if (childCpu.builds > 0) {
  // With fewer cores than busy processes, validate's own CPU adds to the builds' (the row above is the other case).
  row('CPU time: validate (its process and kubectl) vs the builds alone', `${ms((childCpu.validate / runs) * 1000)} / ${ms((childCpu.builds / runs) * 1000)}`, `validate's own work ${ms(((childCpu.validate - childCpu.builds) / runs) * 1000)} of CPU per run, on ${cpus().length} cores`);
}

// (b) render vs a bare yaml stringify of the same objects (the floor).
const { specs } = await loadSpecs(root);
const rendered = renderRepository(specs);
const objects = rendered.filter((f) => /\.ya?ml$/.test(f.path)).flatMap((f) => parseAllDocuments(f.content).map((d) => (Array.isArray(d) ? null : d.toJS())).filter((o) => o && typeof o === 'object'));
const renderMs = timeSync(() => renderRepository(specs), 20);
// (b) The floor is a bare yaml stringify of the same objects. The renderer now writes with emitYaml (the
// same bytes, faster), so writing the objects with it alone is shown too: what rendering adds to the writing.
const floorMs = timeSync(() => objects.map((o) => stringify(o, { lineWidth: 0 })), 20);
const writeMs = timeSync(() => objects.map((o) => emitYaml(o) ?? stringify(o, { lineWidth: 0 })), 20);
row(`render both example clusters (${rendered.length} files, ${objects.length} documents)`, `${renderMs.toFixed(1)} ms`);
row('bare yaml stringify of the same objects', `${floorMs.toFixed(1)} ms`);
row('render vs stringify floor', ratio(renderMs, floorMs), '(b) target ≤ 2×');
row('bare emitYaml of the same objects (the writer render uses)', `${writeMs.toFixed(1)} ms`, `render is ${ratio(renderMs, writeMs)} this`);

// 2. Scale: synthetic specs of 1, 10 and 50 clusters × 40 apps.
const schemaCheck = createSchemaCheck({ store: new SchemaStore() });
for (const clusters of [1, 10, 50]) {
  const synthetic = Array.from({ length: clusters }, (_, i) => syntheticSpec(`syn-${String(i).padStart(2, '0')}`, 6, 40));
  let files = renderRepository(synthetic);
  const renderTime = timeSync(() => (files = renderRepository(synthetic)), 3);
  const docs: BuiltObject[] = files
    .filter((f) => /\.ya?ml$/.test(f.path) && !f.path.endsWith('kustomization.yaml') && !f.path.includes('/nodes/') && !f.path.includes('/ansible/'))
    .flatMap((f) => parseAllDocuments(f.content).map((d) => ({ object: (Array.isArray(d) ? {} : d.toJS()) as Record<string, unknown>, fluxPath: f.path })))
    .filter((o) => o.object && typeof o.object.kind === 'string');
  const schemaTime = timeSync(() => schemaCheck(docs), 3);
  // The three object stages together, as validate runs them on a cluster's built objects.
  const objectStagesTime = await timeAsync(async () => {
    schemaCheck(docs);
    checkReferences(docs);
    await checkPolicy(docs);
  });
  // The budget runs per cluster: that cluster's overlays plus the shared bases it uses (unbuilt documents).
  const names = synthetic.map((s) => s.cluster.metadata.name);
  const budgetRate = budgetObjectsPerSecond(
    synthetic.map((s) => ({ spec: s, objects: docs.filter((d) => [undefined, s.cluster.metadata.name].includes(clusterOfPath(d.fluxPath, names))).map((d) => d.object) })),
  );
  row(`scale ${String(clusters).padStart(2)} cluster(s) × 40 apps: render`, `${Math.round((docs.length / renderTime) * 1000).toLocaleString('en')}/s`, `${docs.length} objects in ${renderTime.toFixed(0)} ms`);
  row(`scale ${String(clusters).padStart(2)} cluster(s) × 40 apps: schema validation`, `${Math.round((docs.length / schemaTime) * 1000).toLocaleString('en')}/s`, `${schemaTime.toFixed(0)} ms`);
  row(`scale ${String(clusters).padStart(2)} cluster(s) × 40 apps: schemas + references + policy`, `${Math.round((docs.length / objectStagesTime) * 1000).toLocaleString('en')}/s`, `${objectStagesTime.toFixed(0)} ms; target ≥ 10,000/s`);
  row(`scale ${String(clusters).padStart(2)} cluster(s) × 40 apps: budget`, `${Math.round(budgetRate.objectsPerSecond).toLocaleString('en')}/s`, `${budgetRate.objects} objects, every scenario, ${budgetRate.ms.toFixed(0)} ms`);
}

// 3. Budget: N nodes × 1,000 pods, steady + HPA max + every single-node loss.
for (const result of benchBudgetScale([3, 6, 12, 24])) {
  row(`budget ${String(result.nodes).padStart(2)} nodes × ${result.pods} pods, ${result.scenarios} scenarios`, `${result.medianMs.toFixed(1)} ms`, result.nodes === 12 ? 'target < 200 ms' : '');
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, kubectl ${execFileSync('kubectl', ['version', '--client', '-o', 'json']).toString().match(/"gitVersion":\s*"([^"]+)"/)?.[1] ?? '?'}`;
const date = new Date().toISOString().slice(0, 10);
const table = ['| measurement | result | note |', '| --- | ---: | --- |', ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`)].join('\n');
writeFileSync(
  new URL('../BENCHMARKS.md', import.meta.url),
  `# Benchmarks\n\nMeasured by \`npm run bench\` (bench/run.ts) on ${date}: ${machine}. Medians of ${RUNS} runs after a warm-up; cold processes where a user would start one. Ratios compare measurements taken side by side in the same run.\n\n${table}\n`,
);
process.stdout.write(`\nmachine: ${machine}\ndate: ${date}\nwritten: BENCHMARKS.md\n`);
