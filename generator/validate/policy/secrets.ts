import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { normalizeFluxPath } from '../../repo/flux-graph.js';
import { podTemplate } from '../_kinds.js';
import type { BuiltObject } from '../types.js';
import type { Violation } from './rules.js';

import { list, obj, str } from '../_shape.js';

// secretlint profiles every rule on every file with performance marks unless told not to
// (secretlint/secretlint#1633); we never read the profile.
secretLintProfiler.setEnabled(false);

/** Names whose literal value is a credential (POSTGRES_PASSWORD, API_TOKEN, adminPassword…); *_FILE and *_PATH point at one instead. */
const CREDENTIAL_NAME = /(pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credentials?)$/i;

/** Literal values that are not credentials even under such a name: references, switches, paths. */
function isCredentialLiteral(value: string): boolean {
  return value !== '' && !/^\$[({].*[)}]$/.test(value) && !/^(true|false|yes|no|on|off|enabled|disabled|none|null|required|optional)$/i.test(value) && !value.startsWith('/');
}

/** Every string leaf of a value (Helm values), with its path. */
function leaves(value: unknown, path: (string | number)[], out: { path: (string | number)[]; key: string; value: string }[] = []): typeof out {
  if (typeof value === 'string') out.push({ path, key: String(path[path.length - 1] ?? ''), value });
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, [...path, k], out);
  return out;
}

/**
 * A Secret in Git must be SOPS-encrypted (it has a `sops` block) and built by a Flux Kustomization
 * that decrypts (`spec.decryption.provider: sops`, set when the spec's secrets.mode is sops).
 */
export function plaintextSecretViolations(objects: readonly BuiltObject[]): Violation[] {
  const decrypting = new Set(objects.filter((b) => b.object.kind === 'Kustomization' && String(b.object.apiVersion).startsWith('kustomize.toolkit.fluxcd.io/') && obj(obj(b.object.spec).decryption).provider === 'sops').map((b) => normalizeFluxPath(str(obj(b.object.spec).path))));
  const out: Violation[] = [];
  for (const b of objects) {
    if (b.object.kind !== 'Secret') continue;
    const field = ['stringData', 'data'].find((f) => Object.keys(obj(b.object[f])).length > 0);
    if (!field) continue;
    if (b.object.sops === undefined) {
      out.push({ rule: 'plaintext-secret', object: b, path: [field], message: `Secret carries ${field} in plain text`, hint: 'never commit secret values: let the bootstrap create it (requiredSecrets) or encrypt it with `sops --encrypt` (secrets.mode: sops)' });
    } else if (!decrypting.has(b.fluxPath)) {
      out.push({ rule: 'plaintext-secret', object: b, path: ['sops'], message: `Secret is SOPS-encrypted but the Flux Kustomization building ./${b.fluxPath} does not decrypt`, hint: 'set secrets.mode: sops in the cluster spec (Flux then gets spec.decryption.provider: sops)' });
    }
  }
  return out;
}

interface Segment { readonly line: number; readonly path: readonly (string | number)[]; readonly object: BuiltObject }

/**
 * Credential-looking literals in env values and ConfigMap data (secretlint's recommended rules),
 * plus literal values of password-like env names. All texts go to secretlint in one source so a
 * large repository costs one lint call.
 */
export async function credentialViolations(objects: readonly BuiltObject[]): Promise<Violation[]> {
  const out: Violation[] = [];
  const lines: string[] = [];
  const segments: Segment[] = [];
  const addText = (object: BuiltObject, path: (string | number)[], text: string): void => {
    segments.push({ line: lines.length + 1, path, object });
    lines.push(...text.split('\n'), '');
  };
  for (const b of objects) {
    const t = podTemplate(b.object);
    if (t) {
      for (const group of ['initContainers', 'containers'] as const) {
        list(t.spec[group]).forEach((c, i) => list(c.env).forEach((e, j) => {
          if (typeof e.value !== 'string' || e.value === '') return;
          const path = [...t.path, group, i, 'env', j, 'value'];
          if (typeof e.name === 'string' && CREDENTIAL_NAME.test(e.name) && isCredentialLiteral(e.value)) {
            out.push({ rule: 'credential-literal', object: b, path, message: `env ${String(e.name)} has a literal value`, hint: 'take it from a Secret (valueFrom.secretKeyRef) that the bootstrap creates' });
          } else addText(b, path, `${String(e.name)}=${e.value}`);
        }));
      }
    }
    const named = (path: (string | number)[], key: string, value: string, where: string): void => {
      if (CREDENTIAL_NAME.test(key) && isCredentialLiteral(value)) out.push({ rule: 'credential-literal', object: b, path, message: `${where} ${key} holds a literal value`, hint: 'keep it in a Secret (created by the bootstrap or SOPS-encrypted) and reference it (valueFrom, existingSecret, envFrom)' });
      else addText(b, path, value);
    };
    if (b.object.kind === 'ConfigMap') {
      for (const [key, value] of Object.entries(obj(b.object.data))) if (typeof value === 'string') named(['data', key], key, value, 'ConfigMap key');
    }
    if (b.object.kind === 'HelmRelease' && String(b.object.apiVersion).startsWith('helm.toolkit.fluxcd.io/')) {
      for (const leaf of leaves(obj(b.object.spec).values, ['spec', 'values'])) named(leaf.path, leaf.key, leaf.value, 'Helm value');
    }
  }
  if (segments.length === 0) return out;
  const result = await lintSource({
    source: { filePath: 'objects.txt', content: lines.join('\n'), contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] }, maskSecrets: true, noPhysicFilePath: true },
  });
  for (const message of result.messages) {
    const line = message.loc.start.line;
    let segment = segments[0]!;
    for (const s of segments) if (s.line <= line) segment = s;
    out.push({ rule: 'credential-literal', object: segment.object, path: segment.path, message: `${message.message} (${message.ruleId.replace('@secretlint/secretlint-rule-', 'secretlint ')})`, hint: 'move the value into a Secret created by the bootstrap or SOPS-encrypted, and reference it' });
  }
  return out;
}

/** secretlint over script and config files of the repository (text the object checks never see). */
export async function scanTextFiles(files: readonly { path: string; content: string }[]): Promise<{ path: string; line: number; column: number; message: string }[]> {
  const found: { path: string; line: number; column: number; message: string }[] = [];
  for (const file of files) {
    const result = await lintSource({
      source: { filePath: file.path, content: file.content, contentType: 'text' },
      options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] }, maskSecrets: true, noPhysicFilePath: true },
    });
    for (const m of result.messages) found.push({ path: file.path, line: m.loc.start.line, column: m.loc.start.column + 1, message: `${m.message} (${m.ruleId.replace('@secretlint/secretlint-rule-', 'secretlint ')})` });
  }
  return found;
}
