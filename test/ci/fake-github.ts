import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The GitHub REST endpoints `ci comment` uses, on 127.0.0.1 with a random port:
 *   GET   /repos/{o}/{r}/issues/{n}/comments   (Link-header pagination, `pageSize` per page)
 *   POST  /repos/{o}/{r}/issues/{n}/comments
 *   PATCH /repos/{o}/{r}/issues/comments/{id}
 * Every request is recorded; failures can be queued for the next matching request.
 */

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly body?: unknown;
}

export interface StoredComment {
  readonly id: number;
  body: string;
  readonly user: { readonly login: string; readonly type: string };
}

export interface QueuedFailure {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  readonly message: string;
  readonly headers?: Record<string, string>;
  /** Carry the request out, then answer with the failure (a 502 from a proxy after GitHub acted). */
  readonly applied?: boolean;
}

export interface FakeGitHub {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly comments: Map<number, StoredComment[]>;
  fail(failure: QueuedFailure): void;
  close(): Promise<void>;
}

export async function startFakeGitHub(options: { token: string; owner: string; repo: string; pageSize: number }): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  const comments = new Map<number, StoredComment[]>();
  const failures: QueuedFailure[] = [];
  let nextId = 1000;
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  const view = (c: StoredComment, issue: number): object => ({ id: c.id, body: c.body, user: c.user, html_url: `https://github.example/${options.owner}/${options.repo}/pull/${issue}#issuecomment-${c.id}` });

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      const body = await readBody(req);
      requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), ...(body !== undefined ? { body } : {}) });
      const failure = failures.findIndex((f) => f.method === req.method && f.path.test(url.pathname));
      let late: QueuedFailure | undefined;
      if (failure >= 0) {
        const f = failures.splice(failure, 1)[0]!;
        if (!f.applied) {
          send(res, f.status, { message: f.message, documentation_url: 'https://docs.github.com/rest' }, f.headers);
          return;
        }
        late = f;
      }
      if (late) {
        const f = late;
        res.writeHead = ((status: number) => ServerResponse.prototype.writeHead.call(res, f.status, { 'content-type': 'application/json' })) as typeof res.writeHead;
        const end = res.end.bind(res);
        res.end = ((..._args: unknown[]) => end(JSON.stringify({ message: f.message }))) as typeof res.end;
      }
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}` && auth !== `bearer ${options.token}`) {
        send(res, 401, { message: 'Bad credentials' });
        return;
      }
      const prefix = `/repos/${options.owner}/${options.repo}/issues`;
      const list = url.pathname.match(new RegExp(`^${prefix}/(\\d+)/comments$`));
      const patch = url.pathname.match(new RegExp(`^${prefix}/comments/(\\d+)$`));
      if (list && req.method === 'GET') {
        const issue = Number(list[1]);
        const all = comments.get(issue) ?? [];
        const page = Number(url.searchParams.get('page') ?? '1');
        const last = Math.max(1, Math.ceil(all.length / options.pageSize));
        const slice = all.slice((page - 1) * options.pageSize, page * options.pageSize);
        const link = (p: number, rel: string): string => {
          const u = new URL(url.href);
          u.searchParams.set('page', String(p));
          return `<${u.href}>; rel="${rel}"`;
        };
        const links = [page < last ? link(page + 1, 'next') : '', page < last ? link(last, 'last') : '', page > 1 ? link(1, 'first') : '', page > 1 ? link(page - 1, 'prev') : ''].filter(Boolean);
        send(res, 200, slice.map((c) => view(c, issue)), links.length > 0 ? { link: links.join(', ') } : {});
      } else if (list && req.method === 'POST') {
        const issue = Number(list[1]);
        const comment: StoredComment = { id: nextId++, body: String((body as { body?: string }).body ?? ''), user: { login: 'github-actions[bot]', type: 'Bot' } };
        comments.set(issue, [...(comments.get(issue) ?? []), comment]);
        send(res, 201, view(comment, issue));
      } else if (patch && req.method === 'PATCH') {
        const id = Number(patch[1]);
        for (const [issue, all] of comments) {
          const found = all.find((c) => c.id === id);
          if (found) {
            found.body = String((body as { body?: string }).body ?? '');
            send(res, 200, view(found, issue));
            return;
          }
        }
        send(res, 404, { message: 'Not Found' });
      } else send(res, 404, { message: 'Not Found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    comments,
    fail: (f) => failures.push(f),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
