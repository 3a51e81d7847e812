#!/usr/bin/env node
// Regenerates lib/imports/<api-group>.ts from the CRD files vendored under crds/.
// `cdk8s import` works offline for local files. It writes one file per API group and a
// later import of the same group overwrites the earlier one, so every CRD is concatenated
// into one multi-document file and imported in a single call. --no-save keeps cdk8s.yaml untouched.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'lib', 'imports');
const cli = path.join(root, 'node_modules', '.bin', 'cdk8s');
const groups = ['velero', 'longhorn', 'gateway-api', 'flux', 'argo-cd', 'prometheus-operator', 'cert-manager', 'external-secrets', 'intel-device-plugins'];

const docs = [];
for (const group of groups) {
  const dir = path.join(root, 'crds', group);
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    docs.push(fs.readFileSync(path.join(dir, file), 'utf8').replace(/^---\n/, ''));
  }
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hh-crds-'));
const all = path.join(tmp, 'all-crds.yaml');
fs.writeFileSync(all, docs.join('\n---\n'));
try {
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(cli, ['import', all, '--language', 'typescript', '--output', out, '--no-save', '--no-check-upgrade'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
for (const f of fs.readdirSync(out).sort()) process.stdout.write(`lib/imports/${f}\n`);
