import { posix } from 'node:path';
import type { Finding } from '../findings.js';
import type { SourcePosition } from '../spec/types.js';
import { parseRepoYaml } from './_parsed.js';
import { resolvePath, type RepoFs } from './fs.js';
import { joinPath, KUSTOMIZATION_FILES } from './walk.js';

/**
 * A resource, base or component kustomize would fetch over the network: a URL, a go-getter or
 * git reference (`github.com/org/repo//path?ref=v1`, `git@…`, `git::…`, `…?ref=…`).
 */
export function isRemote(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*::/i.test(ref) || /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || /^git@/.test(ref) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) || /[?&]ref=/.test(ref) || /^[\w.-]+\.[a-z]{2,}\/.+\/\//i.test(ref);
}

const LIST_FIELDS = ['resources', 'bases', 'components', 'crds'] as const;

export interface TreeCheck {
  readonly findings: Finding[];
  /** True when the folder itself does not resolve to a folder inside the repository. */
  readonly rootProblem?: 'missing' | 'outside' | 'symlink-escape' | 'not-a-folder';
  /** Every folder the build reads (kustomization roots, bases, components), to find which files built an object. */
  readonly folders: ReadonlySet<string>;
}

/**
 * Reads the kustomization tree below `folder` without running kustomize: remote references,
 * paths leaving the repository (directly or through a symlink) and missing paths are findings.
 * A folder with findings is never handed to kustomize, so the build stays offline.
 */
export async function checkKustomizeTree(fs: RepoFs, folder: string): Promise<TreeCheck> {
  const findings: Finding[] = [];
  const root = await resolvePath(fs, folder);
  if (root.kind !== 'dir') return { findings, folders: new Set(), rootProblem: root.kind === 'file' ? 'not-a-folder' : root.kind };
  const visited = new Set<string>();
  const folders = new Set<string>();
  const visit = async (dir: string): Promise<void> => {
    if (visited.has(dir)) return;
    visited.add(dir);
    folders.add(dir);
    const entries = (await fs.list(dir)) ?? [];
    const kfile = KUSTOMIZATION_FILES.find((name) => entries.some((e) => e.name === name && e.type === 'file'));
    if (!kfile) {
      // Flux generates a kustomization.yaml listing every manifest below; symlinks in it are followed.
      for (const entry of entries) {
        const path = joinPath(dir, entry.name);
        if (entry.type === 'symlink') {
          const r = await resolvePath(fs, path);
          if (r.kind === 'symlink-escape') findings.push(escape(path, undefined, r.target, r.link));
          else if (r.kind === 'dir') await visit(r.path);
        } else if (entry.type === 'dir') await visit(path);
      }
      return;
    }
    const file = joinPath(dir, kfile);
    const bytes = await fs.readFile(file);
    if (!bytes) return;
    const parsed = parseRepoYaml(fs, file, bytes); // findings only stop the walk: the files stage reports them
    const value = parsed.values[0] as Record<string, unknown> | undefined;
    if (parsed.findings.length > 0 || !value || typeof value !== 'object') return; // the files stage reports it
    for (const field of LIST_FIELDS) {
      const list = value[field];
      if (!Array.isArray(list)) continue;
      for (let i = 0; i < list.length; i++) {
        const ref = list[i];
        if (typeof ref !== 'string') continue;
        // Where the reference is written: looked up only for a finding.
        const at = (): { file: string; path: string; position?: SourcePosition } => {
          const position = parsed.locate(0, [field, i]);
          return { file, path: `${field}[${i}]`, ...(position ? { position } : {}) };
        };
        if (isRemote(ref)) {
          findings.push({ stage: 'build', code: 'E_BUILD_REMOTE', severity: 'error', ...at(), message: `remote ${field === 'resources' ? 'resource' : field.replace(/s$/, '')} ${ref}: the build must be offline and reproducible`, found: ref, hint: 'vendor the manifests into the repository (or fetch them with a Flux GitRepository/OCIRepository source pinned to a tag or digest)' });
          continue;
        }
        const target = posix.isAbsolute(ref) ? ref : posix.normalize(posix.join(dir === '' ? '.' : dir, ref));
        const r = await resolvePath(fs, target);
        if (r.kind === 'outside') findings.push({ stage: 'build', code: 'E_BUILD_OUTSIDE', severity: 'error', ...at(), message: `${ref} resolves to ${target}, outside the repository`, found: ref, hint: 'Flux builds only what is inside the source; move the files into the repository' });
        else if (r.kind === 'symlink-escape') findings.push(escape(file, at(), r.target, r.link));
        else if (r.kind === 'missing') findings.push({ stage: 'build', code: 'E_BUILD_MISSING', severity: 'error', ...at(), message: `${ref} does not exist (${target})`, found: ref, hint: 'fix the path or add the file' });
        else if (r.kind === 'dir') await visit(r.path);
        else folders.add(r.path.includes('/') ? r.path.slice(0, r.path.lastIndexOf('/')) : '');
      }
    }
  };
  await visit(root.path);
  return { findings, folders };
}

function escape(file: string, where: { file: string; path?: string } | undefined, target: string, link: string): Finding {
  return { stage: 'build', code: 'E_BUILD_SYMLINK_ESCAPE', severity: 'error', file, ...(where ?? {}), message: `symlink ${link} points to ${target}, outside the repository`, found: target, hint: 'Flux reads only the repository; replace the symlink with the files, or point it inside the repository' };
}
