import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sortFindings, type Finding } from '../generator/findings.js';
import { byCodeUnit } from '../generator/order.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const finding = (file: string): Finding => ({ stage: 'files', code: 'E_TEST', severity: 'error', file, message: 'm' });

describe('byCodeUnit', () => {
  it('orders as sort() without a comparator: upper case before lower, punctuation by code point', () => {
    const words = ['yb', 'ja', 'ib', 'Z', 'a_b', 'a-b', 'a.b', 'a/b', 'a', ''];
    expect([...words].sort(byCodeUnit)).toEqual([...words].sort());
    expect([...words].sort(byCodeUnit)).toEqual(['', 'Z', 'a', 'a-b', 'a.b', 'a/b', 'a_b', 'ib', 'ja', 'yb']);
    expect(byCodeUnit('x', 'x')).toBe(0);
  });

  it('orders findings by file the same way (a locale would put a.yaml before Z.yaml)', () => {
    expect(sortFindings([finding('a.yaml'), finding('Z.yaml')]).map((f) => f.file)).toEqual(['Z.yaml', 'a.yaml']);
  });

  it('gives the same order under a locale whose collation differs (lt-LT sorts y between i and j)', () => {
    const script = `
      import { sortFindings } from './generator/findings.ts';
      const files = ['yb.yaml', 'ja.yaml', 'ib.yaml'];
      const order = sortFindings(files.map((file) => ({ stage: 'files', code: 'E_TEST', severity: 'error', file, message: 'm' }))).map((f) => f.file);
      console.log(JSON.stringify({ locale: Intl.Collator().resolvedOptions().locale, localeOrder: [...files].sort((a, b) => a.localeCompare(b)), order }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, LC_ALL: 'lt_LT.UTF-8', LANG: 'lt_LT.UTF-8' } })) as { locale: string; localeOrder: string[]; order: string[] };
    // The child really runs under lt-LT, where localeCompare disagrees with code-unit order …
    expect(out.locale).toBe('lt-LT');
    expect(out.localeOrder).toEqual(['ib.yaml', 'yb.yaml', 'ja.yaml']);
    // … and findings still come out in code-unit order.
    expect(out.order).toEqual(['ib.yaml', 'ja.yaml', 'yb.yaml']);
  });
});
