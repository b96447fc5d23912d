import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPORT_MARKER } from '../../generator/report/comment.js';
import { git, runCli } from './helpers.js';

// Runs the report steps of .github/workflows/pr.yaml — the scripts as written there — in a
// throw-away repository holding this generator, for a pull request that raises a replica count
// and upgrades Flux. `npm ci` is replaced by a shim linking this checkout's node_modules
// (tests use no network); everything else is the real scripts, git, and the real CLI.

const project = resolve('.');
const reportSteps = ['Validate', 'Budget on this pull request', 'Budget on the base branch', 'Changes per cluster', 'Report in the job summary'];
interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}
const steps = (parseYaml(readFileSync('.github/workflows/pr.yaml', 'utf8')) as { jobs: { check: { steps: Step[] } } }).jobs.check.steps;

let root: string;
let workspace: string;
let temp: string;
const logs: Record<string, string> = {};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pi-gitops-prflow-'));
  const remote = join(root, 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', remote]);
  const seed = join(root, 'seed');
  execFileSync('git', ['clone', '-q', remote, seed], { stdio: 'ignore' });
  for (const path of ['bin', 'generator', 'schemas', 'package.json', 'package-lock.json', 'tsconfig.json', 'clusters/pi5-lab/cluster.yaml', 'clusters/pi5-mini/cluster.yaml']) cpSync(join(project, path), join(seed, path), { recursive: true });
  writeFileSync(join(seed, '.gitignore'), 'node_modules\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'Base');
  git(seed, 'push', '-q', 'origin', 'HEAD:main');

  workspace = join(root, 'workspace');
  execFileSync('git', ['clone', '-q', remote, workspace], { stdio: 'ignore' });
  git(workspace, 'checkout', '-q', '-b', 'more-replicas');
  const spec = join(workspace, 'clusters/pi5-lab/cluster.yaml');
  const text = readFileSync(spec, 'utf8');
  const raised = text.replace('version: 1.4.2\n      replicas: 2', 'version: 1.4.2\n      replicas: 3').replace('flux:\n    version: 2.9.4', 'flux:\n    version: 2.9.5');
  expect(raised).not.toBe(text);
  writeFileSync(spec, raised);
  git(workspace, 'commit', '-q', '-am', 'Three device-management replicas, Flux 2.9.5');
  symlinkSync(join(project, 'node_modules'), join(workspace, 'node_modules'));

  // npm shim: `npm ci` links the dependencies instead of downloading them.
  const shims = join(root, 'shims');
  mkdirSync(shims);
  writeFileSync(join(shims, 'npm'), `#!/usr/bin/env bash\nset -e\n[ "$1" = ci ] || { echo "npm shim: only ci" >&2; exit 1; }\nln -sfn ${JSON.stringify(join(project, 'node_modules'))} node_modules\n`);
  chmodSync(join(shims, 'npm'), 0o755);

  temp = join(root, 'runner-temp');
  mkdirSync(temp);
  const env = {
    PATH: `${shims}:${process.env.PATH}`,
    HOME: process.env.HOME ?? root,
    RUNNER_TEMP: temp,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: join(root, 'github-output'),
    GITHUB_STEP_SUMMARY: join(root, 'step-summary.md'),
    GITHUB_ACTIONS: 'true',
    GITHUB_BASE_REF: 'main',
  };
  const values: Record<string, string> = { '${{ github.base_ref }}': 'main', '${{ github.event.pull_request.head.sha }}': git(workspace, 'rev-parse', 'HEAD').trim() };
  for (const name of reportSteps) {
    const step = steps.find((s) => s.name === name);
    if (!step?.run) throw new Error(`pr.yaml has no step "${name}" with a script`);
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, values[v] ?? v]));
    // GitHub runs `run:` with `bash -e {0}`.
    const script = join(root, 'step.sh');
    writeFileSync(script, step.run);
    logs[name] = execFileSync('bash', ['-e', script], { cwd: workspace, env: { ...env, ...stepEnv }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
  }
}, 300_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('pr.yaml report steps, run for a pull request that raises a replica count', () => {
  it('records the validate exit code for the gate and writes the report parts', () => {
    expect(readFileSync(join(root, 'github-output'), 'utf8')).toMatch(/^exit=\d+$/m);
    for (const file of ['validate.json', 'budget-after.md', 'budget-before.md', 'diff.md']) expect(existsSync(join(temp, 'report', file)), file).toBe(true);
    expect(existsSync(join(temp, 'base', 'clusters/pi5-lab/cluster.yaml'))).toBe(true);
    expect(readFileSync(join(temp, 'base', 'clusters/pi5-lab/cluster.yaml'), 'utf8')).toContain('replicas: 2');
  });

  it('summarises the change per cluster against origin/<base>', () => {
    const diff = readFileSync(join(temp, 'report', 'diff.md'), 'utf8');

    expect(diff).toContain('Rendered objects against `origin/main`');
    expect(diff).toContain('`spec.distribution.version: 2.9.4 → 2.9.5`');
  });

  it('puts the composed report, marker first, into the job summary', async () => {
    const summary = readFileSync(join(root, 'step-summary.md'), 'utf8');

    expect(summary.startsWith(REPORT_MARKER)).toBe(true);
    expect(summary).toContain('### Changes to the rendered repository');
    expect(summary).toContain('`spec.distribution.version: 2.9.4 → 2.9.5`');
    // Once `pi-gitops budget` is merged the base and head budgets differ by one replica; until
    // then the comment says the budget did not run. Both states are pinned here.
    const budget = await runCli(['budget', '--help'], process.cwd());
    if (budget.code === 0) {
      expect(summary).toContain('#### Before (base)');
      expect(summary).toContain('#### After (this pull request)');
    } else {
      expect(summary).toContain('_The budget did not run or produced no output; see the workflow log._');
    }
  });
});
