import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../generator/cli/main.js';

export const REPO = process.cwd();

/** A stream that keeps what was written. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process, as bin.ts would, with fake streams. */
export async function cli(cwd: string, argv: readonly string[], options: { color?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { cwd, stdout, stderr, env: options.env ?? {}, color: options.color ?? false });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A temporary repository holding copies of the bundled example specs (and nothing generated). */
export function tempRepo(clusters: readonly string[] = ['pi5-lab', 'pi5-mini']): string {
  const root = mkdtempSync(join(tmpdir(), 'pi-gitops-e2e-'));
  for (const name of clusters) cpSync(join(REPO, 'clusters', name, 'cluster.yaml'), join(root, 'clusters', name, 'cluster.yaml'));
  return root;
}

export function removeRepo(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

export interface Entry {
  readonly bytes: string;
  readonly mode: number;
  readonly mtimeMs: number;
}

/** Every file under root: content (base64), permission bits and modification time. */
export function snapshot(root: string, dir = ''): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) for (const [p, e] of snapshot(root, path)) out.set(p, e);
    else {
      const stat = statSync(join(root, path));
      out.set(path, { bytes: readFileSync(join(root, path)).toString('base64'), mode: stat.mode & 0o777, mtimeMs: stat.mtimeMs });
    }
  }
  return out;
}

/** Content and modes only (what "byte-identical" means; rewriting a file with equal bytes is allowed). */
export function contents(root: string): Record<string, string> {
  return Object.fromEntries([...snapshot(root)].map(([path, e]) => [path, `${e.mode.toString(8)} ${e.bytes}`]));
}
