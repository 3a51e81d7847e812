import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import GATEWAY_API_CRDS from '../../stacks/homelab/gateway-api-crds.json';

describe('stacks/homelab/gateway-api-crds.json', () => {
  test('is exactly the vendored Gateway API YAML CRDs, in order (regenerate with node scripts/gateway-api-json.js)', () => {
    const dir = path.join(__dirname, '..', '..', 'crds', 'gateway-api');
    const fromYaml = ['gatewayclasses', 'gateways', 'httproutes', 'referencegrants']
      .map((k) => YAML.parse(fs.readFileSync(path.join(dir, `gateway.networking.k8s.io_${k}.yaml`), 'utf8')));
    expect(GATEWAY_API_CRDS.map((c: any) => c.spec.names.kind)).toEqual(['GatewayClass', 'Gateway', 'HTTPRoute', 'ReferenceGrant']);
    expect(GATEWAY_API_CRDS).toEqual(fromYaml);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))).toHaveLength(4);
  });
});
