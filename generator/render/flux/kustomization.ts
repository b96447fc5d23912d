/** A kustomize.config.k8s.io Kustomization file (kustomization.yaml), as plain data. */
export interface KustomizeFile {
  readonly apiVersion: 'kustomize.config.k8s.io/v1beta1';
  readonly kind: 'Kustomization';
  readonly namespace?: string;
  readonly resources: readonly string[];
  readonly images?: readonly { readonly name: string; readonly newName?: string; readonly newTag?: string }[];
  readonly replicas?: readonly { readonly name: string; readonly count: number }[];
  readonly patches?: readonly { readonly path?: string; readonly patch?: string; readonly target?: Record<string, string> }[];
  readonly labels?: readonly { readonly pairs: Record<string, string>; readonly includeSelectors?: boolean }[];
}

export function kustomizeFile(resources: readonly string[], extra: Partial<Omit<KustomizeFile, 'apiVersion' | 'kind' | 'resources'>> = {}): KustomizeFile {
  return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...extra, resources: [...resources].sort() };
}
