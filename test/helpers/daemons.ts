import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, readdir, stat } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { delimiter, join } from 'node:path';

/**
 * Helpers for tests that start real daemons on 127.0.0.1. Under CI=true a missing tool fails the
 * test with its name; elsewhere the test is skipped (describe.skipIf) so a laptop without
 * PostgreSQL can still run the suite.
 */

export const inCI = process.env.CI === 'true';

const SEARCH = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];

/** Absolute path of a tool on PATH (plus the sbin folders Debian puts mosquitto in), or undefined. */
export function findTool(name: string): string | undefined {
  for (const dir of SEARCH) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

/** PostgreSQL's server binaries (Debian: /usr/lib/postgresql/<major>/bin), newest major first. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const major of majors) if (existsSync(join(root, major, 'bin', 'initdb'))) return join(root, major, 'bin');
  const initdb = findTool('initdb');
  return initdb ? initdb.replace(/\/initdb$/, '') : undefined;
}

/** Throws (failing the test) naming the tool when it is missing. */
export function requireTool(found: string | undefined, tool: string, install: string): string {
  if (!found) throw new Error(`${tool} is required for this test and was not found (install: ${install})`);
  return found;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A random alphanumeric value, as the bootstrap generates for 'random' Secret keys. */
export function randomValue(length = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

/**
 * Root (as in CI) cannot run initdb, and mosquitto started as root drops to its own user; the
 * daemons therefore run as `nobody` through runuser when the test runs as root, with the temp
 * folder handed to nobody first. As a normal user they run as that user.
 */
export const UNPRIVILEGED = 'nobody';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export async function handOver(dir: string): Promise<void> {
  if (!isRoot) return;
  const uid = 65534;
  const gid = 65534;
  const walk = async (path: string): Promise<void> => {
    await chown(path, uid, gid);
    if ((await stat(path)).isDirectory()) for (const entry of await readdir(path)) await walk(join(path, entry));
  };
  await walk(dir);
}

function command(file: string, args: readonly string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', UNPRIVILEGED, '--', file, ...args]] : [file, [...args]];
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (unprivileged when root, unless asTestUser); never rejects on a non-zero exit. */
export function run(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; asTestUser?: boolean } = {}): Promise<RunResult> {
  const [cmd, argv] = options.asTestUser ? [file, [...args]] : command(file, args);
  return new Promise((resolve) => {
    const child = execFile(cmd, argv, { env: { ...process.env, ...options.env }, cwd: options.cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Starts a long-running daemon (unprivileged when root); output is collected for failure messages. */
export function start(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): { child: ChildProcess; output: () => string } {
  const [cmd, argv] = command(file, args);
  const child = spawn(cmd, argv, { env: { ...process.env, ...options.env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  return { child, output: () => output };
}

/** Stops a daemon this test started (by its own pid, SIGTERM then SIGKILL). */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Resolves when 127.0.0.1:port accepts a TCP connection; rejects after the timeout with the daemon's output. */
export async function waitForPort(port: number, timeoutMs: number, output: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms; daemon output:\n${output()}`);
}
