import { describe, expect, it } from 'vitest';
import { renderRepository } from '../../../generator/render/repository.js';
import { findTool, inCI, requireTool, run } from '../../helpers/daemons.js';
import { exampleSpecs, renderedConfigMap, renderedObjects, writeTemp } from '../../helpers/examples.js';

/** Every shell script the apps render (start scripts, the PostgreSQL init, exec probes) passes shellcheck as POSIX sh. */

const shellcheck = findTool('shellcheck');

describe.skipIf(!shellcheck && !inCI)('rendered shell scripts', () => {
  it('pass shellcheck (POSIX sh)', async () => {
    const tool = requireTool(shellcheck, 'shellcheck', 'apt-get install shellcheck');
    const files = renderRepository(await exampleSpecs());
    const scripts: Record<string, string> = {
      'redis-start.sh': renderedConfigMap(files, 'apps/base/redis/configmap.yaml', 'redis-config')['start.sh']!,
      'mosquitto-start.sh': renderedConfigMap(files, 'apps/base/mosquitto/configmap.yaml', 'mosquitto-config')['start.sh']!,
      'postgresql-init-lab.sh': renderedConfigMap(files, 'apps/pi5-lab/configmaps.yaml', 'postgresql-init')['10-apps.sh']!,
      'postgresql-init-mini.sh': renderedConfigMap(files, 'apps/pi5-mini/configmaps.yaml', 'postgresql-init')['10-apps.sh']!,
      'postgresql-poststart.sh': `#!/bin/sh\n${renderedObjects(files, 'apps/base/postgresql/statefulset.yaml')[0].spec.template.spec.containers[0].lifecycle.postStart.exec.command[2]}\n`,
      'redis-probe.sh': `#!/bin/sh\n${renderedObjects(files, 'apps/base/redis/statefulset.yaml')[0].spec.template.spec.containers[0].readinessProbe.exec.command[2]}\n`,
    };
    const temp = await writeTemp(Object.entries(scripts).map(([path, content]) => ({ path, content })));
    try {
      const result = await run(tool, ['--shell=sh', '--severity=style', ...Object.keys(scripts).map((p) => `${temp.root}/${p}`)], { asTestUser: true });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.code).toBe(0);
    } finally {
      await temp.cleanup();
    }
  });
});
