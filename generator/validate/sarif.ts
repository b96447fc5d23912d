import type { Finding } from '../findings.js';
import { sortFindings } from '../findings.js';

/** SARIF 2.1.0 (what GitHub code scanning reads): one result per finding, rules by code. */
export function findingsSarif(findings: readonly Finding[], version: string): string {
  const sorted = sortFindings(findings.filter((f) => f.severity !== 'info'));
  const codes = [...new Set(sorted.map((f) => f.code))].sort();
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'pi-gitops', version, informationUri: 'https://github.com/pi-gitops/pi-gitops', rules: codes.map((id) => ({ id, shortDescription: { text: id } })) } },
      results: sorted.map((f) => ({
        ruleId: f.code,
        ruleIndex: codes.indexOf(f.code),
        level: f.severity === 'error' ? 'error' : 'warning',
        message: { text: `${f.message}${f.hint ? `\nhint: ${f.hint}` : ''}` },
        ...(f.file ? { locations: [{ physicalLocation: { artifactLocation: { uri: f.file }, ...(f.position ? { region: { startLine: f.position.line, startColumn: f.position.column } } : {}) } }] } : {}),
      })),
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
