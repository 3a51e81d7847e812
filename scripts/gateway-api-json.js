// Writes stacks/homelab/gateway-api-crds.json: the vendored Gateway API CRDs (crds/gateway-api,
// YAML, the source of truth) parsed once into JSON, because the YAML parser takes about 0.35 s
// for these 480 KB on every synth and JSON.parse a few milliseconds.
// test/stacks/gateway-api-crds.test.ts fails when the JSON and the YAML differ.
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const KINDS = ['gatewayclasses', 'gateways', 'httproutes', 'referencegrants'];
const crds = KINDS.map((k) => YAML.parse(fs.readFileSync(path.join(root, 'crds', 'gateway-api', `gateway.networking.k8s.io_${k}.yaml`), 'utf8')));
fs.writeFileSync(path.join(root, 'stacks', 'homelab', 'gateway-api-crds.json'), `${JSON.stringify(crds)}\n`);
