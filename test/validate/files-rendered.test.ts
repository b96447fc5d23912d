import { describe, expect, it } from 'vitest';
import { loadSpecs } from '../../generator/io/specs.js';
import { renderRepository } from '../../generator/render/repository.js';
import { renderedDocuments } from '../../generator/render/serialize.js';
import type { GeneratedFile } from '../../generator/render/files.js';
import type { LoadedSpec } from '../../generator/spec/types.js';
import { locateIn, parseYamlSource } from '../../generator/spec/yaml-source.js';
import { checkFiles, type RenderedLookup, type SourceEntry } from '../../generator/validate/files.js';
import { memoryFs } from '../../generator/validate/fs.js';

/**
 * validate's files stage takes the serializer's own documents for a file whose bytes are exactly what
 * the generator renders, instead of parsing it. That is sound only if the serializer's output always
 * parses cleanly back to those very documents, each starting on the line after its `---`: proven here
 * for every file rendered from the example and golden specs, and end to end against a full parse.
 */
const specSets: [string, string][] = [
  ['the example clusters', '.'],
  ['golden full', 'test/fixtures/golden/full'],
  ['golden pi5-lab', 'test/fixtures/golden/pi5-lab'],
  ['golden pi5-mini', 'test/fixtures/golden/pi5-mini'],
];

async function render(root: string): Promise<GeneratedFile[]> {
  const { specs, findings } = await loadSpecs(root);
  expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  return renderRepository(specs as LoadedSpec[]);
}

function lookup(files: readonly GeneratedFile[]): RenderedLookup {
  const byPath = new Map(files.map((f) => [f.path, f]));
  return (path) => {
    const file = byPath.get(path);
    const documents = file && renderedDocuments(file);
    return documents && { content: file.content, documents };
  };
}

/** Everything a later stage can ask of an index entry, including field positions. */
function describeEntry(e: SourceEntry): unknown {
  const spec = (e.object.spec ?? {}) as Record<string, unknown>;
  const paths: (string | number)[][] = [[], ['metadata'], ['metadata', 'name'], ['kind'], ['spec'], ...Object.keys(spec).map((k) => ['spec', k]), ['spec', 'template', 'spec', 'containers', 0, 'image'], ['no-such-field']];
  return { file: e.file, position: e.position, object: e.object, patch: e.patch, located: paths.map((p) => e.locate(p)) };
}

describe('files stage on files the generator renders', () => {
  it.each(specSets)('%s: every serialized file parses cleanly to the documents it serialized, each after its --- line', async (_name, root) => {
    const files = await render(root);
    let checked = 0;
    for (const file of files) {
      const documents = renderedDocuments(file);
      if (!documents) continue;
      checked++;
      const parsed = parseYamlSource(file.path, file.content, { stage: 'files', codePrefix: 'E_FILE' });
      expect(parsed.findings, file.path).toEqual([]);
      expect(parsed.values, file.path).toStrictEqual([...documents]);
      const separators = file.content.split('\n').flatMap((line, i) => (line === '---' ? [i + 2] : []));
      expect(parsed.documents.map((d) => locateIn(d, parsed.lineCounter, [])), file.path).toEqual(separators.map((line) => ({ line, column: 1 })));
    }
    expect(checked).toBeGreaterThan(50);
  });

  it.each(specSets)('%s: taking the rendered documents gives the same findings and source index as parsing every file', async (_name, root) => {
    const files = await render(root);
    const fs = memoryFs(Object.fromEntries(files.map((f) => [f.path, f.content])));
    const parsedAll = await checkFiles(fs);
    const taken = await checkFiles(memoryFs(Object.fromEntries(files.map((f) => [f.path, f.content]))), Promise.resolve(lookup(files)));
    expect(taken.findings).toEqual(parsedAll.findings);
    expect(taken.unusable).toBe(parsedAll.unusable);
    expect(taken.index.size).toBe(parsedAll.index.size);
    expect(taken.index.entries().map(describeEntry)).toEqual(parsedAll.index.entries().map(describeEntry));
    // Not vacuous: the entries are the serializer's own objects, not parsed copies.
    const serialized = new Set(files.flatMap((f) => renderedDocuments(f) ?? []));
    expect(taken.index.entries().filter((e) => serialized.has(e.object)).length).toBe(taken.index.entries().length);
    expect(parsedAll.index.entries().filter((e) => serialized.has(e.object))).toEqual([]);
  });

  it('parses a file whose bytes differ from the rendered ones, and reports what is wrong in it', async () => {
    const files = await render('.');
    const target = files.find((f) => f.path.endsWith('/deployment.yaml') && renderedDocuments(f))!;
    const edited = target.content.replace(/\n {2}name: /, '\n  name: a\n  name: ');
    const fs = memoryFs({ ...Object.fromEntries(files.map((f) => [f.path, f.content])), [target.path]: edited });
    const result = await checkFiles(fs, Promise.resolve(lookup(files)));
    expect(result.findings.map((f) => `${f.code}@${f.file}`)).toEqual([`E_FILE_DUPLICATE_KEY@${target.path}`]);
    expect(result.unusable).toBe(false);
  });
});
