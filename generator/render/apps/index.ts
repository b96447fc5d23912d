import type { AppType, LoadedSpec } from '../../spec/types.js';
import type { ClusterRenderer, SharedRenderer } from '../compose.js';
import { SHARED_SOURCE, type GeneratedFile } from '../files.js';
import { kustomizeFile } from '../flux/kustomization.js';
import { layout } from '../layout.js';
import { sortByKind, yamlFile } from '../serialize.js';
import type { AppKind } from './_component.js';
import { baseImage } from './_model.js';
import { influxdbKind } from './influxdb.js';
import { ingresses } from './ingress.js';
import { mosquittoKind } from './mosquitto.js';
import { networkPolicies } from './network-policy.js';
import { postgresqlKind } from './postgresql.js';
import { redisKind } from './redis.js';
import { serviceKind } from './service.js';
import { byCodeUnit } from '../../order.js';

const kinds: Readonly<Record<AppType, AppKind>> = {
  service: serviceKind,
  postgresql: postgresqlKind,
  redis: redisKind,
  mosquitto: mosquittoKind,
  influxdb: influxdbKind,
};

/** A kustomization.yaml with the generated header, serialized like every other YAML file. */
export function kustomizationFile(dir: string, source: string, value: object): GeneratedFile {
  return yamlFile(`${dir}/kustomization.yaml`, source, [value]);
}

/**
 * apps/base/<app>/ for the union of apps over all clusters: one file per kind, type defaults and
 * identity only, so every cluster that runs an app shares the same bytes.
 */
export const renderAppBases: SharedRenderer = (specs) => {
  const types = new Map<string, { type: AppType; from: string }>();
  for (const spec of specs) {
    for (const [name, app] of Object.entries(spec.cluster.spec.apps)) {
      const seen = types.get(name);
      // A base is shared by name: one name must mean one kind of app in every cluster.
      if (seen && seen.type !== app.type) throw new Error(`app ${name} is type ${seen.type} in ${seen.from} but ${app.type} in ${spec.file}; give one of them another name`);
      types.set(name, { type: app.type, from: spec.file });
    }
  }
  const files: GeneratedFile[] = [];
  for (const [name, { type }] of [...types].sort(([a], [b]) => byCodeUnit(a, b))) {
    const dir = layout.appBase(name);
    const parts = kinds[type].base(name);
    for (const part of parts) files.push(yamlFile(`${dir}/${part.file}`, SHARED_SOURCE, part.objects));
    files.push(kustomizationFile(dir, SHARED_SOURCE, kustomizeFile(parts.map((p) => p.file))));
  }
  return files;
};

/** Groups per-cluster objects into one file per kind. */
const fileOfKind: Readonly<Record<string, string>> = {
  HorizontalPodAutoscaler: 'autoscalers.yaml',
  PodDisruptionBudget: 'disruption-budgets.yaml',
  ConfigMap: 'configmaps.yaml',
};

/** apps/<cluster>/: the cluster's overlay of the bases: namespace, images, replicas, patches, policies, ingresses. */
export const renderAppsOverlay: ClusterRenderer = (spec: LoadedSpec) => {
  const cluster = spec.cluster;
  const dir = layout.apps(cluster.metadata.name);
  const names = Object.keys(cluster.spec.apps).sort();
  const files: GeneratedFile[] = [];
  const resources: string[] = [];
  const images: { name: string; newName?: string; newTag: string }[] = [];
  const replicas: { name: string; count: number }[] = [];
  const patches: { path: string }[] = [];
  const grouped = new Map<string, object[]>();

  for (const name of names) {
    const app = cluster.spec.apps[name]!;
    const part = kinds[app.type].overlay({ cluster, name, app });
    resources.push(`../base/${name}`);
    const image = baseImage(name, app.type);
    images.push({ name: image, ...(app.image !== undefined && app.image !== image ? { newName: app.image } : {}), newTag: app.version });
    if (part.replicas !== undefined) replicas.push({ name, count: part.replicas });
    const patchPath = `patches/${name}.yaml`;
    files.push(yamlFile(`${dir}/${patchPath}`, spec.file, [part.patch]));
    patches.push({ path: patchPath });
    for (const object of part.resources ?? []) {
      const kind = (object as { kind: string }).kind;
      const file = fileOfKind[kind] ?? 'resources.yaml';
      grouped.set(file, [...(grouped.get(file) ?? []), object]);
    }
  }
  grouped.set('network-policies.yaml', networkPolicies(cluster));
  const exposed = ingresses(cluster);
  if (exposed.length > 0) grouped.set('ingresses.yaml', exposed);
  for (const [file, objects] of grouped) {
    files.push(yamlFile(`${dir}/${file}`, spec.file, sortByKind(objects)));
    resources.push(file);
  }
  const uniqueImages = [...new Map(images.map((i) => [i.name, i])).values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  files.push(
    kustomizationFile(
      dir,
      spec.file,
      kustomizeFile(resources, {
        namespace: cluster.spec.namespace,
        images: uniqueImages,
        ...(replicas.length > 0 ? { replicas } : {}),
        patches,
      }),
    ),
  );
  return files;
};
