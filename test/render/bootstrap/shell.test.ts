import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shq } from '../../../generator/render/bootstrap/shell.js';

/** What bash makes of `printf %s <word>`: the value back, or something else if the word escaped its quotes. */
function throughBash(word: string): string {
  const result = spawnSync('bash', ['-c', `printf '%s' ${word}`], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('shq, the one quoting helper for spec values in scripts', () => {
  it('keeps a hostile node name one literal word that runs nothing', () => {
    const hostile = `rpi'; touch /tmp/pi-gitops-owned; echo '$(id) \`id\` "$HOME" \\ ; | & > x`;
    expect(throughBash(shq(hostile))).toBe(hostile);
    expect(spawnSync('test', ['-e', '/tmp/pi-gitops-owned']).status).not.toBe(0);
  });

  it('round-trips any string without NUL through bash', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')), (value) => {
        expect(throughBash(shq(value))).toBe(value);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a NUL byte, which no shell word can carry', () => {
    expect(() => shq('a\0b')).toThrow(/NUL/);
  });
});
