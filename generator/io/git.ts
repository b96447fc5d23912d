import { simpleGit, type SimpleGit } from 'simple-git';
import { isGenerated } from '../render/files.js';
import { clusterOfPath } from '../render/layout.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { byCodeUnit } from '../order.js';

/**
 * Commits the rendered output and pushes it, as the main-branch workflow does after a merge.
 * Only files the generator owns are staged; anything else changed in the working tree is left
 * alone and reported. A push rejected because the branch moved (another merge landed) is
 * retried after fetch → rebase → re-render, a bounded number of times.
 */

export interface Identity {
  readonly name: string;
  readonly email: string;
}

/** The trailer on every commit this makes; the main workflow skips pushes whose head commit carries it. */
export const COMMIT_TRAILER = 'Generated-by: pi-gitops ci commit';

export interface RenderOutcome {
  /** False when the specs cannot be rendered (invalid spec, a hand-written file in the way). */
  readonly ok: boolean;
  readonly message?: string;
  /** Every path the generator rendered (whether or not it changed). */
  readonly generated: ReadonlySet<string>;
  /** Cluster names of the specs rendered. */
  readonly clusters: readonly string[];
}

/** Renders the repository at dir into its working tree (pi-gitops generate). */
export type Renderer = (dir: string) => Promise<RenderOutcome>;

export interface CommitOptions {
  readonly dir: string;
  /** @default 'origin' */
  readonly remote?: string;
  /** @default 'main' */
  readonly branch?: string;
  readonly identity: Identity;
  readonly render: Renderer;
  /** Checks the re-rendered tree after a rebase brought in other commits; false stops without committing. */
  readonly verify?: (dir: string) => Promise<{ readonly ok: boolean; readonly message?: string }>;
  /** Push attempts in all. @default 3 */
  readonly maxAttempts?: number;
  readonly log?: (line: string) => void;
}

export type CommitStatus = 'committed' | 'nothing' | 'refused' | 'failed';

export interface CommitResult {
  readonly status: CommitStatus;
  readonly attempts: number;
  readonly commit?: string;
  readonly message?: string;
  /** Paths committed. */
  readonly staged: readonly string[];
  /** Changed paths the generator does not own, left unstaged. */
  readonly leftAlone: readonly string[];
  readonly reason?: string;
}

interface StatusEntry {
  readonly path: string;
  readonly index: string;
  readonly worktree: string;
}

/** `git status --porcelain=v1 -z`: XY path, with the original path after renames. */
export function parsePorcelain(raw: string): StatusEntry[] {
  const parts = raw.split('\0');
  const out: StatusEntry[] = [];
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i]!;
    if (entry.length < 4) continue;
    const index = entry[0]!;
    const worktree = entry[1]!;
    out.push({ path: entry.slice(3), index, worktree });
    if (index === 'R' || index === 'C') i++;
  }
  return out;
}

async function exists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A changed path is the generator's when it renders it now, or when it deletes a file that carried the generated header. */
async function isOwned(git: SimpleGit, dir: string, path: string, generated: ReadonlySet<string>): Promise<boolean> {
  const text = await exists(join(dir, path));
  if (text !== undefined) return generated.has(path) && isGenerated(text);
  if (generated.has(path)) return false;
  try {
    return isGenerated(await git.show([`HEAD:${path}`]));
  } catch {
    return false;
  }
}

/** The commit message: which clusters changed and how many files. */
export function commitMessage(paths: readonly string[], clusters: readonly string[]): string {
  const per = new Map<string, number>();
  for (const path of paths) {
    const owner = clusterOfPath(path, clusters) ?? 'shared';
    per.set(owner, (per.get(owner) ?? 0) + 1);
  }
  const changed = [...per.keys()].filter((k) => k !== 'shared').sort();
  const subject = changed.length > 0 ? `Render ${changed.join(', ')}` : 'Render shared files';
  const lines = [...per.entries()].sort(([a], [b]) => (a === 'shared' ? 1 : b === 'shared' ? -1 : byCodeUnit(a, b))).map(([k, n]) => `- ${k}: ${n} file(s)`);
  return `${subject}\n\nRegenerated from clusters/*/cluster.yaml by pi-gitops after the specs or the generator changed.\n\n${lines.join('\n')}\n\n${COMMIT_TRAILER}\n`;
}

function nonFastForward(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /\(fetch first\)|non-fast-forward|! \[rejected\]|\[rejected\]/.test(text) && !/\[remote rejected\]/.test(text);
}

export async function commitGenerated(options: CommitOptions): Promise<CommitResult> {
  const { dir, identity, render } = options;
  const remote = options.remote ?? 'origin';
  const branch = options.branch ?? 'main';
  const maxAttempts = options.maxAttempts ?? 3;
  const log = options.log ?? (() => undefined);
  const git = simpleGit({ baseDir: dir, config: [`user.name=${identity.name}`, `user.email=${identity.email}`] });
  const upstream = `refs/remotes/${remote}/${branch}`;
  let leftAlone: string[] = [];

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const rendered = await render(dir);
    if (!rendered.ok) return { status: 'refused', attempts: attempt, staged: [], leftAlone, reason: rendered.message ?? 'the specs could not be rendered' };
    if (attempt > 1 && options.verify) {
      const verdict = await options.verify(dir);
      if (!verdict.ok) return { status: 'refused', attempts: attempt, staged: [], leftAlone, reason: verdict.message ?? 'validation failed after bringing in the new commits; nothing was committed' };
    }
    const entries = parsePorcelain(await git.raw(['status', '--porcelain=v1', '-z', '--untracked-files=all']));
    const owned: string[] = [];
    leftAlone = [];
    for (const entry of entries) {
      if (await isOwned(git, dir, entry.path, rendered.generated)) owned.push(entry.path);
      else leftAlone.push(entry.path);
    }
    const prestaged = entries.filter((e) => e.index !== ' ' && e.index !== '?' && !owned.includes(e.path)).map((e) => e.path);
    if (prestaged.length > 0) {
      return { status: 'refused', attempts: attempt, staged: [], leftAlone, reason: `files pi-gitops does not own are already staged: ${prestaged.join(', ')}; unstage them (git restore --staged) — ci commit commits generated output only` };
    }
    for (const path of leftAlone) log(`left alone (not generated by pi-gitops): ${path}`);
    if (owned.length > 0) await git.raw(['add', '--all', '--', ...owned]);
    const staged = (await git.raw(['diff', '--cached', '--name-only', '-z'])).split('\0').filter(Boolean).sort();
    if (staged.length === 0) {
      return { status: 'nothing', attempts: attempt, staged: [], leftAlone, reason: attempt === 1 ? 'the rendered output is up to date: nothing to commit' : `after rebasing onto ${remote}/${branch} the rendered output is up to date there: nothing to commit` };
    }
    const message = commitMessage(staged, rendered.clusters);
    await git.commit(message, undefined, { '--author': `${identity.name} <${identity.email}>` });
    const commit = (await git.revparse(['HEAD'])).trim();
    log(`committed ${commit.slice(0, 12)}: ${message.split('\n')[0]} (${staged.length} file(s))`);
    try {
      await git.push(remote, `HEAD:refs/heads/${branch}`);
      log(`pushed to ${remote}/${branch}`);
      return { status: 'committed', attempts: attempt, commit, message, staged, leftAlone };
    } catch (error) {
      if (!nonFastForward(error)) {
        const protectedHint = /protected branch|remote rejected|GH006|permission/i.test(firstLines(error)) ? ` — if ${branch} is protected, let this workflow push to it (GITHUB_TOKEN needs contents: write; see docs/ci.md)` : '';
        return { status: 'failed', attempts: attempt, commit, message, staged, leftAlone, reason: `push to ${remote}/${branch} failed: ${firstLines(error)}${protectedHint}` };
      }
      if (attempt === maxAttempts) {
        return { status: 'failed', attempts: attempt, commit, message, staged, leftAlone, reason: `push to ${remote}/${branch} was rejected ${maxAttempts} times because the branch kept moving; giving up (the next run renders again)` };
      }
      log(`push rejected: ${remote}/${branch} moved on; fetching, rebasing and rendering again (attempt ${attempt + 1} of ${maxAttempts})`);
      await git.fetch(remote, `+refs/heads/${branch}:${upstream}`);
      try {
        await git.raw(['rebase', '--autostash', upstream]);
      } catch {
        // A conflict in generated files: they are rendered again anyway, so start from the new tip.
        await git.raw(['rebase', '--abort']).catch(() => undefined);
        log(`rebase conflicted; resetting to ${remote}/${branch} and rendering from its specs`);
        try {
          await git.raw(['reset', '--keep', upstream]);
        } catch (resetError) {
          return { status: 'failed', attempts: attempt, staged: [], leftAlone, reason: `could not move onto ${remote}/${branch}: ${firstLines(resetError)}` };
        }
      }
      // Unstage our previous render commit so the next attempt commits exactly what renders from the new tip.
      await git.raw(['reset', '-q', upstream]);
    }
  }
  return { status: 'failed', attempts: maxAttempts, staged: [], leftAlone, reason: 'unreachable' };
}

function firstLines(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').filter(Boolean).slice(0, 4).join(' / ');
}

export interface SpecAtRef {
  readonly file: string;
  readonly text: string;
}

/** Reads every clusters/<name>/cluster.yaml as committed at ref (git ls-tree + git show), without touching the working tree. */
export async function specsAtRef(dir: string, ref: string): Promise<SpecAtRef[]> {
  const git = simpleGit({ baseDir: dir });
  const listing = await git.raw(['ls-tree', '-r', '-z', '--name-only', ref, '--', 'clusters']);
  const files = listing.split('\0').filter((p) => /^clusters\/[^/]+\/cluster\.yaml$/.test(p)).sort();
  const out: SpecAtRef[] = [];
  for (const file of files) out.push({ file, text: await git.show([`${ref}:${file}`]) });
  return out;
}
