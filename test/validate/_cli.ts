import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../generator/cli/main.js';

export interface CliRun { readonly code: number; readonly stdout: string; readonly stderr: string }

/** Runs `pi-gitops …` in-process in `cwd`, capturing both streams. */
export async function cli(cwd: string, argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += String(chunk)));
  stderr.on('data', (chunk) => (err += String(chunk)));
  const code = await main(argv, { cwd, stdout, stderr, env, color: false });
  return { code, stdout: out, stderr: err };
}

/** A temporary copy of a repository's Flux folders (and top-level generated files). */
export function copyRepo(from: string): string {
  const to = mkdtempSync(join(tmpdir(), 'pi-gitops-validate-'));
  for (const entry of ['clusters', 'apps', 'infrastructure', 'bootstrap', '.gitattributes', '.sops.yaml']) {
    if (existsSync(join(from, entry))) cpSync(join(from, entry), join(to, entry), { recursive: true });
  }
  return to;
}

/** Replaces text in a file of a copied repository; the text must be there. */
export function change(root: string, file: string, from: string, to: string): void {
  const text = readFileSync(join(root, file), 'utf8');
  if (!text.includes(from)) throw new Error(`${JSON.stringify(from)} not found in ${file}`);
  writeFileSync(join(root, file), text.replace(from, to));
}

/** 1-based line of the first line containing `needle` in a file. */
export function lineOf(root: string, file: string, needle: string): number {
  const index = readFileSync(join(root, file), 'utf8').split('\n').findIndex((l) => l.includes(needle));
  if (index === -1) throw new Error(`${needle} not in ${file}`);
  return index + 1;
}

/** Tests that build with real kustomize fail, naming the tool, when kubectl is missing (never skip). */
export function requireKubectl(): void {
  try {
    execFileSync(process.env.PI_GITOPS_KUBECTL ?? 'kubectl', ['version', '--client'], { stdio: 'ignore' });
  } catch {
    throw new Error('kubectl (with kustomize v5) is required for these tests and was not found on PATH');
  }
}
