import { readFileSync } from 'node:fs';
import { loadSpec } from '../../generator/spec/load.js';
import type { LoadedSpec } from '../../generator/spec/types.js';

/** Loads a bundled example spec, optionally edited as text first; fails loudly if it does not load. */
export function exampleSpec(name: 'pi5-lab' | 'pi5-mini', edit: (text: string) => string = (t) => t): LoadedSpec {
  const file = `clusters/${name}/cluster.yaml`;
  const { spec, findings } = loadSpec(file, edit(readFileSync(file, 'utf8')));
  if (!spec) throw new Error(`${file} did not load: ${JSON.stringify(findings)}`);
  return spec;
}
