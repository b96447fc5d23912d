import type { RepoFs } from './fs.js';

/** Folders never scanned: dependencies, Git internals, our own tests, generated API schemas and the compiled CLI. */
export const SKIPPED_DIRS = new Set(['node_modules', '.git', 'test', 'schemas', 'dist', 'coverage']);

/** Every regular file under the root (symlinks are judged by the build stage, not followed), sorted. */
export async function listFiles(fs: RepoFs, dir = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = (await fs.list(dir)) ?? [];
  for (const entry of entries) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.type === 'dir') {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...(await listFiles(fs, path)));
    } else if (entry.type === 'file') out.push(path);
  }
  return out;
}

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function isKustomizationFile(path: string): boolean {
  return KUSTOMIZATION_FILES.includes(path.split('/').pop() ?? '');
}

export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

export function joinPath(dir: string, rel: string): string {
  return dir === '' ? rel : `${dir}/${rel}`;
}
