import { describe, expect, it } from 'vitest';
import { appSecrets } from '../../../generator/render/apps/secrets.js';
import { renderSopsConfig } from '../../../generator/render/apps/sops.js';
import { disruptionBudget, spreadConstraints } from '../../../generator/render/apps/service.js';
import { renderRepository } from '../../../generator/render/repository.js';
import { exampleSpec, exampleSpecs, renderedObjects } from '../../helpers/examples.js';

describe('shared bases', () => {
  it('are byte-identical whichever clusters render them', async () => {
    const [lab, mini] = await exampleSpecs();
    const bases = (files: ReturnType<typeof renderRepository>): Map<string, string> =>
      new Map(files.filter((f) => f.path.startsWith('apps/base/') || f.path.startsWith('infrastructure/base/')).map((f) => [f.path, f.content]));
    const both = bases(renderRepository([lab!, mini!]));
    expect(both.size).toBeGreaterThan(30);
    expect(bases(renderRepository([lab!]))).toEqual(both);
    expect(bases(renderRepository([mini!]))).toEqual(both);
  });

  it('carry no per-cluster value: no namespace, tag, replica count, size, host or resource figure', async () => {
    const files = renderRepository(await exampleSpecs()).filter((f) => f.path.startsWith('apps/base/'));
    for (const file of files) {
      expect(file.content, file.path).not.toMatch(/namespace: iot|ghcr\.io|17\.6|7\.4\.6|2\.0\.22|2\.7\.12|iot\.local|20Gi|50Gi|requests:\n\s+cpu/);
    }
  });
});

describe('rendering', () => {
  it('is deterministic: the same specs give the same bytes', async () => {
    const specs = await exampleSpecs();
    expect(renderRepository(specs)).toEqual(renderRepository(specs));
  });

  it('writes no secret value: every Secret is referenced, none is rendered', async () => {
    const files = renderRepository(await exampleSpecs());
    for (const file of files) {
      expect(file.content, file.path).not.toMatch(/^kind: Secret$/m);
      expect(file.content, file.path).not.toMatch(/(password|token|secret|key)\s*[:=]\s*["']?[A-Za-z0-9+/]{12,}/i);
      expect(file.content, file.path).not.toMatch(/changeme|(?<![\w/])admin\/admin(?![\w-])/i);
    }
  });
});

describe('per-cluster policy', () => {
  it('spreads hard only when every replica keeps its own node after the tolerated losses', () => {
    const lab = exampleSpec('pi5-lab').cluster;
    const app = lab.spec.apps['api-service']!;
    expect(spreadConstraints(lab, 'api-service', app)?.[0]?.whenUnsatisfiable).toBe('DoNotSchedule');
    // 6 nodes − 1 tolerated loss = 5: a maximum of 6 replicas can no longer be spread hard.
    expect(spreadConstraints(lab, 'api-service', { ...app, autoscale: { min: 2, max: 6, targetCPU: 70 } })?.[0]?.whenUnsatisfiable).toBe('ScheduleAnyway');
    expect(spreadConstraints(lab, 'api-service', { ...app, autoscale: undefined, replicas: 1 })).toBeUndefined();
  });

  it('adds a PodDisruptionBudget only when two or more pods run in steady state', () => {
    const lab = exampleSpec('pi5-lab').cluster;
    expect(disruptionBudget('device-management', lab.spec.apps['device-management']!)?.spec).toMatchObject({ maxUnavailable: 1 });
    expect(disruptionBudget('analytics', lab.spec.apps['analytics']!)).toBeUndefined();
  });

  it('lets an HPA own the replica count of an autoscaled Deployment', async () => {
    const files = renderRepository(await exampleSpecs());
    const [kustomization] = renderedObjects(files, 'apps/pi5-lab/kustomization.yaml');
    expect(kustomization.replicas).toEqual([{ name: 'device-management', count: 2 }]);
    expect(renderedObjects(files, 'apps/pi5-lab/autoscalers.yaml').map((h) => [h.metadata.name, h.spec.minReplicas, h.spec.maxReplicas])).toEqual([
      ['analytics', 1, 3],
      ['api-service', 2, 4],
      ['data-ingestion', 2, 4],
    ]);
  });

  it('omits TLS, cert-manager and the issuer with tls.mode none', () => {
    const spec = exampleSpec('pi5-lab', (t) => t.replace('tls: { mode: selfSigned }', 'tls: { mode: none }'));
    const files = renderRepository([spec]);
    const [ingress] = renderedObjects(files, 'apps/pi5-lab/ingresses.yaml');
    expect(ingress.spec.tls).toBeUndefined();
    expect(ingress.metadata.annotations).toBeUndefined();
    expect(files.some((f) => f.path.startsWith('infrastructure/base/'))).toBe(false);
    const [configs] = renderedObjects(files, 'infrastructure/configs/pi5-lab/kustomization.yaml');
    expect(configs.resources).toEqual(['storageclass.yaml']);
  });

  it('renders an ACME HTTP-01 issuer through Traefik with tls.mode acme', () => {
    const spec = exampleSpec('pi5-lab', (t) => t.replace('tls: { mode: selfSigned }', 'tls: { mode: acme, acmeEmail: ops@example.com }'));
    const [issuer] = renderedObjects(renderRepository([spec]), 'infrastructure/configs/pi5-lab/clusterissuer.yaml');
    expect(issuer.metadata.name).toBe('pi-gitops-issuer');
    expect(issuer.spec.acme).toMatchObject({ email: 'ops@example.com', solvers: [{ http01: { ingress: { ingressClassName: 'traefik' } } }] });
  });
});

describe('secrets', () => {
  it('lists every credential by name and key, with literals only for user and database names', () => {
    const secrets = appSecrets(exampleSpec('pi5-lab').cluster);
    expect(secrets.map((s) => `${s.namespace}/${s.name}: ${s.keys.map((k) => (k.value === 'random' ? k.key : 'literal' in k.value ? `${k.key}=${k.value.literal}` : `${k.key}<-copy`)).join(' ')}`)).toEqual([
      'iot/analytics-postgresql: username=analytics password database=analytics',
      'iot/api-service-postgresql: username=api_service password database=api_service',
      'iot/data-ingestion-mosquitto: username=data_ingestion password',
      'iot/device-management-mosquitto: username=device_management password',
      'iot/device-management-postgresql: username=device_management password database=device_management',
      'iot/influxdb-admin: username=admin password token',
      'iot/postgresql-exporter: username=postgres_exporter password',
      'iot/postgresql-superuser: username=postgres password',
      'iot/redis-auth: password',
    ]);
  });

  it('renders .sops.yaml only for clusters in sops mode, encrypting data and stringData for their age recipients', () => {
    const recipient = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
    expect(renderSopsConfig([exampleSpec('pi5-lab')])).toEqual([]);
    const spec = exampleSpec('pi5-lab', (t) => t.replace('secrets: { mode: bootstrap }', `secrets: { mode: sops, ageRecipients: [${recipient}] }`));
    const [file] = renderSopsConfig([spec]);
    expect(file?.path).toBe('.sops.yaml');
    expect(file?.content).toContain(`age: ${recipient}`);
    expect(file?.content).toContain('encrypted_regex: ^(data|stringData)$');
    expect(file?.content).toContain('path_regex: ^(apps/pi5-lab|infrastructure/controllers/pi5-lab|infrastructure/configs/pi5-lab|clusters/pi5-lab)/.*\\.ya?ml$');
  });
});
