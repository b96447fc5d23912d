import { parseAllDocuments } from 'yaml';
import type { GeneratedFile } from '../../generator/render/files.js';
import { renderRepository } from '../../generator/render/repository.js';
import type { LoadedSpec } from '../../generator/spec/types.js';

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [key: string]: unknown;
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text).map((d) => d.toJS() as K8sObject | null).filter((o): o is K8sObject => o !== null);
}

/** The rendered repository for some specs, by path. */
export function renderedFiles(specs: readonly LoadedSpec[]): Map<string, GeneratedFile> {
  return new Map(renderRepository(specs).map((f) => [f.path, f]));
}

/** Data of a rendered ConfigMap, found by file and name. */
export function configMapData(files: Map<string, GeneratedFile>, path: string, name: string): Record<string, string> {
  const file = files.get(path);
  if (!file) throw new Error(`${path} was not rendered`);
  const cm = parseObjects(file.content).find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  if (!cm) throw new Error(`ConfigMap ${name} not in ${path}`);
  return cm.data as Record<string, string>;
}
