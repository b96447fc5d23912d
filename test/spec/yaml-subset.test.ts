import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document, LineCounter, parseAllDocuments, stringify, visit } from 'yaml';
import { readYamlSubset, resolvePlain } from '../../generator/spec/yaml-subset.js';
import { locateIn, type LocateOptions } from '../../generator/spec/yaml-source.js';
const repoRoot = process.cwd();

/** What the full parser says: values, root positions and a locator, or undefined when it reports any error. */
function reference(text: string) {
  const lineCounter = new LineCounter();
  const documents = [...parseAllDocuments(text, { lineCounter, uniqueKeys: true, strict: true, prettyErrors: true })] as Document.Parsed[];
  if (documents.some((d) => d.errors.length > 0)) return undefined;
  try {
    return {
      values: documents.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown),
      starts: documents.map((d) => locateIn(d, lineCounter, [])),
      locate: (i: number, path: readonly (string | number)[], options?: LocateOptions) => locateIn(documents[i]!, lineCounter, path, options),
    };
  } catch {
    return undefined;
  }
}

/** Every path into a value (capped), and for each a key and an index that are not there. */
function probePaths(value: unknown, cap = 400): (string | number)[][] {
  const paths: (string | number)[][] = [[]];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (paths.length > cap || node === null || typeof node !== 'object') return;
    paths.push([...path, 'not-there'], [...path, 99], [...path, -1]);
    for (const [key, child] of Array.isArray(node) ? node.map((c, i) => [i, c] as const) : Object.entries(node)) {
      paths.push([...path, key], [...path, key, 'not-there']);
      walk(child, [...path, key]);
    }
  };
  walk(value, []);
  return paths;
}
const LOCATE_OPTIONS: (LocateOptions | undefined)[] = [undefined, { key: true }, { exact: true }, { key: true, exact: true }];

/**
 * The subset reader's contract: when it answers, yaml parses the text cleanly to the same values and
 * root positions, and puts every key and value where the reader says it is.
 */
function agrees(text: string): { fast: boolean; ok: boolean; detail?: string } {
  const fast = readYamlSubset(text, { positions: true });
  if (!fast) return { fast: false, ok: true };
  const full = reference(text);
  if (!full) return { fast: true, ok: false, detail: 'yaml reports an error the subset reader accepted' };
  if (!isDeepStrictEqual(fast.values, full.values)) return { fast: true, ok: false, detail: `values differ:\n${JSON.stringify(fast.values)}\n${JSON.stringify(full.values)}` };
  const starts = full.starts.filter((_, i) => full.values[i] !== null);
  const mine = fast.starts.filter((_, i) => fast.values[i] !== null);
  if (!isDeepStrictEqual(mine, starts)) return { fast: true, ok: false, detail: `starts differ: ${JSON.stringify(mine)} vs ${JSON.stringify(starts)}` };
  for (let i = 0; i < full.values.length; i++) {
    if (full.values[i] === null) continue; // an empty document: yaml's node has no place worth comparing
    for (const path of probePaths(full.values[i])) {
      for (const options of LOCATE_OPTIONS) {
        const [got, want] = [fast.locate(i, path, options), full.locate(i, path, options)];
        if (!isDeepStrictEqual(got, want)) return { fast: true, ok: false, detail: `document ${i} ${JSON.stringify(path)} ${JSON.stringify(options)}: ${JSON.stringify(got)} vs yaml ${JSON.stringify(want)}` };
      }
    }
  }
  return { fast: true, ok: true };
}

function expectAgreement(text: string): boolean {
  const result = agrees(text);
  if (!result.ok) expect.fail(`${result.detail}\n--- text ---\n${text}`);
  return result.fast;
}

describe('readYamlSubset', () => {
  it('reads every YAML file in the repository and its fixtures as yaml does, and almost all of them itself', () => {
    const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n');
    let fast = 0;
    for (const file of files) if (expectAgreement(readFileSync(`${repoRoot}/${file}`, 'utf8'))) fast++;
    // Everything the generator writes is in the subset; cluster specs (flow lists) and a few fixtures are not.
    expect(fast / files.length).toBeGreaterThan(0.8);
    for (const file of files.filter((f) => /^(apps|infrastructure)\//.test(f))) expect(readYamlSubset(readFileSync(`${repoRoot}/${file}`, 'utf8')), file).toBeDefined();
  });

  it('reads kustomize output (wrapped plain and single-quoted scalars, sequences at their key indent) as yaml does', () => {
    for (const folder of ['clusters/pi5-lab', 'infrastructure/controllers/pi5-lab', 'infrastructure/configs/pi5-lab', 'apps/pi5-lab', 'apps/pi5-lab/monitoring', 'apps/pi5-mini']) {
      const built = execFileSync('kubectl', ['kustomize', folder], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect(expectAgreement(built), folder).toBe(true);
    }
  });

  it.each([
    ['a: 1\n', [{ a: 1 }]],
    ['# only a comment\n', []],
    ['---\n', [null]],
    ['a: 1\n---\n---\nb: [] # none\n', [{ a: 1 }, null, { b: [] }]],
    ['a:\n- 1\n- x\nb: ~\n', [{ a: [1, 'x'], b: null }]],
    ['- a: 1\n  b: |\n    t\n- - nested\n  - -\n', [[{ a: 1, b: 't\n' }, ['nested', [null]]]]],
    ['k: |2-\n    lead\n  x\n', [{ k: '  lead\nx' }]],
    ['k: |+\n  x\n\n', [{ k: 'x\n\n' }]],
    ['k: long\n  wrapped\n\n  text\n', [{ k: 'long wrapped\ntext' }]],
    ["k: 'it''s\n  wrapped'\n", [{ k: "it's wrapped" }]],
    ['k: "\\u00e9\\n"\n', [{ k: 'é\n' }]],
    ['n: { device: /dev/sda1, sizeGiB: 256 } # ssd\n', [{ n: { device: '/dev/sda1', sizeGiB: 256 } }]],
    ["- [a, 'b c', \"d\", 1, ~, -1, { k: [] }, {}, [ ]]\n", [[['a', 'b c', 'd', 1, null, -1, { k: [] }, {}, []]]]],
    ['ports: [80,443]\n', [{ ports: [80, 443] }]],
  ])('%j', (text, values) => {
    expectAgreement(text);
    expect(readYamlSubset(text)?.values).toEqual(values);
  });

  it.each([
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a flow sequence over two lines', 'a: [1,\n  2]\n'],
    ['an implicit key in a flow sequence', 'a: [b: 1]\n'],
    ['a trailing comma', 'a: [1, 2, ]\n'],
    ['an empty flow entry', 'a: [1, , 2]\n'],
    ['a flow key without a value', 'a: { b }\n'],
    ['a colon in a flow scalar', 'a: [http://x]\n'],
    ['a duplicate flow key', 'a: { b: 1, b: 2 }\n'],
    ['a folded block scalar', 'a: >\n  x\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a tab', 'a:\t1\n'],
    ['a CR line break', 'a: 1\r\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['a numeric key', '80: http\n'],
    ['a nested mapping on one line', 'a: b: c\n'],
    ['YAML-only escapes', 'a: "\\x41"\n'],
    ['a root scalar', 'just text\n'],
    ['an indented root', '  a: 1\n'],
    ['__proto__', '__proto__: 1\n'],
  ])('leaves %s to yaml', (_, text) => {
    expect(readYamlSubset(text)).toBeUndefined();
  });

  it('resolves plain scalars with the core schema, as yaml does', () => {
    for (const text of ['', '~', 'null', 'Null', 'NULL', 'true', 'True', 'FALSE', 'yes', 'on', '0o17', '017', '+12', '-0', '0x1F', '1_000', '.inf', '-.Inf', '.NaN', '1e3', '.5', '5.', '1.50', '2001-12-14', '0b11', 'v1', '3.0.1']) {
      const full = reference(`k: ${text}\n`)!.values[0] as { k: unknown };
      expect(Object.is(resolvePlain(text), full.k) || isDeepStrictEqual(resolvePlain(text), full.k), text).toBe(true);
    }
  });

  // Text in the style of both writers (ours: lineWidth 0; kustomize: wrapped at 80, sequences not indented),
  // built from characters that make YAML hard: the reader answers only where yaml agrees.
  const hard = fc.constantFrom('a', 'b', 'Z', '0', '1', '9', ' ', ':', '#', '-', "'", '"', '\\', '\n', '.', '|', '>', '[', ']', '{', '}', ',', '&', '*', '!', '%', '@', '?', '~', 'é', 'e', 'x', '+', '/', '=');
  const friendly = fc.constantFrom('a', 'b', 'x', '0', '7', ' ', '-', '.', '/', ':', '=', '(', ')', '[', '$', '"', "'", '\n');
  const scalar = fc.oneof(
    { arbitrary: fc.string({ unit: friendly, maxLength: 90 }), weight: 4 },
    fc.string({ unit: hard, maxLength: 40 }),
    fc.constantFrom('true', 'null', '~', 'yes', '0o7', '0x1f', '1e3', '.5', '.inf', '017', '-1', '+1', '1.50', '', ' ', '- x', '#x', 'a: b', 'a #b', '---', '...'),
    fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null),
  );
  const key = fc.oneof({ arbitrary: fc.constantFrom('name', 'image', 'ports', 'spec', 'x-y', 'a.b/c'), weight: 6 }, fc.constantFrom('apiVersion', 'kind', 'app.kubernetes.io/name', 'pi-gitops.dev/allow', 'a', 'b', 'c', 'd e', '1', 'true', '-x', ':x', '#x', "'q'", ''), fc.string({ unit: hard, maxLength: 12 }));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
    list: fc.array(tie('tree'), { maxLength: 4 }),
    map: fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
  }));
  const documents = fc.array(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 }), { minLength: 1, maxLength: 3 });
  const style = fc.record({ lineWidth: fc.constantFrom(0, 20, 80), indentSeq: fc.boolean(), singleQuote: fc.boolean(), blockQuote: fc.constantFrom(true, 'literal' as const, 'folded' as const, false) });

  it('agrees with yaml on generated documents in both writers\u2019 styles', () => {
    let fast = 0;
    fc.assert(fc.property(documents, style, (docs, options) => {
      const text = docs.map((d) => `---\n${stringify(d, { ...options, minContentWidth: 0, aliasDuplicateObjects: false })}`).join('');
      if (expectAgreement(text)) fast++;
    }), { numRuns: 1500, seed: 20261125 });
    expect(fast).toBeGreaterThan(300); // hard characters send many to yaml; enough stay to exercise the agreement
  });

  it('reads nearly every document a writer makes from Kubernetes-like values itself, as yaml does', () => {
    const plainKey = fc.constantFrom('name', 'image', 'ports', 'spec', 'x-y', 'a.b/c', 'containerPort');
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string({ unit: friendly, maxLength: 120 }), fc.integer(), fc.boolean(), fc.constant(null), tie('list'), tie('map')),
      list: fc.array(tie('value'), { maxLength: 4 }),
      map: fc.dictionary(plainKey, tie('value'), { maxKeys: 4 }),
    }));
    let fast = 0;
    fc.assert(fc.property(fc.array(fc.dictionary(plainKey, value, { minKeys: 1 }), { minLength: 1, maxLength: 3 }), fc.constantFrom(0, 80), fc.boolean(), (docs, lineWidth, indentSeq) => {
      const text = docs.map((d) => `---\n${stringify(d, { lineWidth, indentSeq, minContentWidth: 0 })}`).join('');
      if (expectAgreement(text)) fast++;
    }), { numRuns: 1000, seed: 20261125 });
    expect(fast).toBeGreaterThan(900);
  });

  it('agrees with yaml on documents with flow collections, and reads one-line ones of plain values itself', () => {
    const flowScalar = fc.oneof(fc.string({ unit: fc.constantFrom('a', 'x', '0', '7', ' ', '-', '.', '/', '=', '"', "'"), maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, flowScalar, tie('list'), tie('map')),
      list: fc.array(tie('value'), { maxLength: 4 }),
      map: fc.dictionary(fc.constantFrom('name', 'device', 'sizeGiB', 'x-y', 'a.b/c'), tie('value'), { maxKeys: 4 }),
    }));
    const write = (docs: readonly unknown[], flows: readonly boolean[], lineWidth: number, padding: boolean): string => {
      let k = 0;
      return docs.map((d) => {
        const document = new Document(d, { aliasDuplicateObjects: false });
        visit(document, { Collection(_, node, path) { if (path.length > 1) node.flow = flows[k++ % flows.length]!; } });
        return `---\n${document.toString({ lineWidth, minContentWidth: 0, flowCollectionPadding: padding })}`;
      }).join('');
    };
    const flows = fc.array(fc.boolean(), { minLength: 1, maxLength: 16 });
    let fastWithFlow = 0;
    fc.assert(fc.property(fc.array(fc.dictionary(fc.constantFrom('spec', 'nodes', 'storage'), value, { minKeys: 1 }), { minLength: 1, maxLength: 3 }), flows, fc.boolean(), (docs, flow, padding) => {
      const text = write(docs, flow, 0, padding);
      if (expectAgreement(text) && /: [[{]|- [[{]/.test(text)) fastWithFlow++;
    }), { numRuns: 1000, seed: 20261125 });
    expect(fastWithFlow).toBeGreaterThan(300);
    // Hard characters and wrapped flow collections: the reader answers only where yaml agrees.
    fc.assert(fc.property(documents, flows, fc.constantFrom(0, 20, 80), fc.boolean(), (docs, flow, lineWidth, padding) => {
      expectAgreement(write(docs, flow, lineWidth, padding));
    }), { numRuns: 1500, seed: 20261125 });
  });

  it('agrees with yaml on damaged documents (a character removed, inserted or a line moved)', () => {
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('delete', 'insert', 'indent', 'dedent', 'swap', 'duplicate'), char: hard });
    fc.assert(fc.property(documents, style, fc.array(edit, { minLength: 1, maxLength: 3 }), (docs, options, edits) => {
      let text = docs.map((d) => `---\n${stringify(d, { ...options, minContentWidth: 0 })}`).join('');
      for (const e of edits) {
        const lines = text.split('\n');
        const i = e.at % Math.max(1, lines.length);
        const line = lines[i] ?? '';
        const c = e.at % Math.max(1, line.length + 1);
        if (e.kind === 'delete') lines[i] = line.slice(0, c) + line.slice(c + 1);
        else if (e.kind === 'insert') lines[i] = line.slice(0, c) + e.char + line.slice(c);
        else if (e.kind === 'indent') lines[i] = ` ${line}`;
        else if (e.kind === 'dedent') lines[i] = line.replace(/^ /, '');
        else if (e.kind === 'swap' && i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1]!, line];
        else if (e.kind === 'duplicate') lines.splice(i, 0, line);
        text = lines.join('\n');
      }
      expectAgreement(text);
    }), { numRuns: 3000, seed: 20261125 });
  });
});
