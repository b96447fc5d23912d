import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
