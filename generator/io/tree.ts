import * as nodeFs from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { isGenerated, type GeneratedFile } from '../render/files.js';
import { OWNED_FILES, OWNED_ROOTS } from '../render/layout.js';


/** The filesystem calls the writer makes; tests inject failures through it. */
export interface WriterFs {
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: string, options?: { mode?: number }): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { recursive: true; force: true }): Promise<void>;
  readdir(path: string, options: { withFileTypes: true }): Promise<import('node:fs').Dirent[]>;
  chmod(path: string, mode: number): Promise<void>;
  stat(path: string): Promise<import('node:fs').Stats>;
}

export const realFs: WriterFs = nodeFs as unknown as WriterFs;

export type ChangeKind = 'added' | 'changed' | 'removed';

export interface FileChange {
  readonly path: string;
  readonly kind: ChangeKind;
  /** Unified diff, old → new. */
  readonly diff: string;
  /** New content (absent for removals). */
  readonly file?: GeneratedFile;
}

export interface Plan {
  readonly changes: readonly FileChange[];
  /** Paths where a hand-written file stands where the generator wants to write. */
  readonly conflicts: readonly string[];
}

/** Which paths a run may touch (all, or one cluster's plus the shared bases). */
export type Scope = (path: string) => boolean;
export const everything: Scope = () => true;

/** Lists every file the generator owns on disk now (those carrying the generated header). */
export async function ownedFiles(root: string, fs: WriterFs = realFs, scope: Scope = everything): Promise<Map<string, string>> {
  const owned = new Map<string, string>();
  const visit = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) await visit(path);
      else if (entry.isFile() && scope(path)) {
        const text = (await fs.readFile(join(root, path))).toString('utf8');
        if (isGenerated(text)) owned.set(path, text);
      }
    }
  };
  for (const top of OWNED_ROOTS) await visit(top);
  for (const file of OWNED_FILES) {
    if (!scope(file)) continue;
    try {
      const text = (await fs.readFile(join(root, file))).toString('utf8');
      if (isGenerated(text)) owned.set(file, text);
    } catch {
      // absent
    }
  }
  return owned;
}

/** Compares what the generator renders with the disk: what would be added, changed, removed, and refused. */
export async function plan(root: string, files: readonly GeneratedFile[], scope: Scope = everything, fs: WriterFs = realFs): Promise<Plan> {
  const owned = await ownedFiles(root, fs, scope); // another cluster's files are not read
  const changes: FileChange[] = [];
  const conflicts: string[] = [];
  const wanted = new Set<string>();
  for (const file of files) {
    if (!scope(file.path)) continue;
    wanted.add(file.path);
    const current = owned.get(file.path);
    if (current === undefined) {
      const existing = await readIfExists(fs, join(root, file.path));
      if (existing !== undefined) {
        conflicts.push(file.path);
        continue;
      }
      changes.push({ path: file.path, kind: 'added', diff: unified(file.path, '', file.content), file });
    } else if (current !== file.content || (file.mode !== undefined && !(await hasMode(fs, join(root, file.path), file.mode)))) {
      changes.push({ path: file.path, kind: 'changed', diff: unified(file.path, current, file.content), file });
    }
  }
  for (const [path, text] of owned) {
    if (!wanted.has(path) && scope(path)) changes.push({ path, kind: 'removed', diff: unified(path, text, '') });
  }
  changes.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { changes, conflicts: conflicts.sort() };
}

export class WriteError extends Error {}

/**
 * Applies a plan so that either every change lands or none does: new contents are staged in a
 * folder beside the tree, then swapped in by rename with the old files kept aside; any failure
 * moves everything back.
 */
export async function applyPlan(root: string, changes: readonly FileChange[], fs: WriterFs = realFs): Promise<void> {
  if (changes.length === 0) return;
  const work = join(root, `.pi-gitops-${process.pid}-${Date.now().toString(36)}`);
  const stage = join(work, 'stage');
  const backup = join(work, 'backup');
  const done: { path: string; hadOld: boolean; placedNew: boolean }[] = [];
  try {
    for (const change of changes) {
      if (!change.file) continue;
      const target = join(stage, change.path);
      await fs.mkdir(dirname(target), { recursive: true });
      await fs.writeFile(target, change.file.content, change.file.mode !== undefined ? { mode: change.file.mode } : {});
      if (change.file.mode !== undefined) await fs.chmod(target, change.file.mode);
    }
    for (const change of changes) {
      const target = join(root, change.path);
      const record = { path: change.path, hadOld: false, placedNew: false };
      done.push(record);
      if (change.kind !== 'added') {
        await fs.mkdir(dirname(join(backup, change.path)), { recursive: true });
        await fs.rename(target, join(backup, change.path));
        record.hadOld = true;
      }
      if (change.file) {
        await fs.mkdir(dirname(target), { recursive: true });
        await fs.rename(join(stage, change.path), target);
        record.placedNew = true;
      }
    }
  } catch (error) {
    for (const record of done.reverse()) {
      const target = join(root, record.path);
      if (record.placedNew) await fs.rm(target, { recursive: true, force: true }).catch(() => undefined);
      if (record.hadOld) await fs.rename(join(backup, record.path), target).catch(() => undefined);
    }
    await fs.rm(work, { recursive: true, force: true }).catch(() => undefined);
    throw new WriteError(`writing the generated tree failed, nothing was changed: ${(error as Error).message}`);
  }
  await fs.rm(work, { recursive: true, force: true });
  await removeEmptyFolders(root, changes.filter((c) => c.kind === 'removed').map((c) => c.path), fs);
}

async function removeEmptyFolders(root: string, removed: readonly string[], fs: WriterFs): Promise<void> {
  const folders = new Set<string>();
  for (const path of removed) {
    let dir = dirname(path);
    while (dir !== '.' && dir !== '') {
      folders.add(dir);
      dir = dirname(dir);
    }
  }
  for (const dir of [...folders].sort((a, b) => b.split('/').length - a.split('/').length)) {
    try {
      const entries = await fs.readdir(join(root, dir), { withFileTypes: true });
      if (entries.length === 0) await fs.rm(join(root, dir), { recursive: true, force: true });
    } catch {
      // already gone
    }
  }
}

async function readIfExists(fs: WriterFs, path: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(path)).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * Whether a file is executable as `mode` says. Git records only the owner's execute bit (100755 or
 * 100644); the other bits follow the umask of whoever checked the tree out (002 makes scripts 775).
 */
async function hasMode(fs: WriterFs, path: string, mode: number): Promise<boolean> {
  try {
    return ((await fs.stat(path)).mode & 0o100) === (mode & 0o100);
  } catch {
    return false;
  }
}

function unified(path: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, '', '', { context: 3 });
}

