import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderRepository } from '../../generator/render/repository.js';
import { REPORT_MARKER } from '../../generator/report/comment.js';
import { loadSpec } from '../../generator/spec/load.js';
import { git, projectSandbox, runCli, runStep, type ProjectSandbox, type WorkflowStep } from './helpers.js';

// Runs the report steps of .github/workflows/pr.yaml — the scripts as written there — in a
// throw-away repository holding this generator, for a pull request that raises a replica count
// and upgrades Flux. `npm ci` is replaced by a shim linking this checkout's node_modules
// (tests use no network); everything else is the real scripts, git, and the real CLI.

const reportSteps = ['Render', 'Validate', 'Budget on this pull request', 'Budget on the base branch', 'Changes per cluster', 'Report in the job summary'];
const steps = (parseYaml(readFileSync('.github/workflows/pr.yaml', 'utf8')) as { jobs: { check: { steps: WorkflowStep[] } } }).jobs.check.steps;

let box: ProjectSandbox;
let temp: string;

beforeAll(() => {
  box = projectSandbox('pi-gitops-prflow-');
  const { workspace } = box;
  git(workspace, 'checkout', '-q', '-b', 'more-replicas');
  const spec = join(workspace, 'clusters/pi5-lab/cluster.yaml');
  const text = readFileSync(spec, 'utf8');
  const raised = text.replace('version: 1.4.2\n      replicas: 2', 'version: 1.4.2\n      replicas: 3').replace('flux:\n    version: 2.9.4', 'flux:\n    version: 2.9.5');
  expect(raised).not.toBe(text);
  writeFileSync(spec, raised);
  git(workspace, 'commit', '-q', '-am', 'Three device-management replicas, Flux 2.9.5');

  temp = join(box.root, 'runner-temp');
  mkdirSync(temp);
  const env = {
    PATH: `${box.shims}:${process.env.PATH}`,
    HOME: process.env.HOME ?? box.root,
    RUNNER_TEMP: temp,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: join(box.root, 'github-output'),
    GITHUB_STEP_SUMMARY: join(box.root, 'step-summary.md'),
    GITHUB_ACTIONS: 'true',
    GITHUB_BASE_REF: 'main',
  };
  const values = { '${{ github.base_ref }}': 'main', '${{ github.event.pull_request.head.sha }}': git(workspace, 'rev-parse', 'HEAD').trim() };
  for (const name of reportSteps) {
    const step = steps.find((s) => s.name === name);
    if (!step) throw new Error(`pr.yaml has no step "${name}"`);
    const result = runStep(step, workspace, env, values);
    if (result.code !== 0) throw new Error(`step "${name}" failed (${result.code}):\n${result.output}`);
  }
}, 300_000);

afterAll(() => {
  if (box) rmSync(box.root, { recursive: true, force: true });
});

describe('pr.yaml report steps, run for a pull request that raises a replica count', () => {
  it('records the validate exit code for the gate and writes the report parts', () => {
    expect(readFileSync(join(box.root, 'github-output'), 'utf8')).toMatch(/^exit=\d+$/m);
    for (const file of ['validate.json', 'budget-after.md', 'budget-before.md', 'diff.md']) expect(existsSync(join(temp, 'report', file)), file).toBe(true);
    expect(readFileSync(join(temp, 'base', 'clusters/pi5-lab/cluster.yaml'), 'utf8')).toContain('replicas: 2');
  });

  it('summarises the change per cluster against origin/<base>', () => {
    const diff = readFileSync(join(temp, 'report', 'diff.md'), 'utf8');

    expect(diff).toContain('Objects the clusters build to (kustomize) against `origin/main`');
    expect(diff).toContain('`spec.distribution.version: 2.9.4 → 2.9.5`');
    // The raised replica count shows on the Deployment pi5-lab runs.
    expect(diff).toContain('`Deployment iot/device-management`');
    expect(diff).toContain('`spec.replicas: 2 → 3`');
  });

  it('puts the composed report, marker first, into the job summary', async () => {
    const summary = readFileSync(join(box.root, 'step-summary.md'), 'utf8');

    expect(summary.startsWith(REPORT_MARKER)).toBe(true);
    expect(summary).toContain('### Changes to the rendered repository');
    expect(summary).toContain('`spec.distribution.version: 2.9.4 → 2.9.5`');
    // The base and head budgets differ by one replica: the comment shows before → after.
    expect(summary).toContain('#### Before → after');
    expect(summary).toContain('#### After (this pull request)');
    expect(summary).toContain('<details><summary><b>Before (base)</b></summary>');
  });
});
