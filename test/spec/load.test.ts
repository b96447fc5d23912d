import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../generator/spec/load.js';

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
});
