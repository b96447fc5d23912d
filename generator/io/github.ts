import { Octokit } from '@octokit/rest';

/**
 * The one pull-request comment pi-gitops keeps per pull request: found by a hidden marker across
 * every page of comments and updated in place, created when absent. Retries 5xx answers and
 * secondary rate limits with bounded backoff; turns 401/403/404 into a message that names the
 * missing permission. The token is never part of anything this module returns or throws.
 */

export interface GitHubSettings {
  readonly token: string;
  /** owner/name, as GITHUB_REPOSITORY holds it. */
  readonly repository: string;
  /** GITHUB_API_URL (https://api.github.com on github.com; GHES has its own). */
  readonly apiUrl: string;
}

export interface RetryOptions {
  /** Attempts per request, the first included. @default 4 */
  readonly attempts?: number;
  /** First backoff in milliseconds, doubled each retry; tests pass 1. @default 1000 */
  readonly baseDelayMs?: number;
  /** Longest single wait, also for a Retry-After header; tests pass a few ms. @default 60000 */
  readonly maxDelayMs?: number;
  /** Called before each retry (the CLI prints it). */
  readonly onRetry?: (message: string) => void;
}

export interface UpsertResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly id: number;
  readonly url: string;
}

/** A failure the CLI reports as it is: the message is safe to print (redacted) and says what to do. */
export class GitHubError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Reads the settings from the environment; returns the names of what is missing instead of throwing. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): GitHubSettings | { readonly missing: readonly string[] } {
  const missing = ['GITHUB_TOKEN', 'GITHUB_REPOSITORY'].filter((name) => !env[name]);
  if (missing.length > 0) return { missing };
  return { token: env.GITHUB_TOKEN!, repository: env.GITHUB_REPOSITORY!, apiUrl: env.GITHUB_API_URL || 'https://api.github.com' };
}

/** Replaces every occurrence of the secret (and its Basic-auth form) with ***. */
export function redact(text: string, secret: string): string {
  if (!secret) return text;
  let out = text.split(secret).join('***');
  const basic = Buffer.from(`x-access-token:${secret}`).toString('base64');
  out = out.split(basic).join('***');
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface HttpFailure {
  readonly status: number;
  readonly message: string;
  readonly response?: { readonly headers?: Record<string, string | number | undefined>; readonly data?: unknown };
}

function httpFailure(error: unknown): HttpFailure | undefined {
  const e = error as Partial<HttpFailure> | null;
  return e !== null && typeof e === 'object' && typeof e.status === 'number' ? (e as HttpFailure) : undefined;
}

/** GitHub's secondary rate limit answers 403 or 429 with a Retry-After header or a message saying so. */
function isSecondaryRateLimit(failure: HttpFailure): boolean {
  if (failure.status !== 403 && failure.status !== 429) return false;
  const headers = failure.response?.headers ?? {};
  const text = `${failure.message} ${JSON.stringify(failure.response?.data ?? '')}`.toLowerCase();
  return headers['retry-after'] !== undefined || text.includes('secondary rate limit') || (headers['x-ratelimit-remaining'] === '0' && failure.status === 429);
}

export function createClient(settings: GitHubSettings, retry: RetryOptions = {}): Octokit {
  const attempts = retry.attempts ?? 4;
  const base = retry.baseDelayMs ?? 1000;
  const maxDelay = retry.maxDelayMs ?? 60_000;
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const octokit = new Octokit({ auth: settings.token, baseUrl: settings.apiUrl.replace(/\/+$/, ''), userAgent: 'pi-gitops-ci', log: quiet });
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(options);
      } catch (error) {
        const failure = httpFailure(error);
        // A POST that failed with 5xx may have been applied: upsertComment looks again instead of re-sending it.
        const idempotent = String(options.method).toUpperCase() !== 'POST';
        const retryable = failure !== undefined && ((failure.status >= 500 && idempotent) || isSecondaryRateLimit(failure));
        if (!retryable || attempt >= attempts) throw error;
        const after = Number(failure.response?.headers?.['retry-after']);
        const wait = Number.isFinite(after) && after > 0 ? Math.min(after * 1000, maxDelay) : Math.min(base * 2 ** (attempt - 1), maxDelay);
        const why = failure.status >= 500 ? `GitHub answered ${failure.status}` : 'GitHub secondary rate limit';
        retry.onRetry?.(`${why} for ${options.method} ${String(options.url)}; retry ${attempt}/${attempts - 1} in ${wait} ms`);
        await sleep(wait);
      }
    }
  });
  return octokit;
}

/** Turns an HTTP failure into a message a person can act on; names the permission a 401/403/404 points at. */
export function explain(error: unknown, what: string, token: string): GitHubError {
  const failure = httpFailure(error);
  const detail = redact(failure?.message ?? (error instanceof Error ? error.message : String(error)), token).split('\n')[0]!.slice(0, 300);
  if (!failure) return new GitHubError(`${what} failed: ${detail}`);
  const permission =
    'the workflow job needs `permissions: pull-requests: write` (and `issues: write` where pull-request comments are governed as issue comments). ' +
    'On a pull request from a fork, GITHUB_TOKEN is read-only: the comment is skipped there and the report is in the job summary.';
  switch (failure.status) {
    case 401:
      return new GitHubError(`${what} failed: GitHub rejected the token (401 Unauthorized): GITHUB_TOKEN is missing, expired or invalid. (${detail})`, 401);
    case 403:
      return new GitHubError(`${what} failed: the token may not do this (403 Forbidden): ${permission} (${detail})`, 403);
    case 404:
      return new GitHubError(`${what} failed: not found (404): check GITHUB_REPOSITORY and --pr; a token without access also sees 404: ${permission} (${detail})`, 404);
    default:
      return new GitHubError(`${what} failed: GitHub answered ${failure.status}: ${detail}`, failure.status);
  }
}

interface Comment {
  readonly id: number;
  readonly body?: string | null;
  readonly html_url: string;
  readonly user?: { readonly type?: string } | null;
}

/** Creates or updates the marked comment on issue/pull request `number`. */
export async function upsertComment(octokit: Octokit, settings: GitHubSettings, number: number, body: string, marker: string): Promise<UpsertResult> {
  const [owner, repo] = settings.repository.split('/');
  if (!owner || !repo) throw new GitHubError(`GITHUB_REPOSITORY must be owner/name (found "${settings.repository}")`);
  const text = body.includes(marker) ? body : `${marker}\n${body}`;
  for (let attempt = 1; ; attempt++) {
    const previous = await findMarked(octokit, settings, owner, repo, number, marker);
    if (previous) {
      if (previous.body === text) return { action: 'unchanged', id: previous.id, url: previous.html_url };
      try {
        const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body: text });
        return { action: 'updated', id: data.id, url: data.html_url };
      } catch (error) {
        throw explain(error, `updating comment ${previous.id} on pull request #${number}`, settings.token);
      }
    }
    try {
      const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body: text });
      return { action: 'created', id: data.id, url: data.html_url };
    } catch (error) {
      // GitHub may have created the comment before answering 5xx: list again rather than post twice.
      if ((httpFailure(error)?.status ?? 0) >= 500 && attempt < CREATE_ATTEMPTS) continue;
      throw explain(error, `commenting on pull request #${number}`, settings.token);
    }
  }
}

const CREATE_ATTEMPTS = 3;

async function findMarked(octokit: Octokit, settings: GitHubSettings, owner: string, repo: string, number: number, marker: string): Promise<Comment | undefined> {
  let comments: Comment[];
  try {
    comments = (await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 })) as Comment[];
  } catch (error) {
    throw explain(error, `listing the comments of pull request #${number}`, settings.token);
  }
  // Prefer the bot's own comment should a person have pasted the marker somewhere too.
  const marked = comments.filter((c) => typeof c.body === 'string' && c.body.includes(marker));
  return marked.find((c) => c.user?.type === 'Bot') ?? marked[0];
}
