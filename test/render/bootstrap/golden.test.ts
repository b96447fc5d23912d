import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRepository } from '../../../generator/render/repository.js';
import { loadSpec } from '../../../generator/spec/load.js';

/** The committed bootstrap/ tree is the golden copy: it must be exactly what the specs render (run `pi-gitops generate` to update it). */
describe('committed bootstrap/ tree', () => {
  const specs = ['clusters/pi5-lab/cluster.yaml', 'clusters/pi5-mini/cluster.yaml'].map((file) => loadSpec(file, readFileSync(file, 'utf8')).spec!);
  const rendered = renderRepository(specs).filter((f) => f.path.startsWith('bootstrap/'));

  it('holds every rendered bootstrap file byte for byte, scripts executable', () => {
    for (const file of rendered) {
      expect(readFileSync(file.path, 'utf8'), `${file.path} differs from the spec: run pi-gitops generate`).toBe(file.content);
      if (file.mode !== undefined) expect(statSync(file.path).mode & 0o777, file.path).toBe(file.mode);
    }
  });

  it('holds no file the specs do not render', () => {
    const onDisk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? onDisk(join(dir, e.name)) : [join(dir, e.name)]));
    expect(onDisk('bootstrap').sort()).toEqual(rendered.map((f) => f.path).sort());
  });

  it('renders the same bytes twice', () => {
    expect(renderRepository(specs).filter((f) => f.path.startsWith('bootstrap/'))).toEqual(rendered);
  });
});
