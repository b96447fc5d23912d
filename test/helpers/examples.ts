import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadSpecs } from '../../generator/io/specs.js';
import type { GeneratedFile } from '../../generator/render/files.js';
import type { LoadedSpec } from '../../generator/spec/types.js';
import { loadSpec } from '../../generator/spec/load.js';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** The bundled example specs (clusters/pi5-lab, clusters/pi5-mini), loaded as the CLI loads them. */
export async function exampleSpecs(): Promise<LoadedSpec[]> {
  const { specs, findings } = await loadSpecs(process.cwd());
  if (findings.some((f) => f.severity === 'error')) throw new Error(`example specs do not load: ${JSON.stringify(findings)}`);
  return [...specs];
}

/** One example spec, optionally edited as text first (the way a user edits it). */
export function exampleSpec(name: string, edit: (text: string) => string = (t) => t): LoadedSpec {
  const file = `clusters/${name}/cluster.yaml`;
  const { spec, findings } = loadSpec(file, edit(readFileSync(file, 'utf8')));
  if (!spec) throw new Error(`${file} does not load after the edit: ${JSON.stringify(findings)}`);
  return spec;
}

/** Writes rendered files into a fresh temporary folder; returns it and a cleanup. */
export async function writeTemp(files: readonly GeneratedFile[]): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'pi-gitops-'));
  for (const file of files) {
    await mkdir(dirname(join(root, file.path)), { recursive: true });
    await writeFile(join(root, file.path), file.content);
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** The documents of one rendered YAML file. */
export function renderedObjects(files: readonly GeneratedFile[], path: string): any[] {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`${path} was not rendered`);
  return parseAllDocuments(file.content).map((d) => d.toJS());
}

/** The data of a rendered ConfigMap, found by name in a rendered file. */
export function renderedConfigMap(files: readonly GeneratedFile[], path: string, name: string): Record<string, string> {
  const map = renderedObjects(files, path).find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  if (!map) throw new Error(`no ConfigMap ${name} in ${path}`);
  return map.data;
}
