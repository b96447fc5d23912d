import type { Writable } from 'node:stream';

/** Everything a command needs from the outside world, passed in so tests can run commands in-process. */
export interface CliContext {
  readonly cwd: string;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  /** Colour only on a terminal, and never with NO_COLOR set. */
  readonly color: boolean;
}

export const ExitCode = { ok: 0, findings: 1, unusable: 2, internal: 3 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad usage or unusable input: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

export function write(stream: Writable, text: string): void {
  stream.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
}
