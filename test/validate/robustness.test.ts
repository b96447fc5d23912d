import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, it } from 'vitest';
import { checkPolicy } from '../../generator/validate/policy/index.js';
import { checkReferences } from '../../generator/validate/references.js';
import type { BuiltObject } from '../../generator/validate/types.js';
import { base } from './_tree.js';

/** The base tree's objects, as kustomize would hand them over. */
const objects: Record<string, unknown>[] = Object.entries(base).flatMap(([, text]) => text.split(/^---$/m).map((d) => parse(d) as unknown).filter((d): d is Record<string, unknown> => !!d && typeof d === 'object'));

/** Every path to a value inside an object. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function replaced(value: unknown, path: readonly (string | number)[], by: unknown): unknown {
  if (path.length === 0) return by;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[path[0]!] = replaced(copy[path[0]!], path.slice(1), by);
  return copy;
}

describe('object stages on hostile input', () => {
  it('never throw, whatever value stands at any field of any object (kustomize passes unknown shapes through)', async () => {
    const all = objects.flatMap((o, i) => paths(o).map((p) => [i, p] as const));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(all.length - 1), fc.anything({ withNullPrototype: false })), { minLength: 1, maxLength: 4 }), async (edits) => {
        const mutated = [...objects];
        for (const [at, value] of edits) {
          const [index, path] = all[at]!;
          mutated[index] = replaced(mutated[index], path, value) as Record<string, unknown>;
        }
        const built: BuiltObject[] = mutated.filter((o) => o !== null && typeof o === 'object' && !Array.isArray(o)).map((object) => ({ object, fluxPath: 'apps/lab' }));
        checkReferences(built);
        await checkPolicy(built);
      }),
      { numRuns: 500 },
    );
  });
});
