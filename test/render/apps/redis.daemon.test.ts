import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSecrets } from '../../../generator/render/apps/secrets.js';
import { renderRepository } from '../../../generator/render/repository.js';
import { exampleSpecs, renderedConfigMap, renderedObjects, writeTemp } from '../../helpers/examples.js';
import { findTool, freePort, handOver, inCI, randomValue, requireTool, run, start, stop, waitForPort } from '../../helpers/daemons.js';

/**
 * Debian's redis-server runs the rendered redis.conf and start.sh exactly as rendered (paths, bind
 * address and port adjusted), with the password the bootstrap would create and the maxmemory the
 * pi5-lab overlay sets; the rendered probe command is run against it as well.
 */

const tools = { server: findTool('redis-server'), cli: findTool('redis-cli') };

describe.skipIf((!tools.server || !tools.cli) && !inCI)('the rendered Redis configuration, run by the real server', () => {
  let port: number;
  let dir: string;
  let password: string;
  let probe: string;
  let daemon: ReturnType<typeof start> | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  let maxmemory: string;

  const adjust = (text: string): string =>
    text
      .replaceAll('/run/secrets/redis', join(dir, 'secrets'))
      .replaceAll('/run/redis', join(dir, 'run'))
      .replaceAll('/etc/redis', join(dir, 'etc'))
      .replace(/^dir \/data$/m, `dir ${join(dir, 'data')}`)
      .replace(/^bind .*$/m, 'bind 127.0.0.1')
      .replace(/^port 6379$/m, `port ${port}`)
      .replaceAll('-p 6379', `-p ${port}`);

  beforeAll(async () => {
    requireTool(tools.server, 'redis-server', 'apt-get install redis-server');
    requireTool(tools.cli, 'redis-cli', 'apt-get install redis-tools');
    const specs = await exampleSpecs();
    const lab = specs.find((s) => s.cluster.metadata.name === 'pi5-lab')!;
    const files = renderRepository(specs);
    const data = renderedConfigMap(files, 'apps/base/redis/configmap.yaml', 'redis-config');
    const [statefulSet] = renderedObjects(files, 'apps/base/redis/statefulset.yaml');
    const [patch] = renderedObjects(files, 'apps/pi5-lab/patches/redis.yaml');
    maxmemory = patch.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'REDIS_MAXMEMORY').value;
    const temp = await writeTemp([]);
    cleanup = temp.cleanup;
    dir = temp.root;
    port = await freePort();
    probe = adjust(statefulSet.spec.template.spec.containers[0].readinessProbe.exec.command[2]);
    for (const sub of ['etc', 'data', 'run', 'secrets']) await mkdir(join(dir, sub), { recursive: true });
    await writeFile(join(dir, 'etc/redis.conf'), adjust(data['redis.conf']!));
    await writeFile(join(dir, 'etc/start.sh'), adjust(data['start.sh']!));
    const secret = appSecrets(lab.cluster).find((s) => s.name === 'redis-auth')!;
    expect(secret.keys).toEqual([{ key: 'password', value: 'random' }]);
    password = randomValue();
    await writeFile(join(dir, 'secrets/password'), password, { mode: 0o440 });
    await handOver(dir);
    daemon = start('sh', [join(dir, 'etc/start.sh')], { cwd: dir, env: { REDIS_MAXMEMORY: maxmemory } });
    await waitForPort(port, 10_000, daemon.output);
  });

  afterAll(async () => {
    if (daemon) await stop(daemon.child);
    await cleanup?.();
  });

  const cli = (args: string[], auth?: string): ReturnType<typeof run> =>
    run(tools.cli!, ['-h', '127.0.0.1', '-p', String(port), '--no-auth-warning', ...args], { env: auth === undefined ? { REDISCLI_AUTH: '' } : { REDISCLI_AUTH: auth } });

  it('refuses commands without the password', async () => {
    const result = await cli(['SET', 'device:1', 'online']);
    expect(result.stdout + result.stderr).toMatch(/NOAUTH/);
  });

  it('refuses a wrong password', async () => {
    const result = await cli(['PING'], 'not-the-password');
    expect(result.stdout + result.stderr).toMatch(/WRONGPASS|invalid|NOAUTH/i);
  });

  it('accepts the password from the Secret and runs with append-only persistence and the overlay maxmemory', async () => {
    expect((await cli(['SET', 'device:1', 'online'], password)).stdout.trim()).toBe('OK');
    expect((await cli(['GET', 'device:1'], password)).stdout.trim()).toBe('online');
    expect((await cli(['CONFIG', 'GET', 'appendonly'], password)).stdout.split('\n')[1]).toBe('yes');
    const bytes = Number((await cli(['CONFIG', 'GET', 'maxmemory'], password)).stdout.split('\n')[1]);
    expect(bytes).toBe(Number(maxmemory.replace('mb', '')) * 2 ** 20);
  });

  it('passes the rendered readiness probe', async () => {
    const result = await run('sh', ['-c', probe], { env: { PATH: process.env.PATH } });
    expect(result.code, result.stderr).toBe(0);
  });

  it('fails the rendered readiness probe when the mounted password is wrong', async () => {
    const wrong = probe.replace(join(dir, 'secrets/password'), '/dev/null');
    expect(wrong).not.toBe(probe);
    expect((await run('sh', ['-c', wrong])).code).not.toBe(0);
  });
});
