import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Container, Probe, VolumeProjection } from 'kubernetes-types/core/v1.js';
import type { AppContext, AppKind, BaseFile, OverlayPart, WorkloadPatch } from './_component.js';
import { appLabels, baseImage, clientsOf, exporters, exportersOn, POSTGRES_EXPORTER_USER, POSTGRES_SUPERUSER, roleName, scrapeAnnotations, secretNames, selectorLabels, standardPort } from './_model.js';
import { configChecksum, containerSecurity, dataClaim, exporterResources, podSecurity, resources, scratch, service, serviceAccount, dataStatefulSet } from './_pod.js';

/** PostgreSQL from the official `postgres` image, one role and one database per client app. */

const PORT = standardPort.postgresql;
/** Where the apps' credentials are mounted in the PostgreSQL pod (one folder per role). */
export const CREDENTIALS_DIR = '/run/secrets/apps';
export const INIT_SCRIPT = '10-apps.sh';
export const initConfigMapName = (name: string): string => `${name}-init`;

function isReady(): Probe {
  // pg_isready over TCP: false while the entrypoint's socket-only initialisation server runs.
  return { exec: { command: ['pg_isready', '--host=127.0.0.1', `--port=${PORT}`, `--username=${POSTGRES_SUPERUSER}`, '--dbname=postgres'] }, timeoutSeconds: 5 };
}

/** postStart: wait (at most 10 minutes) for the TCP listener of the real server, then run the init script. */
export const RERUN_INIT = [
  'i=0',
  'while [ "$i" -lt 600 ]; do',
  `  if pg_isready --host=127.0.0.1 --port=${PORT} --quiet; then exec sh /docker-entrypoint-initdb.d/${INIT_SCRIPT}; fi`,
  '  sleep 1',
  '  i=$((i + 1))',
  'done',
].join('\n');

export function postgresqlBase(name: string): BaseFile[] {
  const run = scratch('run', '/var/run/postgresql', '16Mi');
  const tmp = scratch('tmp', '/tmp', '256Mi');
  const statefulSet = dataStatefulSet(name, 'postgresql', {
    terminationGracePeriodSeconds: 60,
    containers: [
      {
        name,
        image: baseImage(name, 'postgresql'),
        ports: [{ name: 'postgresql', containerPort: PORT, protocol: 'TCP' }],
        env: [
          // A subfolder of the mount, as the image documents for volumes with a lost+found.
          { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
          { name: 'POSTGRES_USER', value: POSTGRES_SUPERUSER },
          { name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/superuser/password' },
        ],
        securityContext: containerSecurity(),
        // The image runs /docker-entrypoint-initdb.d only on an empty data directory; this hook runs the
        // idempotent script again once the server listens, so an app added later gets its role and database.
        lifecycle: { postStart: { exec: { command: ['sh', '-c', RERUN_INIT] } } },
        startupProbe: { ...isReady(), periodSeconds: 5, failureThreshold: 120 },
        livenessProbe: { ...isReady(), periodSeconds: 15, failureThreshold: 4 },
        readinessProbe: { ...isReady(), periodSeconds: 5, failureThreshold: 3 },
        volumeMounts: [
          { name: 'data', mountPath: '/var/lib/postgresql/data' },
          run.mount,
          tmp.mount,
          { name: 'superuser', mountPath: '/run/secrets/superuser', readOnly: true },
          { name: 'initdb', mountPath: '/docker-entrypoint-initdb.d', readOnly: true },
        ],
      },
    ],
    volumes: [
      run.volume,
      tmp.volume,
      { name: 'superuser', secret: { secretName: secretNames.postgresSuperuser(name), defaultMode: 0o440 } },
      // Executable, so the entrypoint runs it with its own shell instead of sourcing it into its own.
      { name: 'initdb', configMap: { name: initConfigMapName(name), defaultMode: 0o555 } },
    ],
  });
  return [
    { file: 'serviceaccount.yaml', objects: [serviceAccount(name, 'postgresql')] },
    { file: 'service.yaml', objects: [service(name, 'postgresql', PORT, 'postgresql', 'postgresql')] },
    { file: 'statefulset.yaml', objects: [statefulSet] },
  ];
}

/**
 * The init script the image runs from /docker-entrypoint-initdb.d on an empty data directory.
 * Each role owns only its database; CONNECT is revoked from PUBLIC on every database, so a role
 * reaches its own database and no other. Passwords are read by psql itself from the mounted
 * Secrets (backquote substitution), never echoed nor passed on a command line. Idempotent: the
 * postStart hook runs it again on every start, so an app added later gets its role and database.
 */
export function initScript(clients: readonly string[], exporter: boolean): string {
  const lines = [
    '#!/bin/sh',
    '# One role and one database per app that depends on this PostgreSQL (rendered by pi-gitops).',
    'set -eu',
    `CREDENTIALS_DIR=${CREDENTIALS_DIR}`,
    '',
    'sql() {',
    '  psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "${POSTGRES_USER:-postgres}" --dbname postgres "$@"',
    '}',
    '',
    '# $1: role name, $2: folder holding its password file. Creates or updates the login role.',
    'ensure_role() {',
    `  sql --set name="$1" --set pwfile="$CREDENTIALS_DIR/$2/password" <<'SQL'`,
    "\\set password `cat :'pwfile'`",
    "SELECT format('CREATE ROLE %I', :'name') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'name') \\gexec",
    "SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD %L', :'name', :'password') \\gexec",
    'SQL',
    '}',
    '',
    '# $1: role and database name. The role owns the database; nobody else may connect to it.',
    'ensure_database() {',
    `  sql --set name="$1" <<'SQL'`,
    "SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'name') \\gexec",
    "SELECT format('ALTER DATABASE %I OWNER TO %I', :'name', :'name') \\gexec",
    "SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'name') \\gexec",
    'SQL',
    '}',
    '',
    '# No role but the superuser (and the exporter, below) may connect to the maintenance databases.',
    "sql -c 'REVOKE CONNECT ON DATABASE postgres FROM PUBLIC' -c 'REVOKE CONNECT ON DATABASE template1 FROM PUBLIC'",
    '',
  ];
  for (const client of clients) {
    const role = roleName(client);
    lines.push(`ensure_role ${role} ${client}`, `ensure_database ${role}`);
  }
  if (exporter) {
    lines.push(
      '',
      '# postgres-exporter: read-only monitoring role (pg_monitor), connects to the postgres database only.',
      `ensure_role ${POSTGRES_EXPORTER_USER} ${POSTGRES_EXPORTER_USER}`,
      `sql -c 'GRANT pg_monitor TO ${POSTGRES_EXPORTER_USER}' -c 'GRANT CONNECT ON DATABASE postgres TO ${POSTGRES_EXPORTER_USER}'`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function credentialSources(name: string, clients: readonly string[], exporter: boolean): VolumeProjection[] {
  const entry = (secret: string, folder: string): VolumeProjection => ({ secret: { name: secret, items: [{ key: 'password', path: `${folder}/password` }] } });
  return [
    ...clients.map((client) => entry(secretNames.client(client, name), client)),
    ...(exporter ? [entry(secretNames.postgresExporter(name), POSTGRES_EXPORTER_USER)] : []),
  ];
}

function exporterContainer(): Container {
  const e = exporters.postgresql;
  return {
    name: 'postgres-exporter',
    image: `${e.image}:${e.tag}`,
    ports: [{ name: 'metrics', containerPort: e.port, protocol: 'TCP' }],
    env: [
      { name: 'DATA_SOURCE_URI', value: `127.0.0.1:${PORT}/postgres?sslmode=disable` },
      { name: 'DATA_SOURCE_USER', value: POSTGRES_EXPORTER_USER },
      { name: 'DATA_SOURCE_PASS_FILE', value: '/run/secrets/exporter/password' },
    ],
    resources: exporterResources,
    securityContext: containerSecurity(e.uid),
    livenessProbe: { httpGet: { path: '/', port: 'metrics' }, periodSeconds: 30, timeoutSeconds: 5 },
    // Only the exporter container mounts the exporter's password.
    volumeMounts: [{ name: 'exporter', mountPath: '/run/secrets/exporter', readOnly: true }],
  };
}

export function postgresqlOverlay(ctx: AppContext): OverlayPart {
  const { cluster, name, app } = ctx;
  const clients = clientsOf(cluster, name);
  const exporter = exportersOn(cluster);
  const script = initScript(clients, exporter);
  // A changed init script (an app added or removed) rolls the pod, and the postStart hook applies it.
  const annotations = { ...scrapeAnnotations(cluster, app), 'pi-gitops.dev/init-sha256': configChecksum({ [INIT_SCRIPT]: script }) };
  const sources = credentialSources(name, clients, exporter);
  const patch: WorkloadPatch<StatefulSet> = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      template: {
        metadata: { annotations },
        spec: {
          containers: [
            {
              name,
              resources: resources(app.resources),
              ...(sources.length > 0 ? { volumeMounts: [{ name: 'app-credentials', mountPath: CREDENTIALS_DIR, readOnly: true }] } : {}),
            },
            ...(exporter ? [exporterContainer()] : []),
          ],
          volumes: [
            ...(sources.length > 0 ? [{ name: 'app-credentials', projected: { sources, defaultMode: 0o440 } }] : []),
            ...(exporter ? [{ name: 'exporter', secret: { secretName: secretNames.postgresExporter(name), items: [{ key: 'password', path: 'password' }], defaultMode: 0o440 } }] : []),
          ],
        },
      },
      volumeClaimTemplates: [dataClaim(cluster, app)],
    },
  };
  const init: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: initConfigMapName(name), labels: appLabels(name, 'postgresql') },
    data: { [INIT_SCRIPT]: script },
  };
  return { patch, resources: [init] };
}

export const postgresqlKind: AppKind = { base: postgresqlBase, overlay: postgresqlOverlay };
