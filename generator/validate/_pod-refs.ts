export interface PodReference {
  readonly kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';
  readonly name: string;
  readonly optional: boolean;
  readonly path: readonly (string | number)[];
}

import { list, obj, type Obj } from './_shape.js';

/** Every ConfigMap, Secret and PVC a pod spec names: env, envFrom, volumes (projected too), imagePullSecrets. */
export function podReferences(spec: Obj, base: readonly (string | number)[]): PodReference[] {
  const refs: PodReference[] = [];
  const push = (kind: PodReference['kind'], ref: { name?: unknown; optional?: unknown } | undefined, path: (string | number)[]): void => {
    if (ref && typeof ref.name === 'string') refs.push({ kind, name: ref.name, optional: ref.optional === true, path: [...base, ...path] });
  };
  for (const group of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    list(spec[group]).forEach((c, i) => {
      list(c.env).forEach((e, j) => {
        const from = obj(e.valueFrom);
        push('ConfigMap', obj(from.configMapKeyRef), [group, i, 'env', j, 'valueFrom', 'configMapKeyRef', 'name']);
        push('Secret', obj(from.secretKeyRef), [group, i, 'env', j, 'valueFrom', 'secretKeyRef', 'name']);
      });
      list(c.envFrom).forEach((e, j) => {
        push('ConfigMap', obj(e.configMapRef), [group, i, 'envFrom', j, 'configMapRef', 'name']);
        push('Secret', obj(e.secretRef), [group, i, 'envFrom', j, 'secretRef', 'name']);
      });
    });
  }
  list(spec.volumes).forEach((v, i) => {
    push('ConfigMap', obj(v.configMap), ['volumes', i, 'configMap', 'name']);
    const secret = obj(v.secret);
    if (v.secret) push('Secret', { name: secret.secretName, optional: secret.optional }, ['volumes', i, 'secret', 'secretName']);
    const pvc = obj(v.persistentVolumeClaim);
    if (v.persistentVolumeClaim) push('PersistentVolumeClaim', { name: pvc.claimName }, ['volumes', i, 'persistentVolumeClaim', 'claimName']);
    list(obj(v.projected).sources).forEach((s, j) => {
      push('ConfigMap', obj(s.configMap), ['volumes', i, 'projected', 'sources', j, 'configMap', 'name']);
      push('Secret', obj(s.secret), ['volumes', i, 'projected', 'sources', j, 'secret', 'name']);
    });
  });
  list(spec.imagePullSecrets).forEach((s, i) => push('Secret', s, ['imagePullSecrets', i, 'name']));
  return refs;
}
