import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { loadSpecs } from '../../generator/io/specs.js';
import { renderRepository } from '../../generator/render/repository.js';
import { emitYaml, type EmitOptions } from '../../generator/render/yaml-emit.js';
import { toYaml, yamlDocument } from '../../generator/render/serialize.js';
import type { LoadedSpec } from '../../generator/spec/types.js';

const VARIANTS: EmitOptions[] = [{ singleQuote: false }, {}];

/** The writer's contract: when it answers, the bytes are yaml's. */
function expectYamlBytes(value: unknown): boolean {
  let fast = true;
  for (const options of VARIANTS) {
    const mine = emitYaml(value, options);
    if (mine === undefined) {
      fast = false;
      continue;
    }
    const theirs = stringify(value, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, ...options });
    if (mine !== theirs) expect.fail(`differs from yaml for ${JSON.stringify(value)}\n--- emitYaml ---\n${mine}\n--- yaml ---\n${theirs}`);
  }
  return fast;
}

describe('emitYaml', () => {
  it('writes every document rendered from the example and golden specs byte for byte as yaml does, all of them itself', async () => {
    let documents = 0;
    for (const root of ['.', 'test/fixtures/golden/full', 'test/fixtures/golden/pi5-lab', 'test/fixtures/golden/pi5-mini']) {
      const { specs } = await loadSpecs(root);
      for (const file of renderRepository(specs as LoadedSpec[]).filter((f) => /\.ya?ml$/.test(f.path))) {
        for (const document of parseAllDocuments(file.content)) {
          if (Array.isArray(document)) continue;
          const value = document.toJS() as unknown;
          if (value === null || typeof value !== 'object') continue;
          documents++;
          expect(expectYamlBytes(value), `${root}: ${file.path}`).toBe(true);
        }
      }
    }
    expect(documents).toBeGreaterThan(400);
  });

  it.each([
    ['nested collections in sequences', { a: [[1, 'z'], [], {}, [{ b: [[]] }]] }],
    ['block scalars: clip, strip, keep, a leading space, leading and trailing blank lines', { s: ['x\n', 'p\nq', 'x\n\n', '  lead\nx', '\nx', 'k\n\n\nz\n\n', 'a  \nb'] }],
    ['strings that need quotes', { t: 'true', n: '', q: 'a: b', h: '#x', dash: '- x', num: '017', star: '*x', s: 'say "hi"', it: "it's", both: `"it's"` }],
    ['keys that need quotes', { 'a: b': 1, '80': 'http', true: false, '': null, 'say "x"': 1 }],
    ['numbers', { n: [0, -0, 1.5, -2, 1e21, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY] }],
  ])('%s', (_, value) => {
    expect(expectYamlBytes(value)).toBe(true);
  });

  it.each([
    ['a control character', { a: 'bell\u0007' }],
    ['a document marker', { a: '--- x' }],
    ['a multi-line string ending in spaces', { a: 'x\n  ' }],
    ['a long key', { ['k'.repeat(1100)]: 1 }],
    ['a root scalar', 'text'],
    ['undefined', { a: [undefined] }],
    ['a Date', { a: new Date(0) }],
    ['a Map', { a: new Map([['k', 1]]) }],
  ])('leaves %s to yaml', (_, value) => {
    for (const options of VARIANTS) expect(emitYaml(value, options)).toBeUndefined();
  });

  it('leaves the serializer yaml\u2019s bytes for what it does not model', () => {
    const odd = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'odd' }, data: { bell: 'ring\u0007', marker: '--- not a document', trailing: 'x\n  ' } };
    expect(toYaml([odd])).toBe(`---\n${stringify(odd, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, singleQuote: false })}`);
    expect(yamlDocument(odd.data)).toBe(stringify({ bell: 'ring\u0007', marker: '--- not a document', trailing: 'x\n  ' }, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false }));
  });

  // Values built from characters that make YAML hard: the writer answers only where it writes yaml's bytes.
  const hard = fc.constantFrom('a', 'b', 'Z', '0', '1', ' ', ' ', ':', '#', '-', "'", '"', '\\', '\n', '\n', '\t', '.', '|', '>', '[', ']', '{', '}', ',', '&', '*', '!', '%', '@', '?', '~', 'é', '\u0085', '\u2028', 'x', '/');
  const scalar = fc.oneof(
    { arbitrary: fc.string({ unit: hard, maxLength: 30 }), weight: 4 },
    fc.constantFrom('true', 'null', '~', 'yes', '0o7', '0x1f', '1e3', '.5', '.inf', '017', '-1', '', ' ', '- x', 'a: b', '---', '...', '%x', 'x\n', '\n\n', ' x\n'),
    fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  );
  const key = fc.oneof({ arbitrary: fc.constantFrom('name', 'image', 'ports', 'app.kubernetes.io/name'), weight: 3 }, fc.string({ unit: hard, maxLength: 10 }));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
    list: fc.array(tie('tree'), { maxLength: 4 }),
    map: fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
  }));

  it('writes yaml\u2019s bytes for generated values wherever it answers', () => {
    let fast = 0;
    fc.assert(fc.property(fc.oneof(fc.dictionary(key, tree, { maxKeys: 5 }), fc.array(tree, { maxLength: 4 })), (value) => {
      if (expectYamlBytes(value)) fast++;
    }), { numRuns: 3000, seed: 20261125 });
    expect(fast).toBeGreaterThan(1000); // hard characters send some to yaml; enough stay to exercise the agreement
  });
});
