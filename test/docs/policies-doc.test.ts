import * as fs from 'fs';
import * as path from 'path';
import { renderPolicyDocs } from '../../scripts/policy-docs';

test('docs/policies.md is generated from the current rules (run `npm run docs:policies`)', () => {
  expect(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'policies.md'), 'utf8')).toBe(renderPolicyDocs());
});
