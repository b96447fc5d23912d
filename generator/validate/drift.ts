import type { Dirent, Stats } from 'node:fs';
import { posix } from 'node:path';
import type { Finding } from '../findings.js';
import { plan, realFs, type WriterFs } from '../io/tree.js';
import type { GeneratedFile } from '../render/files.js';
import { renderRepository } from '../render/repository.js';
import type { LoadedSpec } from '../spec/types.js';
import type { RepoFs } from './fs.js';

export interface DriftOptions {
  /** Read the repository through this (validate's per-run cache; tests' in-memory tree). @default the disk */
  readonly fs?: RepoFs;
  /** Whether `fs` is the disk at `root`, so file modes (executable scripts) can be compared. */
  readonly onDisk?: boolean;
  /** What validate already rendered for the files stage. */
  readonly rendered?: readonly GeneratedFile[];
  /** Only these paths (validate --cluster), as `generate --check --cluster`. */
  readonly inScope?: (path: string) => boolean;
}

/**
 * Drift stage: what `generate --check` does (plan() against renderRepository()), one finding per
 * differing file at its first differing line.
 */
export async function driftStage(root: string, specs: readonly LoadedSpec[], options: DriftOptions = {}): Promise<Finding[]> {
  const { fs, onDisk = false, rendered, inScope = () => true } = options;
  const files = rendered ?? renderRepository(specs);
  const result = await plan(root, files, inScope, fs ? writerView(root, fs, onDisk) : realFs);
  const findings: Finding[] = [];
  for (const path of result.conflicts) {
    findings.push({ stage: 'drift', code: 'E_DRIFT_CONFLICT', severity: 'error', file: path, position: { line: 1, column: 1 }, message: 'a hand-written file stands where pi-gitops renders one', hint: 'move it elsewhere, or delete it and run `pi-gitops generate`' });
  }
  for (const change of result.changes) {
    const hint = 'run `pi-gitops generate` and commit the result (edit the spec, not generated files)';
    if (change.kind === 'added') findings.push({ stage: 'drift', code: 'E_DRIFT_MISSING', severity: 'error', file: change.path, message: 'the spec renders this file but it is not in the repository', hint });
    else if (change.kind === 'removed') findings.push({ stage: 'drift', code: 'E_DRIFT_STALE', severity: 'error', file: change.path, position: { line: 1, column: 1 }, message: 'generated file that the spec no longer renders', hint });
    else {
      const now = fs ? new TextDecoder().decode((await fs.readFile(change.path)) ?? new Uint8Array()) : (await realFs.readFile(posix.join(root, change.path))).toString('utf8');
      const first = firstDifference(now, change.file?.content ?? '');
      findings.push({ stage: 'drift', code: 'E_DRIFT', severity: 'error', file: change.path, position: { line: first.line, column: 1 }, message: first.line === 0 ? 'file mode differs from what the spec renders' : `differs from what the spec renders, first at line ${first.line}`, expected: JSON.stringify(first.expected), found: JSON.stringify(first.found), hint });
    }
  }
  return findings;
}

function firstDifference(found: string, expected: string): { line: number; expected: string; found: string } {
  const a = found.split('\n');
  const b = expected.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return { line: i + 1, expected: b[i] ?? '(end of file)', found: a[i] ?? '(end of file)' };
  }
  return { line: 0, expected: '', found: '' };
}

/**
 * plan() reads through WriterFs; this view serves it from a RepoFs. Modes come from the disk when the
 * RepoFs reads it; in-memory trees report every file executable.
 */
function writerView(root: string, fs: RepoFs, onDisk: boolean): WriterFs {
  const rel = (path: string): string => posix.relative(root, path);
  const fail = (path: string): Error => Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return {
    async readFile(path) { const bytes = await fs.readFile(rel(path)); if (!bytes) throw fail(path); return Buffer.from(bytes); },
    async readdir(path) {
      const entries = await fs.list(rel(path));
      if (!entries) throw fail(path);
      return entries.map((e) => ({ name: e.name, isDirectory: () => e.type === 'dir', isFile: () => e.type === 'file' })) as unknown as Dirent[];
    },
    async stat(path) {
      if (onDisk) return realFs.stat(path);
      if (!(await fs.readFile(rel(path)))) throw fail(path);
      return { mode: 0o100755 } as Stats;
    },
    writeFile: async () => { throw new Error('read-only'); }, mkdir: async () => { throw new Error('read-only'); }, rename: async () => { throw new Error('read-only'); },
    rm: async () => { throw new Error('read-only'); }, chmod: async () => { throw new Error('read-only'); },
  };
}
