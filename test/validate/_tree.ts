import { expect } from 'vitest';
import type { Finding } from '../../generator/findings.js';
import { memoryFs } from '../../generator/validate/fs.js';
import { runValidation, type ValidateOptions, type ValidationResult } from '../../generator/validate/run.js';

/**
 * A small Flux repository in memory, clean under every stage. No folder has a kustomization.yaml,
 * so every build is the one Flux generates (all manifests below the path) and runs without kubectl.
 */
export const base: Readonly<Record<string, string>> = {
  'clusters/lab/flux-system/gotk-sync.yaml': `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  ref:
    branch: main
  url: ssh://git@github.com/example/fleet
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/lab
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
  'clusters/lab/infra.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: infra
  namespace: flux-system
spec:
  interval: 1h
  path: ./infra/lab
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
  'clusters/lab/apps.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  dependsOn:
    - name: infra
  interval: 1h
  path: ./apps/lab
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
  'infra/lab/namespace.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: iot
`,
  'apps/lab/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: iot
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile:
          type: RuntimeDefault
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              app: web
      containers:
        - name: web
          image: docker.io/library/nginx:1.27.3
          ports:
            - name: http
              containerPort: 8080
          envFrom:
            - configMapRef:
                name: web-config
          env:
            - name: LOG_LEVEL
              value: info
          readinessProbe:
            httpGet:
              path: /
              port: http
          livenessProbe:
            httpGet:
              path: /
              port: http
          resources:
            requests:
              cpu: 50m
              memory: 64Mi
            limits:
              cpu: 200m
              memory: 128Mi
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
`,
  'apps/lab/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: iot
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
`,
  'apps/lab/policy.yaml': `---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: iot
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: web
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: iot
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`,
  'apps/lab/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: iot
data:
  GREETING: hello
`,
};

/** The base with text replaced (each `from` must occur, so a stale case fails loudly) and files added or removed. */
export function edit(changes: readonly (readonly [file: string, from: string, to: string])[] = [], add: Record<string, string> = {}, remove: readonly string[] = []): Record<string, string> {
  const files: Record<string, string> = { ...base, ...add };
  for (const [file, from, to] of changes) {
    const text = files[file];
    if (text === undefined || !text.includes(from)) throw new Error(`corpus edit: ${JSON.stringify(from)} not found in ${file}`);
    files[file] = text.replace(from, to);
  }
  for (const file of remove) delete files[file];
  return files;
}

export async function validateMemory(files: Record<string, string>, options: Omit<ValidateOptions, 'fs'> = {}, symlinks: Record<string, string> = {}): Promise<ValidationResult> {
  return runValidation('/repo', {
    fs: memoryFs(files, symlinks),
    kustomize: async (path) => { throw new Error(`in-memory corpus must not call kustomize (${path})`); },
    // The corpus pins this branch's stages; the wired schemas and budget checks have their own tests.
    objectChecks: {},
    ...options,
  });
}

/** Findings people act on (info notes about unwired stages left out), as code@file:line. */
export function actionable(result: ValidationResult): string[] {
  return result.findings.filter((f) => f.severity !== 'info').map(key).sort();
}

export function key(f: Finding): string {
  return `${f.code}@${f.file ?? ''}:${f.position?.line ?? 0}`;
}

export function expectNoStack(result: ValidationResult): void {
  for (const f of result.findings) expect(`${f.message} ${f.hint ?? ''}`).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
}
