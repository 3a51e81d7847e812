import * as fs from 'fs';
import * as path from 'path';
import { BASELINE_PACK, EXEMPTION_RULE_ID } from '../lib';

/** Renders docs/policies.md from the rules' own metadata (one source of truth). */
export function renderPolicyDocs(): string {
  const rules = [...BASELINE_PACK.rules].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const lines = [
    '# Policy rules',
    '',
    'Generated from the rule definitions by `npm run docs:policies`; a test fails when this file is stale.',
    '',
    `Every Cluster runs the **${BASELINE_PACK.name}** pack on every synth. An \`error\` fails the synth unless the object carries an`,
    'exemption with a reason in its `hardened-homelab.io/exemptions` annotation (a JSON object `{"<rule-id>": "<reason>"}`;',
    'pattern props such as `AppWorkload.exemptions` write it). A `warning` is printed and listed in `REPORT.md`.',
    `Malformed exemptions (not JSON, no reason, unknown rule id) are themselves errors (${EXEMPTION_RULE_ID}).`,
    '',
    '| id | level | rule |',
    '|---|---|---|',
    ...rules.map((r) => `| [${r.id}](#${r.id.toLowerCase()}) | ${r.level} | ${r.title} |`),
    '',
  ];
  for (const r of rules) {
    lines.push(`## ${r.id}`, '', `**${r.title}** (${r.level}${r.analyze ? ', whole-cluster analysis' : ''})`, '', r.explanation, '', `Fix: ${r.fix}`, '');
  }
  return lines.join('\n');
}

if (require.main === module) {
  fs.writeFileSync(path.join(__dirname, '..', 'docs', 'policies.md'), renderPolicyDocs());
}
