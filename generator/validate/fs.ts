import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface RepoEntry {
  readonly name: string;
  readonly type: 'file' | 'dir' | 'symlink';
  /** For symlinks: the link text as written (relative or absolute). */
  readonly target?: string;
}

/**
 * The two calls validators make on a repository, repository-relative with forward slashes ('' is
 * the root). Both answer undefined for a path that does not exist; neither throws.
 */
export interface RepoFs {
  readFile(path: string): Promise<Uint8Array | undefined>;
  list(dir: string): Promise<readonly RepoEntry[] | undefined>;
}

/**
 * The repository on disk. Symlinks are reported as such (never followed) so escapes can be judged.
 * Reads are synchronous: a repository is a few hundred small files, and each asynchronous read costs
 * several thread-pool round trips that queue behind this process's own work while kubectl runs.
 */
export function diskFs(root: string): RepoFs {
  return {
    readFile(path) {
      try {
        return Promise.resolve(readFileSync(join(root, path)));
      } catch {
        return Promise.resolve(undefined);
      }
    },
    list(dir) {
      try {
        const entries = readdirSync(join(root, dir), { withFileTypes: true });
        const out: RepoEntry[] = [];
        for (const entry of entries) {
          if (entry.isSymbolicLink()) out.push({ name: entry.name, type: 'symlink', target: readlinkSync(join(root, dir, entry.name)) });
          else if (entry.isDirectory()) out.push({ name: entry.name, type: 'dir' });
          else if (entry.isFile()) out.push({ name: entry.name, type: 'file' });
        }
        return Promise.resolve(out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
      } catch {
        return Promise.resolve(undefined);
      }
    },
  };
}

/** An in-memory tree for tests: file path → content; symlinks path → link text. Folders are implied. */
export function memoryFs(files: Readonly<Record<string, string | Uint8Array>>, symlinks: Readonly<Record<string, string>> = {}): RepoFs {
  const encoder = new TextEncoder();
  return {
    async readFile(path) {
      const value = files[path];
      if (value === undefined) return undefined;
      return typeof value === 'string' ? encoder.encode(value) : value;
    },
    async list(dir) {
      const prefix = dir === '' ? '' : `${dir}/`;
      const entries = new Map<string, RepoEntry>();
      let exists = dir === '';
      for (const path of [...Object.keys(files), ...Object.keys(symlinks)]) {
        if (!path.startsWith(prefix)) continue;
        exists = true;
        const rest = path.slice(prefix.length);
        const [head, ...tail] = rest.split('/');
        if (!head) continue;
        if (tail.length > 0) entries.set(head, { name: head, type: 'dir' });
        else if (symlinks[path] !== undefined) entries.set(head, { name: head, type: 'symlink', target: symlinks[path] });
        else entries.set(head, { name: head, type: 'file' });
      }
      if (!exists) return undefined;
      return [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
  };
}

export type Resolved =
  | { readonly kind: 'file' | 'dir'; readonly path: string }
  | { readonly kind: 'missing'; readonly path: string }
  | { readonly kind: 'outside'; readonly path: string }
  | { readonly kind: 'symlink-escape'; readonly path: string; readonly link: string; readonly target: string };

/**
 * Resolves a repository-relative path (which may contain `..`) component by component, following
 * symlinks that stay inside the repository and reporting the first one that leaves it.
 */
export async function resolvePath(fs: RepoFs, path: string, depth = 0): Promise<Resolved> {
  if (posix.isAbsolute(path)) return { kind: 'outside', path };
  const normal = posix.normalize(path).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) return { kind: 'outside', path };
  if (normal === '.' || normal === '') return { kind: 'dir', path: '' };
  const parts = normal.split('/');
  let current = '';
  for (let i = 0; i < parts.length; i++) {
    const entries = await fs.list(current);
    const entry = entries?.find((e) => e.name === parts[i]);
    const here = current === '' ? parts[i]! : `${current}/${parts[i]}`;
    if (!entry) return { kind: 'missing', path: normal };
    if (entry.type === 'symlink') {
      const target = entry.target ?? '';
      const joined = posix.isAbsolute(target) ? target : posix.normalize(posix.join(current === '' ? '.' : current, target));
      if (posix.isAbsolute(joined) || joined === '..' || joined.startsWith('../') || depth > 20) return { kind: 'symlink-escape', path: normal, link: here, target };
      const rest = parts.slice(i + 1).join('/');
      return resolvePath(fs, rest ? `${joined}/${rest}` : joined, depth + 1);
    }
    if (entry.type === 'file' && i < parts.length - 1) return { kind: 'missing', path: normal };
    if (i === parts.length - 1) return { kind: entry.type, path: here };
    current = here;
  }
  return { kind: 'missing', path: normal };
}

/**
 * One validation run reads the same folders and files many times (files stage, kustomize tree checks,
 * symlink resolution per path component, image locator, secret scan): this view answers each path
 * once. Only for the length of one run, which never writes.
 */
export function cachedFs(fs: RepoFs): RepoFs {
  const files = new Map<string, Promise<Uint8Array | undefined>>();
  const dirs = new Map<string, Promise<readonly RepoEntry[] | undefined>>();
  const memo = <T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    let hit = map.get(key);
    if (!hit) map.set(key, (hit = load()));
    return hit;
  };
  return {
    readFile: (path) => memo(files, path, () => fs.readFile(path)),
    list: (dir) => memo(dirs, dir, () => fs.list(dir)),
  };
}
