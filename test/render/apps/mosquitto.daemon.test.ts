import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSecrets } from '../../../generator/render/apps/secrets.js';
import { renderRepository } from '../../../generator/render/repository.js';
import { exampleSpecs, renderedConfigMap, writeTemp } from '../../helpers/examples.js';
import { findTool, freePort, handOver, inCI, randomValue, requireTool, run, start, stop, waitForPort } from '../../helpers/daemons.js';

/**
 * Debian's mosquitto runs the rendered mosquitto.conf and start.sh exactly as rendered, only the
 * paths and the port adjusted, with the credentials the bootstrap would create for pi5-lab.
 */

const tools = { mosquitto: findTool('mosquitto'), pub: findTool('mosquitto_pub'), sub: findTool('mosquitto_sub'), passwd: findTool('mosquitto_passwd') };
const missing = Object.values(tools).some((t) => t === undefined);

describe.skipIf(missing && !inCI)('the rendered Mosquitto configuration, run by the real broker', () => {
  let port: number;
  let daemon: ReturnType<typeof start> | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  let dir: string;
  const credentials = new Map<string, { username: string; password: string }>();

  beforeAll(async () => {
    requireTool(tools.mosquitto, 'mosquitto', 'apt-get install mosquitto');
    requireTool(tools.pub, 'mosquitto_pub', 'apt-get install mosquitto-clients');
    requireTool(tools.sub, 'mosquitto_sub', 'apt-get install mosquitto-clients');
    requireTool(tools.passwd, 'mosquitto_passwd', 'apt-get install mosquitto');
    const specs = await exampleSpecs();
    const lab = specs.find((s) => s.cluster.metadata.name === 'pi5-lab')!;
    const files = renderRepository(specs);
    const data = renderedConfigMap(files, 'apps/base/mosquitto/configmap.yaml', 'mosquitto-config');
    const temp = await writeTemp([]);
    cleanup = temp.cleanup;
    dir = temp.root;
    port = await freePort();
    const paths = (text: string): string =>
      text
        .replaceAll('/run/secrets/mqtt', join(dir, 'secrets/mqtt'))
        .replaceAll('/mosquitto/run', join(dir, 'run'))
        .replaceAll('/mosquitto/data', join(dir, 'data'))
        .replaceAll('/mosquitto/config', join(dir, 'config'));
    const conf = paths(data['mosquitto.conf']!).replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`);
    expect(conf).toContain(`listener ${port} 127.0.0.1`);
    for (const sub of ['config', 'data', 'run']) await mkdir(join(dir, sub), { recursive: true });
    await writeFile(join(dir, 'config/mosquitto.conf'), conf);
    await writeFile(join(dir, 'config/start.sh'), paths(data['start.sh']!));
    // The Secrets the bootstrap creates for mosquitto's clients, projected as the StatefulSet does.
    for (const secret of appSecrets(lab.cluster).filter((s) => s.name.endsWith('-mosquitto'))) {
      const client = secret.name.replace(/-mosquitto$/, '');
      const username = secret.keys.find((k) => k.key === 'username')!.value as { literal: string };
      const entry = { username: username.literal, password: randomValue() };
      credentials.set(client, entry);
      await mkdir(join(dir, 'secrets/mqtt', client), { recursive: true });
      await writeFile(join(dir, 'secrets/mqtt', client, 'username'), entry.username, { mode: 0o440 });
      await writeFile(join(dir, 'secrets/mqtt', client, 'password'), entry.password, { mode: 0o440 });
    }
    expect([...credentials.keys()].sort()).toEqual(['data-ingestion', 'device-management']);
    await handOver(dir);
    daemon = start('sh', [join(dir, 'config/start.sh')], { cwd: dir, env: { PATH: `${process.env.PATH}:/usr/sbin` } });
    await waitForPort(port, 10_000, daemon.output);
  });

  afterAll(async () => {
    if (daemon) await stop(daemon.child);
    await cleanup?.();
  });

  const pub = (args: string[]): ReturnType<typeof run> => run(tools.pub!, ['-h', '127.0.0.1', '-p', String(port), '-q', '1', ...args]);

  it('refuses an anonymous client', async () => {
    const result = await pub(['-t', 'devices/anon', '-m', 'hello']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/not authori[sz]ed/i);
  });

  it('refuses a known user with a wrong password', async () => {
    const result = await pub(['-u', credentials.get('data-ingestion')!.username, '-P', 'wrong', '-t', 'devices/x', '-m', 'hello']);
    expect(result.code).not.toBe(0);
  });

  it('accepts the bootstrap credentials and delivers between two apps', async () => {
    const publisher = credentials.get('device-management')!;
    const subscriber = credentials.get('data-ingestion')!;
    const sent = await pub(['-u', publisher.username, '-P', publisher.password, '-r', '-t', 'devices/rpi-01/telemetry', '-m', 'temp=21.5']);
    expect(sent.code, sent.stderr).toBe(0);
    const received = await run(tools.sub!, ['-h', '127.0.0.1', '-p', String(port), '-u', subscriber.username, '-P', subscriber.password, '-t', 'devices/+/telemetry', '-C', '1', '-W', '5']);
    expect(received.code, received.stderr).toBe(0);
    expect(received.stdout.trim()).toBe('temp=21.5');
  });

  it('keeps the password file hashed and private to the broker user', async () => {
    const file = join(dir, 'run/passwd');
    const text = await readFile(file, 'utf8');
    for (const { password } of credentials.values()) expect(text).not.toContain(password);
    expect(text).toMatch(/^data_ingestion:\$7\$/m);
    expect((await stat(file)).mode & 0o077).toBe(0);
  });
});
