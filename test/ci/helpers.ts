import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../generator/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured streams. */
export async function runCli(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += String(c)));
  stderr.on('data', (c) => (err += String(c)));
  const code = await main(argv, { cwd, stdout, stderr, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, color: false });
  return { code, stdout: out, stderr: err };
}

const human = ['-c', 'user.name=Ada Operator', '-c', 'user.email=ada@example.com', '-c', 'commit.gpgsign=false'];

/** git with a human identity (the person merging pull requests). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...human, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface Sandbox {
  readonly root: string;
  readonly remote: string;
  clone(name: string): string;
  cleanup(): void;
}

/** A bare repository (main) seeded with the two example specs and nothing rendered, plus a way to clone it. */
export function sandbox(specs: readonly string[] = ['clusters/pi5-lab/cluster.yaml', 'clusters/pi5-mini/cluster.yaml']): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'pi-gitops-git-'));
  const remote = join(root, 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', remote]);
  const seed = join(root, 'seed');
  execFileSync('git', ['clone', '-q', remote, seed], { stdio: 'ignore' });
  for (const spec of specs) {
    mkdirSync(join(seed, dirname(spec)), { recursive: true });
    copyFileSync(spec, join(seed, spec));
  }
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'Add the cluster specs');
  git(seed, 'push', '-q', 'origin', 'HEAD:main');
  return {
    root,
    remote,
    clone(name) {
      const dir = join(root, name);
      execFileSync('git', ['clone', '-q', remote, dir], { stdio: 'ignore' });
      return dir;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface ProjectSandbox {
  readonly root: string;
  readonly remote: string;
  /** A clone of main with node_modules linked from this checkout. */
  readonly workspace: string;
  /** Folder holding an `npm` shim whose `npm ci` links node_modules (tests use no network). */
  readonly shims: string;
}

/** A bare repository whose main holds this generator (bin, generator, schemas, package files) and the example specs. */
export function projectSandbox(prefix: string): ProjectSandbox {
  const project = resolve('.');
  const root = mkdtempSync(join(tmpdir(), prefix));
  const remote = join(root, 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', remote]);
  const seed = join(root, 'seed');
  execFileSync('git', ['clone', '-q', remote, seed], { stdio: 'ignore' });
  for (const path of ['bin', 'generator', 'schemas', 'package.json', 'package-lock.json', 'tsconfig.json', 'clusters/pi5-lab/cluster.yaml', 'clusters/pi5-mini/cluster.yaml']) cpSync(join(project, path), join(seed, path), { recursive: true });
  writeFileSync(join(seed, '.gitignore'), 'node_modules\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'Base');
  git(seed, 'push', '-q', 'origin', 'HEAD:main');
  const workspace = join(root, 'workspace');
  execFileSync('git', ['clone', '-q', remote, workspace], { stdio: 'ignore' });
  symlinkSync(join(project, 'node_modules'), join(workspace, 'node_modules'));
  const shims = join(root, 'shims');
  mkdirSync(shims);
  writeFileSync(join(shims, 'npm'), `#!/usr/bin/env bash\nset -e\n[ "$1" = ci ] || { echo "npm shim: only ci" >&2; exit 1; }\nln -sfn ${JSON.stringify(join(project, 'node_modules'))} node_modules\n`);
  chmodSync(join(shims, 'npm'), 0o755);
  return { root, remote, workspace, shims };
}

export interface WorkflowStep {
  readonly name?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
}

/** Runs one `run:` script as GitHub does (`bash -e`); returns its exit code and output instead of throwing. */
export function runStep(step: WorkflowStep, cwd: string, env: NodeJS.ProcessEnv, values: Record<string, string> = {}): { code: number; output: string } {
  if (!step.run) throw new Error(`step ${step.name ?? '?'} has no script`);
  const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, values[v] ?? v]));
  const script = join(mkdtempSync(join(tmpdir(), 'pi-gitops-step-')), 'step.sh');
  writeFileSync(script, step.run);
  try {
    const output = execFileSync('bash', ['-e', script], { cwd, env: { ...env, ...stepEnv }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
    return { code: 0, output };
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  } finally {
    rmSync(dirname(script), { recursive: true, force: true });
  }
}
