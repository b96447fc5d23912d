import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../generator/spec/load.js';
import { readYamlSubset } from '../../generator/spec/yaml-subset.js';

const lab = readFileSync('clusters/pi5-lab/cluster.yaml', 'utf8');

describe('loadSpec', () => {
  it('accepts the bundled pi5-lab spec and fills defaults from the schema', () => {
    const { spec, findings } = loadSpec('clusters/pi5-lab/cluster.yaml', lab);
    expect(findings).toEqual([]);
    expect(spec?.cluster.spec.namespace).toBe('iot');
    expect(spec?.cluster.spec.reservations.evictionHard.memoryAvailable).toBe('200Mi');
  });

  it('names file, line, column and the intended key for a misspelt key', () => {
    const text = lab.replace('memoryGiB: 16', 'memoryGib: 16');
    const { spec, findings } = loadSpec('clusters/pi5-lab/cluster.yaml', text);
    expect(spec).toBeUndefined();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: 'E_SPEC_UNKNOWN_FIELD', path: 'spec.nodes[0].memoryGib', position: { line: 22, column: 7 }, hint: 'did you mean `memoryGiB`?' });
  });

  it('reports the same findings at the same places whether the fast reader or yaml reads the spec', () => {
    // A trailing `---` adds an empty document: yaml reads the text then, and ignores that document.
    const specs = ['clusters/pi5-lab/cluster.yaml', 'clusters/pi5-mini/cluster.yaml', ...['valid', 'invalid'].flatMap((kind) => readdirSync(`test/fixtures/spec/${kind}`).map((name) => `test/fixtures/spec/${kind}/${name}`))];
    let fast = 0;
    for (const file of specs) {
      const text = readFileSync(file, 'utf8');
      if (readYamlSubset(text)?.values.length === 1) fast++;
      const viaYaml = loadSpec(file, `${text.endsWith('\n') ? text : `${text}\n`}---\n`);
      const result = loadSpec(file, text);
      expect(result.findings, file).toEqual(viaYaml.findings);
      expect(result.spec?.cluster, file).toEqual(viaYaml.spec?.cluster);
      if (result.spec) expect(result.spec.locate(['spec', 'nodes', 0, 'storage', 'device']), file).toEqual(viaYaml.spec!.locate(['spec', 'nodes', 0, 'storage', 'device']));
    }
    expect(fast).toBeGreaterThan(specs.length / 2); // the bundled specs and most fixtures are in the subset
  });
});
