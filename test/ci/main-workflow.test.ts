import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { COMMIT_TRAILER } from '../../generator/io/git.js';
import { git, projectSandbox, runCli, runStep, type ProjectSandbox, type WorkflowStep } from './helpers.js';

// Runs the steps of .github/workflows/main.yaml after the checkout and installs — the scripts as
// written there, with the job's env — on a clone of a local bare repository, stopping at the
// first failing step as GitHub does.

interface Job {
  env: Record<string, string>;
  steps: WorkflowStep[];
}
const job = (parseYaml(readFileSync('.github/workflows/main.yaml', 'utf8')) as { jobs: { render: Job } }).jobs.render;
const scripted = ['Render', 'Validate', 'Commit and push the rendered output'];

let box: ProjectSandbox | undefined;
afterEach(() => {
  if (box) rmSync(box.root, { recursive: true, force: true });
  box = undefined;
});

function runJob(sandbox: ProjectSandbox): { ran: string[]; failed?: string; output: string } {
  const env = { PATH: `${sandbox.shims}:${process.env.PATH}`, HOME: process.env.HOME ?? sandbox.root, GITHUB_ACTIONS: 'true', ...job.env };
  const ran: string[] = [];
  let output = '';
  for (const name of scripted) {
    const step = job.steps.find((s) => s.name === name);
    if (!step) throw new Error(`main.yaml has no step "${name}"`);
    ran.push(name);
    const result = runStep(step, sandbox.workspace, env);
    output += result.output;
    if (result.code !== 0) return { ran, failed: name, output };
  }
  return { ran, output };
}


describe('main.yaml, run on a local repository', () => {
  it('never commits when validation fails', async () => {
    // Given: a merge brings a spec change and a hand-written YAML file that does not parse, in an
    // output folder: generate leaves it alone (not its file), validate must stop the job.
    box = projectSandbox('pi-gitops-mainflow-');
    const spec = join(box.workspace, 'clusters/pi5-lab/cluster.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('version: 2.9.4', 'version: 2.9.5'));
    writeFileSync(join(box.workspace, 'clusters/pi5-lab/notes.yaml'), 'owners: [unclosed\n');
    git(box.workspace, 'add', '.');
    git(box.workspace, 'commit', '-q', '-m', 'Merge: Flux 2.9.5 and some notes');
    git(box.workspace, 'push', '-q', 'origin', 'HEAD:main');
    const before = git(box.remote, 'rev-parse', 'main').trim();

    // When
    const run = runJob(box);

    // Then: Render ran, Validate failed on the file that does not parse, nothing was pushed.
    expect(run.ran).toEqual(['Render', 'Validate']);
    expect(run.failed, run.output).toBe('Validate');
    expect(git(box.remote, 'rev-parse', 'main').trim()).toBe(before);
    expect(git(box.workspace, 'status', '--porcelain', '--untracked-files=all')).toContain('clusters/pi5-lab/flux-system/flux-instance.yaml');
  });

  it('renders, validates and commits the rendered output as the bot when the specs are valid', async () => {
    box = projectSandbox('pi-gitops-mainflow-');
    const before = git(box.remote, 'rev-parse', 'main').trim();

    const run = runJob(box);

    expect(run.failed, run.output).toBeUndefined();
    const [author, subject] = git(box.remote, 'log', '-1', '--format=%an <%ae>%n%s', 'main').trim().split('\n');
    expect(author).toBe(`${job.env.PI_GITOPS_BOT_NAME} <${job.env.PI_GITOPS_BOT_EMAIL}>`);
    expect(subject).toBe('Render pi5-lab, pi5-mini');
    expect(git(box.remote, 'log', '-1', '--format=%B', 'main')).toContain(COMMIT_TRAILER);
    // A second run finds nothing to commit.
    const again = runJob(box);
    expect(again.failed).toBeUndefined();
    expect(again.output).toContain('nothing to commit');
  });
});
