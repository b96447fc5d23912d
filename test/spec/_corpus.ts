import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One finding an invalid fixture declares in its leading comment. */
export interface Expectation {
  readonly code: string;
  /** Field path, or '-' for findings about the file as a whole (syntax, encoding). */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** Substrings the message and hint must contain. */
  readonly message?: string;
  readonly hint?: string;
}

export interface Case {
  readonly name: string;
  readonly fixture: string;
  readonly bytes: Buffer;
  /** The path the spec is loaded as (`# file:`), default the fixture's own path. */
  readonly file: string;
  readonly expectations: readonly Expectation[];
}

/**
 * Reads the leading comment of a fixture:
 *   # expect: E_SPEC_UNKNOWN_FIELD spec.nodes[0].memoryGib 22:7
 *   #   hint: did you mean `memoryGiB`?
 *   # file: clusters/pi5-lab/cluster.yaml
 */
export function parseCase(fixture: string, bytes: Buffer): Case {
  const expectations: { -readonly [K in keyof Expectation]: Expectation[K] }[] = [];
  let file = fixture;
  for (const line of bytes.toString('utf8').split('\n')) {
    if (!line.startsWith('#')) break;
    const expect = /^# expect: (\S+) (\S+) (\d+):(\d+)\s*$/.exec(line);
    const detail = /^# {3}(message|hint): (.*)$/.exec(line);
    const named = /^# file: (\S+)\s*$/.exec(line);
    if (expect) expectations.push({ code: expect[1]!, path: expect[2]!, line: Number(expect[3]), column: Number(expect[4]) });
    else if (detail && expectations.length > 0) expectations[expectations.length - 1]![detail[1] as 'message' | 'hint'] = detail[2]!;
    else if (named) file = named[1]!;
    else if (/^# (expect|file|\s+\w+):/.test(line)) throw new Error(`${fixture}: malformed directive: ${line}`);
  }
  return { name: fixture.replace(/^.*\//, '').replace(/\.yaml$/, ''), fixture, bytes, file, expectations };
}

export function readCases(dir: string): Case[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => parseCase(join(dir, name), readFileSync(join(dir, name))));
}
