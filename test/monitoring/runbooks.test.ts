import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alertGroups, RUNBOOK_FILE, rulesFile, runbookBase } from '../../generator/render/monitoring/alerts.js';
import { exampleSpec } from './_spec.js';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function githubSlug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}
const anchors = new Set(
  readFileSync(RUNBOOK_FILE, 'utf8')
    .split('\n')
    .filter((line) => /^#{1,6}\s/.test(line))
    .map((line) => githubSlug(line.replace(/^#+\s*/, ''))),
);

const variants = {
  'pi5-lab': exampleSpec('pi5-lab'),
  'pi5-mini': exampleSpec('pi5-mini'),
  'pi5-lab without TLS or exporters': exampleSpec('pi5-lab', (t) => t.replace('tls: { mode: selfSigned }', 'tls: { mode: none }').replace('logStorageGiB: 20', 'logStorageGiB: 20\n    exporters: false')),
};

interface RenderedRule { alert: string; annotations: Record<string, string>; labels: Record<string, string> }

describe('alert runbooks', () => {
  for (const [name, spec] of Object.entries(variants)) {
    it(`links every ${name} alert to a heading that exists in ${RUNBOOK_FILE}`, () => {
      const rules = (rulesFile(spec.cluster) as { groups: { rules: RenderedRule[] }[] }).groups.flatMap((g) => g.rules);
      expect(rules.length).toBeGreaterThan(15);
      for (const rule of rules) {
        const url = rule.annotations.runbook_url ?? '';
        const [file, anchor = ''] = url.split('#');
        expect(file, rule.alert).toBe(runbookBase(spec.cluster));
        expect(file?.endsWith(`/${RUNBOOK_FILE}`)).toBe(true);
        expect(anchors.has(anchor), `${rule.alert}: #${anchor} is not a heading of ${RUNBOOK_FILE}`).toBe(true);
      }
    });
  }

  it('gives every alert a severity, a summary and a description', () => {
    for (const group of alertGroups(variants['pi5-lab'].cluster)) {
      for (const rule of group.rules) {
        expect(['critical', 'warning', 'info']).toContain(rule.severity);
        expect(rule.summary.length, rule.alert).toBeGreaterThan(10);
        expect(rule.description.length, rule.alert).toBeGreaterThan(20);
      }
    }
  });

  it('renders the certificate alert only when TLS is managed', () => {
    const names = (spec: (typeof variants)[keyof typeof variants]): string[] => alertGroups(spec.cluster).flatMap((g) => g.rules.map((r) => r.alert));
    expect(names(variants['pi5-lab'])).toContain('CertificateExpiringSoon');
    expect(names(variants['pi5-lab without TLS or exporters'])).not.toContain('CertificateExpiringSoon');
  });

  it('does not mistake a missing section for an existing one', () => {
    expect(anchors.has('nodedown')).toBe(true);
    expect(anchors.has('nosuchalert')).toBe(false);
  });

  it('builds a browsable https link from ssh, scp-like and https Git URLs', () => {
    const withUrl = (url: string): string => runbookBase({ ...variants['pi5-lab'].cluster, spec: { ...variants['pi5-lab'].cluster.spec, git: { url, branch: 'main', interval: '1m' } } });
    const expected = 'https://github.com/example/pi-fleet/blob/main/docs/TROUBLESHOOTING.md';
    expect(runbookBase(variants['pi5-lab'].cluster)).toBe(expected);
    expect(withUrl('git@github.com:example/pi-fleet.git')).toBe(expected);
    expect(withUrl('https://github.com/example/pi-fleet.git')).toBe(expected);
    expect(withUrl('ssh://git@gitea.lan:2222/example/pi-fleet.git')).toBe('https://gitea.lan/example/pi-fleet/blob/main/docs/TROUBLESHOOTING.md');
  });
});
