import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSecrets } from '../../../generator/render/apps/secrets.js';
import { renderRepository } from '../../../generator/render/repository.js';
import { exampleSpec, exampleSpecs, renderedConfigMap, renderedObjects, writeTemp } from '../../helpers/examples.js';
import { findPostgresBin, freePort, handOver, inCI, randomValue, requireTool, run } from '../../helpers/daemons.js';

/**
 * Debian's PostgreSQL runs the rendered init script as the official image's entrypoint would: initdb
 * with the superuser `postgres` (local trust, host scram-sha-256 as the image sets), a server on a
 * Unix socket, then the script from /docker-entrypoint-initdb.d with POSTGRES_USER exported. Only
 * the credentials folder, socket and port are adjusted. Then every app role is tried against every
 * database over TCP with its password.
 */

const bin = findPostgresBin();

describe.skipIf(!bin && !inCI)('the rendered PostgreSQL init script, run by the real server', () => {
  let port: number;
  let dir: string;
  let script: string;
  let cleanup: (() => Promise<void>) | undefined;
  let started = false;
  const passwords = new Map<string, string>();
  let probe: string[];

  const tool = (name: string): string => join(requireTool(bin, 'PostgreSQL (initdb, pg_ctl, psql)', 'apt-get install postgresql'), name);
  const socketEnv = (): NodeJS.ProcessEnv => ({ PGHOST: join(dir, 'run'), PGPORT: String(port), POSTGRES_USER: 'postgres', PATH: `${bin}:${process.env.PATH}` });

  beforeAll(async () => {
    tool('initdb');
    const specs = await exampleSpecs();
    const lab = specs.find((s) => s.cluster.metadata.name === 'pi5-lab')!;
    const files = renderRepository(specs);
    const data = renderedConfigMap(files, 'apps/pi5-lab/configmaps.yaml', 'postgresql-init');
    const [statefulSet] = renderedObjects(files, 'apps/base/postgresql/statefulset.yaml');
    probe = statefulSet.spec.template.spec.containers[0].readinessProbe.exec.command;
    const temp = await writeTemp([]);
    cleanup = temp.cleanup;
    dir = temp.root;
    port = await freePort();
    for (const sub of ['run', 'initdb', 'secrets/apps']) await mkdir(join(dir, sub), { recursive: true });
    script = data['10-apps.sh']!.replace(/^CREDENTIALS_DIR=\/run\/secrets\/apps$/m, `CREDENTIALS_DIR=${join(dir, 'secrets/apps')}`);
    expect(script).not.toBe(data['10-apps.sh']);
    await writeFile(join(dir, 'initdb/10-apps.sh'), script, { mode: 0o555 });
    // The passwords the bootstrap creates, projected into <dir>/<client>/password as the StatefulSet does.
    for (const secret of appSecrets(lab.cluster).filter((s) => s.name.startsWith('postgresql-exporter') || (s.name.endsWith('-postgresql') && s.keys.some((k) => k.key === 'database')))) {
      const username = (secret.keys.find((k) => k.key === 'username')!.value as { literal: string }).literal;
      const folder = secret.name === 'postgresql-exporter' ? username : secret.name.replace(/-postgresql$/, '');
      const password = randomValue();
      passwords.set(username, password);
      await mkdir(join(dir, 'secrets/apps', folder), { recursive: true });
      await writeFile(join(dir, 'secrets/apps', folder, 'password'), password, { mode: 0o440 });
    }
    expect([...passwords.keys()].sort()).toEqual(['analytics', 'api_service', 'device_management', 'postgres_exporter']);
    await writeFile(join(dir, 'superuser-password'), randomValue(), { mode: 0o400 });
    await handOver(dir);
    const init = await run(tool('initdb'), ['-D', join(dir, 'data'), '--username=postgres', `--pwfile=${join(dir, 'superuser-password')}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--no-instructions'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    const ctl = await run(tool('pg_ctl'), ['-D', join(dir, 'data'), '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${join(dir, 'run')}`, 'start'], { cwd: dir });
    expect(ctl.code, ctl.stderr + ctl.stdout).toBe(0);
    started = true;
    const result = await run('sh', [join(dir, 'initdb/10-apps.sh')], { cwd: dir, env: socketEnv() });
    expect(result.code, result.stderr).toBe(0);
  });

  afterAll(async () => {
    if (started) await run(tool('pg_ctl'), ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop'], { cwd: dir });
    await cleanup?.();
  });

  const connect = (role: string, database: string, password = passwords.get(role)!): ReturnType<typeof run> =>
    run(tool('psql'), ['--no-psqlrc', '-h', '127.0.0.1', '-p', String(port), '-U', role, '-d', database, '-tAc', 'SELECT current_user || \'@\' || current_database()'], { cwd: dir, env: { PGPASSWORD: password } });

  const apps = ['analytics', 'api_service', 'device_management'];

  it('creates each app role and lets it connect to its own database only', async () => {
    for (const role of apps) {
      const own = await connect(role, role);
      expect(own.code, own.stderr).toBe(0);
      expect(own.stdout.trim()).toBe(`${role}@${role}`);
    }
  });

  it('refuses a role in another app\'s database and in the maintenance database', async () => {
    for (const role of apps) {
      for (const other of [...apps.filter((a) => a !== role), 'postgres']) {
        const result = await connect(role, other);
        expect(result.code, `${role} → ${other}`).not.toBe(0);
        expect(result.stderr).toMatch(/permission denied for database/);
      }
    }
  });

  it('makes each app role the owner of its database, without superuser or createdb/createrole rights', async () => {
    const result = await run(tool('psql'), ['--no-psqlrc', '-d', 'postgres', '-U', 'postgres', '-tAc', "SELECT d.datname || ':' || r.rolname || ':' || r.rolsuper || r.rolcreatedb || r.rolcreaterole FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname IN ('analytics','api_service','device_management') ORDER BY 1"], { cwd: dir, env: socketEnv() });
    expect(result.stdout.trim().split('\n')).toEqual(['analytics:analytics:falsefalsefalse', 'api_service:api_service:falsefalsefalse', 'device_management:device_management:falsefalsefalse']);
  });

  it('refuses a wrong password', async () => {
    const result = await connect('api_service', 'api_service', 'wrong');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/password authentication failed/);
  });

  it('lets the exporter role read statistics from the postgres database only', async () => {
    expect((await connect('postgres_exporter', 'postgres')).code).toBe(0);
    expect((await connect('postgres_exporter', 'api_service')).code).not.toBe(0);
  });

  it('can run again without error (idempotent), as after adding an app', async () => {
    const again = await run('sh', [join(dir, 'initdb/10-apps.sh')], { cwd: dir, env: socketEnv() });
    expect(again.code, again.stderr).toBe(0);
    expect((await connect('api_service', 'api_service')).code).toBe(0);
  });

  it('gives an app added later its role and database through the rendered postStart hook', async () => {
    // Given data-ingestion now depends on postgresql too, re-rendered from the edited spec.
    const edited = exampleSpec('pi5-lab', (t) => t.replace('dependsOn: [mosquitto, influxdb, redis]', 'dependsOn: [mosquitto, influxdb, redis, postgresql]'));
    const files = renderRepository([edited]);
    const newScript = renderedConfigMap(files, 'apps/pi5-lab/configmaps.yaml', 'postgresql-init')['10-apps.sh']!;
    expect(newScript).toContain('ensure_role data_ingestion data-ingestion');
    const [statefulSet] = renderedObjects(files, 'apps/base/postgresql/statefulset.yaml');
    const hook: string = statefulSet.spec.template.spec.containers[0].lifecycle.postStart.exec.command[2];
    const password = randomValue();
    passwords.set('data_ingestion', password);
    await mkdir(join(dir, 'secrets/apps/data-ingestion'), { recursive: true });
    await writeFile(join(dir, 'secrets/apps/data-ingestion/password'), password, { mode: 0o440 });
    await writeFile(join(dir, 'initdb/10-apps.sh'), newScript.replace(/^CREDENTIALS_DIR=\/run\/secrets\/apps$/m, `CREDENTIALS_DIR=${join(dir, 'secrets/apps')}`), { mode: 0o555 });
    await handOver(dir);
    expect((await connect('data_ingestion', 'data_ingestion')).code).not.toBe(0);
    // When the pod restarts, the hook runs (only the port and the init folder adjusted).
    const adjusted = hook.replace('--port=5432', `--port=${port}`).replace('/docker-entrypoint-initdb.d/', `${join(dir, 'initdb')}/`);
    expect(adjusted).not.toBe(hook);
    const result = await run('sh', ['-c', adjusted], { cwd: dir, env: socketEnv() });
    expect(result.code, result.stderr).toBe(0);
    // Then the new role reaches its own database, and still no other.
    expect((await connect('data_ingestion', 'data_ingestion')).stdout.trim()).toBe('data_ingestion@data_ingestion');
    expect((await connect('data_ingestion', 'api_service')).stderr).toMatch(/permission denied for database/);
    expect((await connect('api_service', 'data_ingestion')).stderr).toMatch(/permission denied for database/);
  });

  it('never writes an app password into the server log', async () => {
    const log = await readFile(join(dir, 'server.log'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    for (const password of passwords.values()) expect(log).not.toContain(password);
  });

  it('passes the rendered pg_isready probe', async () => {
    const [cmd, ...args] = probe;
    const result = await run(join(bin!, cmd!), args.map((a) => a.replace('--port=5432', `--port=${port}`)), { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});
