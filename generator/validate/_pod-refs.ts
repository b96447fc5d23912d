export interface PodReference {
  readonly kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';
  readonly name: string;
  readonly optional: boolean;
  readonly path: readonly (string | number)[];
}

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/** Every ConfigMap, Secret and PVC a pod spec names: env, envFrom, volumes (projected too), imagePullSecrets. */
export function podReferences(spec: Obj, base: readonly (string | number)[]): PodReference[] {
  const refs: PodReference[] = [];
  const push = (kind: PodReference['kind'], ref: { name?: unknown; optional?: unknown } | undefined, path: (string | number)[]): void => {
    if (ref && typeof ref.name === 'string') refs.push({ kind, name: ref.name, optional: ref.optional === true, path: [...base, ...path] });
  };
  for (const group of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    list(spec[group]).forEach((c, i) => {
      list(c.env).forEach((e, j) => {
        const from = e.valueFrom as { configMapKeyRef?: Obj; secretKeyRef?: Obj } | undefined;
        push('ConfigMap', from?.configMapKeyRef, [group, i, 'env', j, 'valueFrom', 'configMapKeyRef', 'name']);
        push('Secret', from?.secretKeyRef, [group, i, 'env', j, 'valueFrom', 'secretKeyRef', 'name']);
      });
      list(c.envFrom).forEach((e, j) => {
        push('ConfigMap', e.configMapRef as Obj | undefined, [group, i, 'envFrom', j, 'configMapRef', 'name']);
        push('Secret', e.secretRef as Obj | undefined, [group, i, 'envFrom', j, 'secretRef', 'name']);
      });
    });
  }
  list(spec.volumes).forEach((v, i) => {
    push('ConfigMap', v.configMap as Obj | undefined, ['volumes', i, 'configMap', 'name']);
    const secret = v.secret as { secretName?: unknown; optional?: unknown } | undefined;
    if (secret) push('Secret', { name: secret.secretName, optional: secret.optional }, ['volumes', i, 'secret', 'secretName']);
    const pvc = v.persistentVolumeClaim as { claimName?: unknown } | undefined;
    if (pvc) push('PersistentVolumeClaim', { name: pvc.claimName }, ['volumes', i, 'persistentVolumeClaim', 'claimName']);
    list((v.projected as Obj | undefined)?.sources).forEach((s, j) => {
      push('ConfigMap', s.configMap as Obj | undefined, ['volumes', i, 'projected', 'sources', j, 'configMap', 'name']);
      push('Secret', s.secret as Obj | undefined, ['volumes', i, 'projected', 'sources', j, 'secret', 'name']);
    });
  });
  list(spec.imagePullSecrets).forEach((s, i) => push('Secret', s, ['imagePullSecrets', i, 'name']));
  return refs;
}
