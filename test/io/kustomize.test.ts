import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { kustomizeBuild, ToolMissingError } from '../../generator/io/kustomize.js';

describe('kustomizeBuild', () => {
  const root = mkdtempSync(join(tmpdir(), 'pi-gitops-kustomize-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const saved = process.env.GOGC;
  afterEach(() => {
    if (saved === undefined) delete process.env.GOGC;
    else process.env.GOGC = saved;
  });
  // Stands in for kubectl: prints its arguments and the environment a build gets.
  const fake = join(root, 'kubectl');
  writeFileSync(fake, '#!/bin/sh\nprintf "args: %s %s\\ngogc: %s\\nplugins: %s\\n" "$1" "$2" "$GOGC" "$KUSTOMIZE_PLUGIN_HOME"\n');
  chmodSync(fake, 0o755);

  it('runs kubectl kustomize on the folder, with plugins off and Go collecting less often', async () => {
    delete process.env.GOGC;
    const result = await kustomizeBuild('/repo', 'apps/lab', fake);
    expect(result).toEqual({ path: 'apps/lab', yaml: 'args: kustomize /repo/apps/lab\ngogc: 400\nplugins: /nonexistent\n' });
  });

  it('keeps a GOGC the user set', async () => {
    process.env.GOGC = '150';
    expect((await kustomizeBuild('/repo', 'apps/lab', fake)).yaml).toContain('gogc: 150\n');
  });

  it('reports a failed build with its error output, and a missing kubectl as ToolMissingError', async () => {
    const failing = join(root, 'failing');
    writeFileSync(failing, '#!/bin/sh\necho "accumulating resources: no such file" >&2\nexit 1\n');
    chmodSync(failing, 0o755);
    expect(await kustomizeBuild('/repo', 'apps/lab', failing)).toEqual({ path: 'apps/lab', error: 'accumulating resources: no such file' });
    await expect(kustomizeBuild('/repo', 'apps/lab', join(root, 'absent'))).rejects.toBeInstanceOf(ToolMissingError);
  });
});
