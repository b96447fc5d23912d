import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Probe, VolumeProjection } from 'kubernetes-types/core/v1.js';
import type { AppContext, AppKind, BaseFile, OverlayPart, WorkloadPatch } from './_component.js';
import { appLabels, baseImage, clientsOf, scrapeAnnotations, secretNames, selectorLabels, standardPort } from './_model.js';
import { configChecksum, containerSecurity, dataClaim, podSecurity, resources, scratch, service, serviceAccount, dataStatefulSet } from './_pod.js';

/** Mosquitto from the official `eclipse-mosquitto` image: no anonymous access, one user per client app. */

const PORT = standardPort.mosquitto;
export const configMapName = (name: string): string => `${name}-config`;
/** Each client's credentials are projected into <dir>/<client>/{username,password}. */
export const MQTT_CREDENTIALS_DIR = '/run/secrets/mqtt';

export const MOSQUITTO_CONF = `# Mosquitto for pi-gitops: every client authenticates; anonymous access is off.
per_listener_settings false
listener ${PORT}
protocol mqtt
allow_anonymous false
# Built at start by start.sh from the clients' Secrets (hashed, mode 0600, in an emptyDir).
password_file /mosquitto/run/passwd
persistence true
persistence_location /mosquitto/data/
autosave_interval 300
log_dest stdout
log_type error
log_type warning
log_type notice
log_type information
connection_messages true
`;

/**
 * Builds the password file from the mounted Secrets: plaintext user:password lines in a 0600 file,
 * hashed in place by mosquitto_passwd -U; no password reaches a command line or the log.
 */
export const MOSQUITTO_START = `#!/bin/sh
set -eu
umask 077
passwd=/mosquitto/run/passwd
: > "$passwd"
for dir in ${MQTT_CREDENTIALS_DIR}/*/; do
  [ -f "\${dir}username" ] || continue
  printf '%s:%s\\n' "$(cat "\${dir}username")" "$(cat "\${dir}password")" >> "$passwd"
done
mosquitto_passwd -U "$passwd"
exec mosquitto -c /mosquitto/config/mosquitto.conf
`;

function tcp(): Probe {
  // An MQTT TCP check: the listener accepts connections (a CONNECT would need credentials).
  return { tcpSocket: { port: 'mqtt' }, timeoutSeconds: 3 };
}

export function mosquittoBase(name: string): BaseFile[] {
  const run = scratch('run', '/mosquitto/run', '1Mi');
  const tmp = scratch('tmp', '/tmp', '16Mi');
  const config: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMapName(name), labels: appLabels(name, 'mosquitto') },
    data: { 'mosquitto.conf': MOSQUITTO_CONF, 'start.sh': MOSQUITTO_START },
  };
  // A changed configuration rolls the pod (ConfigMaps are not hashed into their names here).
  const statefulSet = dataStatefulSet(name, 'mosquitto', {
    terminationGracePeriodSeconds: 30,
    containers: [
      {
        name,
        image: baseImage(name, 'mosquitto'),
        // Replaces the image's entrypoint, whose only job (chown as root) is not needed as uid 1883.
        command: ['sh', '/mosquitto/config/start.sh'],
        ports: [{ name: 'mqtt', containerPort: PORT, protocol: 'TCP' }],
        securityContext: containerSecurity(),
        startupProbe: { ...tcp(), periodSeconds: 5, failureThreshold: 24 },
        livenessProbe: { ...tcp(), periodSeconds: 15, failureThreshold: 4 },
        readinessProbe: { ...tcp(), periodSeconds: 5, failureThreshold: 3 },
        volumeMounts: [
          { name: 'data', mountPath: '/mosquitto/data' },
          { name: 'config', mountPath: '/mosquitto/config', readOnly: true },
          run.mount,
          tmp.mount,
        ],
      },
    ],
    volumes: [{ name: 'config', configMap: { name: configMapName(name), defaultMode: 0o444 } }, run.volume, tmp.volume],
  }, { 'pi-gitops.dev/config-sha256': configChecksum(config.data!) });
  return [
    { file: 'serviceaccount.yaml', objects: [serviceAccount(name, 'mosquitto')] },
    { file: 'configmap.yaml', objects: [config] },
    { file: 'service.yaml', objects: [service(name, 'mosquitto', PORT, 'mqtt', 'mqtt')] },
    { file: 'statefulset.yaml', objects: [statefulSet] },
  ];
}

export function mosquittoOverlay(ctx: AppContext): OverlayPart {
  const { cluster, name, app } = ctx;
  const clients = clientsOf(cluster, name);
  const annotations = scrapeAnnotations(cluster, app);
  const sources: VolumeProjection[] = clients.map((client) => ({
    secret: {
      name: secretNames.client(client, name),
      items: [
        { key: 'username', path: `${client}/username` },
        { key: 'password', path: `${client}/password` },
      ],
    },
  }));
  const patch: WorkloadPatch<StatefulSet> = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      template: {
        ...(annotations ? { metadata: { annotations } } : {}),
        spec: {
          containers: [
            {
              name,
              resources: resources(app.resources),
              ...(sources.length > 0 ? { volumeMounts: [{ name: 'credentials', mountPath: MQTT_CREDENTIALS_DIR, readOnly: true }] } : {}),
            },
          ],
          ...(sources.length > 0 ? { volumes: [{ name: 'credentials', projected: { sources, defaultMode: 0o440 } }] } : {}),
        },
      },
      volumeClaimTemplates: [dataClaim(cluster, app)],
    },
  };
  return { patch };
}

export const mosquittoKind: AppKind = { base: mosquittoBase, overlay: mosquittoOverlay };
