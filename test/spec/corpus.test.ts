import { describe, expect, it } from 'vitest';
import { formatFindings } from '../../generator/findings-format.js';
import { renderRepository } from '../../generator/render/repository.js';
import { loadSpec } from '../../generator/spec/load.js';
import { readCases } from './_corpus.js';

// Invalid fixtures declare, in their leading comment, exactly the findings they must produce:
//   # expect: E_SPEC_UNKNOWN_FIELD spec.nodes[0].memoryGib 22:7
//   #   hint: did you mean `memoryGiB`?      (optional substrings of message / hint)
//   # file: clusters/pi5-lab/cluster.yaml   (optional: the path the spec is loaded as)
const invalid = readCases('test/fixtures/spec/invalid');
const valid = readCases('test/fixtures/spec/valid');

describe('invalid spec corpus', () => {
  it('has at least 30 cases, each declaring at least one finding', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(30);
    for (const c of invalid) expect(c.expectations.length, c.fixture).toBeGreaterThan(0);
  });

  for (const c of invalid) {
    it(`${c.name}: produces exactly the declared findings`, () => {
      // Given the fixture's bytes, when it is loaded
      const { spec, findings } = loadSpec(c.file, c.bytes);
      // then it is refused with exactly the declared codes, paths and positions, in order
      expect(spec).toBeUndefined();
      const actual = findings.map((f) => `${f.code} ${f.path ?? '-'} ${f.position ? `${f.position.line}:${f.position.column}` : 'no-position'}`);
      const declared = c.expectations.map((e) => `${e.code} ${e.path} ${e.line}:${e.column}`);
      expect(actual).toEqual(declared);
      c.expectations.forEach((e, i) => {
        if (e.message) expect(findings[i]!.message).toContain(e.message);
        if (e.hint) expect(findings[i]!.hint).toContain(e.hint);
      });
    });
  }

  it('gives every finding a line:col and a hint, and never a stack trace', () => {
    for (const c of invalid) {
      const { findings } = loadSpec(c.file, c.bytes);
      for (const f of findings) {
        expect(f.position, `${c.name}: ${f.code}`).toBeDefined();
        expect(f.hint?.length ?? 0, `${c.name}: ${f.code} has no hint`).toBeGreaterThan(0);
        expect(f.severity).toBe('error');
        // A finding about a field says what was expected there and what was found.
        if (f.path !== undefined) expect([f.expected, f.found], `${c.name}: ${f.code}`).not.toContain(undefined);
      }
      expect(formatFindings(findings)).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    }
  });
});

describe('line endings and byte-order mark', () => {
  it('reports the same findings at the same line:col for CRLF files with a UTF-8 BOM', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    for (const c of invalid) {
      const crlf = Buffer.concat([bom, Buffer.from(c.bytes.toString('latin1').replace(/\n/g, '\r\n'), 'latin1')]);
      const where = (bytes: Buffer): string[] => loadSpec(c.file, bytes).findings.map((f) => `${f.code} ${f.path ?? '-'} ${f.position?.line}:${f.position?.column}`);
      expect(where(crlf), c.name).toEqual(where(c.bytes));
    }
  });
});

describe('valid spec corpus', () => {
  for (const c of valid) {
    it(`${c.name}: loads without findings and renders`, () => {
      const { spec, findings } = loadSpec(c.file, c.bytes);
      expect(findings).toEqual([]);
      expect(renderRepository([spec!]).length).toBeGreaterThan(0);
    });
  }
});
