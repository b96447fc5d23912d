import type { Finding, Stage } from '../findings.js';
import { buildStage, type Builder, type ClusterObjects } from './build.js';
import { checkFiles, UNUSABLE_CODES, type RenderedLookup, type SourceIndex } from './files.js';
import type { GeneratedFile } from '../render/files.js';
import { cachedFs, diskFs, type RepoFs } from './fs.js';
import { attachOrigin, refineFindings } from './locate.js';
import type { ClusterContext, ObjectChecks } from './object-checks.js';
import { originOf } from './origin.js';
import { imageLocator } from './_image-source.js';
import { checkReferences } from './references.js';
import { clusterFolders, specStage, type SpecStageResult } from './spec.js';
import { clusterOfPath } from '../render/layout.js';

// The rest (renderer, secretlint, schema validators, budget, and yaml when a file needs it) loads with
// import() once the kustomize builds have started: kubectl works in child processes while this process
// compiles those modules.
export const STAGES: readonly Stage[] = ['spec', 'drift', 'files', 'build', 'schemas', 'references', 'policy', 'budget'];

export interface ValidateOptions {
  /** Read the repository through this instead of the disk (tests use memoryFs). */
  readonly fs?: RepoFs;
  /** Only this cluster (clusters/<name>). */
  readonly cluster?: string;
  /** Run kustomize. @default true — without it only spec, drift and files run: overlays decide what Flux applies, so objects are judged built. */
  readonly build?: boolean;
  /** Replaces `kubectl kustomize` (tests). */
  readonly kustomize?: Builder;
  /** Schemas and budget checks; @default wiredObjectChecks */
  readonly objectChecks?: ObjectChecks;
}

export type StageStatus = 'ran' | 'skipped' | 'not-wired';

export interface StageReport {
  readonly stage: Stage;
  readonly status: StageStatus;
  readonly errors: number;
  readonly warnings: number;
  readonly note?: string;
}

export interface ValidationResult {
  readonly findings: Finding[];
  readonly stages: StageReport[];
  /** Input that could not be read at all (YAML syntax, missing kustomize): the CLI exits 2. */
  readonly unusable: boolean;
}

/** Runs every stage in order over a repository; each stage reports all its findings. Never throws on bad input. */
export async function runValidation(root: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  const fs = cachedFs(options.fs ?? diskFs(root)); // one run reads each path once
  const findings: Finding[] = [];
  const reports = new Map<Stage, { status: StageStatus; note?: string }>();
  const ran = (stage: Stage, list: readonly Finding[]): void => { findings.push(...list); reports.set(stage, { status: 'ran' }); };
  const skip = (stage: Stage, note: string, status: StageStatus = 'skipped'): void => {
    reports.set(stage, { status, note });
    findings.push({ stage, code: status === 'not-wired' ? 'I_STAGE_NOT_WIRED' : 'I_STAGE_SKIPPED', severity: 'info', message: `${stage} stage ${status === 'not-wired' ? 'is not wired into this build' : 'skipped'}: ${note}` });
  };
  let unusable = false;

  // kustomize runs in child processes: start the builds (each folder checked offline first, the
  // entry's Flux paths without waiting for the entry's build) before this process loads specs, renders
  // for drift and reads every file; their results are used only if the files are usable.
  const entries = await clusterFolders(fs, options.cluster);
  let indexed!: { resolve: (index: SourceIndex) => void; reject: (error: unknown) => void };
  const index = new Promise<SourceIndex>((resolve, reject) => (indexed = { resolve, reject }));
  const buildRun = options.build === false || entries.length === 0 ? undefined : buildStage(fs, root, entries, index, options.kustomize);
  buildRun?.catch(() => undefined); // awaited below, or deliberately dropped when the files are unusable
  // Everything below is this process's own CPU work: begin it once kubectl runs on every path known so far.
  await buildRun?.started;
  const scope = options.cluster === undefined ? undefined : await clusterScope(fs, options.cluster);
  // The files stage reads every file now and parses, once the specs are rendered, only what is not
  // byte for byte the generator's output.
  let renderedFor!: (lookup: RenderedLookup | undefined) => void;
  const filesRun = checkFiles(fs, new Promise<RenderedLookup | undefined>((resolve) => (renderedFor = resolve)), scope);
  filesRun.then((files) => indexed.resolve(files.index), indexed.reject);
  // Only a run that builds reaches the object stages; theirs are the heavy modules.
  const later = buildRun ? {
    checks: import('./object-checks.js'),
    policy: import('./policy/index.js'),
    secrets: import('../render/secrets.js'),
    locator: imageLocator(fs),
    scripts: import('./scripts.js').then((m) => m.scriptFindings(fs, scope)),
  } : undefined;
  if (later) for (const p of Object.values(later) as Promise<unknown>[]) p.catch(() => undefined); // awaited below, unless the run stops first
  // Compiling the schema validators takes a while: do it while kubectl builds, not after the last build.
  // The families the repository's own files use (cert-manager, Helm …) follow once the files are read.
  if (later && !options.objectChecks) {
    void later.checks.then((m) => {
      m.preloadSchemaValidators();
      return filesRun.then((files) => m.preloadSchemaValidators(files.index.entries().map((e) => e.object)));
    }).catch(() => undefined);
  }

  // 1–2: spec and drift, only for repositories pi-gitops generates.
  let spec: SpecStageResult;
  let rendered: Awaited<ReturnType<typeof renderSpecs>>;
  try {
    spec = await specStage(fs, options.cluster);
    // Drift renders; the files stage then parses only what differs from the generator's output.
    if (driftRuns(spec)) rendered = await renderSpecs(spec);
  } finally {
    renderedFor(rendered?.lookup);
  }
  if (options.cluster !== undefined && spec.clusterFolders.length === 0) {
    findings.push({ stage: 'spec', code: 'E_VALIDATE_NO_CLUSTER', severity: 'error', file: `clusters/${options.cluster}`, message: `no folder clusters/${options.cluster}`, hint: 'name a folder under clusters/' });
    return { findings, stages: STAGES.map((stage) => ({ stage, status: 'skipped', errors: 0, warnings: 0 })), unusable: true };
  }
  if (spec.specFolders.length === 0) {
    skip('spec', 'no clusters/*/cluster.yaml: a Flux repository pi-gitops did not generate');
    skip('drift', 'no cluster spec to render from');
  } else {
    ran('spec', spec.findings);
    if (spec.findings.some((f) => UNUSABLE_CODES.has(f.code))) unusable = true;
    if (!specsClean(spec)) skip('drift', 'a cluster spec has errors; fix it first');
    else ran('drift', await (await import('./drift.js')).driftStage(root, spec.specs, { fs, onDisk: options.fs === undefined, ...(rendered ? { rendered: rendered.files } : {}), ...(scope ? { inScope: scope } : {}) }));
  }

  // 3: files.
  const files = await filesRun;
  ran('files', files.findings);
  unusable ||= files.unusable;
  const objectStages: Stage[] = ['schemas', 'references', 'policy', 'budget'];
  if (files.unusable) {
    for (const stage of ['build', ...objectStages] as Stage[]) skip(stage, 'a YAML file does not parse (see the files stage)');
    return finish(findings, reports, true);
  }

  // 4: build.
  let clusters: ClusterObjects[];
  if (options.build === false) {
    skip('build', '--no-build: kustomize not run');
    for (const stage of objectStages) skip(stage, '--no-build: objects are judged as built (overlays set tags, resources, namespaces)');
    return finish(findings, reports, unusable);
  } else if (entries.length === 0) {
    skip('build', 'no clusters/<name> folder to start from');
    for (const stage of objectStages) skip(stage, 'nothing was built');
    return finish(findings, reports, unusable);
  } else {
    const result = await buildRun!;
    ran('build', dedupe(result.findings)); // a shared base is checked once per cluster that builds it
    if (result.toolMissing) {
      for (const stage of objectStages) skip(stage, 'kustomize is missing, nothing was built');
      return finish(findings, reports, true);
    }
    clusters = result.clusters;
    for (const c of clusters) for (const b of c.objects) attachOrigin(b, originOf(b, spec.specs.find((s) => s.cluster.metadata.name === c.cluster)));
  }

  // 5–8: object stages, per cluster.
  const { resolveCheck, wiredObjectChecks } = await later!.checks;
  const checks = options.objectChecks ?? wiredObjectChecks;
  const { checkPolicy } = await later!.policy;
  const { requiredSecrets } = await later!.secrets;
  const perStage: Record<string, Finding[]> = { schemas: [], references: [], policy: [], budget: [] };
  const relocate = await later!.locator;
  for (const c of clusters) {
    const loaded = spec.specs.find((s) => s.cluster.metadata.name === c.cluster);
    const context: ClusterContext = { cluster: c.cluster, ...(loaded ? { spec: loaded } : {}) };
    const guard = async (stage: Stage, run: () => Finding[] | Promise<Finding[]>): Promise<void> => {
      try {
        perStage[stage]!.push(...(await run()));
      } catch (error) {
        // A bug in a check must not hide the other stages' findings or print a stack trace.
        perStage[stage]!.push({ stage, code: 'E_VALIDATE_INTERNAL', severity: 'error', file: c.entry, message: `internal error in the ${stage} stage for cluster ${c.cluster || '(files)'}: ${error instanceof Error ? error.message : String(error)}`, hint: 'please report this with the repository that triggers it' });
      }
    };
    const stageCheck = (stage: 'schemas' | 'budget'): Finding[] => {
      const check = resolveCheck(checks[stage]!, context);
      if (check) return check(c.objects);
      return [{ stage, code: 'I_STAGE_NOT_APPLICABLE', severity: 'info', file: c.entry, message: `${stage} stage does not apply to cluster ${c.cluster || '(files)'}${loaded ? '' : ': it has no usable clusters/<name>/cluster.yaml'}` }];
    };
    if (checks.schemas) await guard('schemas', () => stageCheck('schemas'));
    const externalSecrets = new Set(loaded ? requiredSecrets(loaded.cluster).map((s) => `${s.namespace}/${s.name}`) : []);
    await guard('references', () => checkReferences(c.objects, { externalSecrets }));
    const pageSize16k = loaded ? loaded.cluster.spec.nodes.some((n) => !n.pageSize4k) : true;
    await guard('policy', () => checkPolicy(c.objects, { pageSize16k, relocate }));
    if (checks.budget) await guard('budget', () => stageCheck('budget'));
  }
  perStage.policy!.push(...(await later!.scripts));
  const sources = files.index.entries();
  if (checks.schemas) ran('schemas', dedupe(refineFindings(perStage.schemas!, sources)));
  else skip('schemas', 'no schema check is registered (generator/validate/object-checks.ts); objects were NOT checked against API schemas', 'not-wired');
  ran('references', dedupe(perStage.references!));
  ran('policy', dedupe(perStage.policy!));
  if (checks.budget) ran('budget', dedupe(refineFindings(perStage.budget!, sources)));
  else skip('budget', 'no budget check is registered (generator/validate/object-checks.ts); resources were NOT budgeted', 'not-wired');
  return finish(findings, reports, unusable);
}

/** Shared bases build into every cluster; the same finding at the same place is reported once. */
function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => { const key = JSON.stringify([f.code, f.file, f.position, f.path, f.message]); return !seen.has(key) && (seen.add(key), true); });
}

function finish(findings: Finding[], reports: Map<Stage, { status: StageStatus; note?: string }>, unusable: boolean): ValidationResult {
  const stages = STAGES.map((stage): StageReport => {
    const r = reports.get(stage) ?? { status: 'skipped' as const, note: 'an earlier stage stopped the run' };
    const mine = findings.filter((f) => f.stage === stage);
    return { stage, status: r.status, errors: mine.filter((f) => f.severity === 'error').length, warnings: mine.filter((f) => f.severity === 'warning').length, ...(r.note ? { note: r.note } : {}) };
  });
  return { findings, stages, unusable };
}

function specsClean(spec: SpecStageResult): boolean {
  return spec.specs.length === spec.specFolders.length && !spec.findings.some((f) => f.severity === 'error');
}

/** The drift stage runs on a whole repository pi-gitops generates whose specs all load without errors. */
function driftRuns(spec: SpecStageResult): boolean {
  return spec.specFolders.length > 0 && specsClean(spec);
}

/**
 * With --cluster, what belongs to the run: paths that the layout gives to no cluster (shared bases,
 * top-level files) or to this one. Other clusters' folders (clusters/<other>, apps/<other>, ...) are
 * theirs to validate, as `generate --cluster` leaves them alone.
 */
async function clusterScope(fs: RepoFs, only: string): Promise<(path: string) => boolean> {
  const names = (await clusterFolders(fs)).map((folder) => folder.slice('clusters/'.length));
  return (path) => {
    const owner = clusterOfPath(path, names);
    return owner === undefined || owner === only;
  };
}

/** What the generator renders from the specs (undefined when it cannot render them). */
async function renderSpecs(spec: SpecStageResult): Promise<{ files: GeneratedFile[]; lookup: RenderedLookup } | undefined> {
  const [{ renderRepository }, { renderedDocuments }] = await Promise.all([import('../render/repository.js'), import('../render/serialize.js')]);
  let files: GeneratedFile[];
  try {
    files = renderRepository(spec.specs);
  } catch {
    return undefined; // the drift stage renders again and reports it; the files stage parses every file
  }
  const byPath = new Map(files.map((f) => [f.path, f]));
  return {
    files,
    lookup: (path) => {
      const file = byPath.get(path);
      const documents = file && renderedDocuments(file);
      return documents && { content: file.content, documents };
    },
  };
}
