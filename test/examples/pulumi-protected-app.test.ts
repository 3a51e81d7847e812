import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { specialSecretSig, specialSigKey } from '@pulumi/pulumi/runtime/rpc';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { generateCookieSecret, validateCookieSecret } from '../../lib';
import { keyOf, registered, settle } from '../pulumi/mocks';
import { createValidator } from '../schema/validator';

jest.setTimeout(60_000);

const DIR = path.join(__dirname, '../../examples/pulumi-protected-app');
/** The project name of the example's Pulumi.yaml: the namespace of its config keys. */
const PROJECT: string = YAML.parse(fs.readFileSync(path.join(DIR, 'Pulumi.yaml'), 'utf8')).name;
const SECRET = 'oauth2-proxy-alertmanager';
const COOKIE_KEY = `secrets.monitoring.${SECRET}.cookie-secret`;
const CLIENT_KEY = `secrets.monitoring.${SECRET}.client-secret`;
const HEADER = 'ClusterObjects protected-app: ';
const setCmd = (p: string) => `pulumi config set --secret --path '${p}' <value>`;

/** Mocks that record into `registered` (test/pulumi/mocks.ts), under the example's own project name. */
async function installMocks(): Promise<void> {
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      registered.push(args);
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
  }, PROJECT, 'test', false);
}

/** Sets `<project>:secrets` (as a secret, like `pulumi config set --secret --path`) to the front's Secret keys. */
function setSecrets(keys: Record<string, string> | undefined): void {
  if (keys === undefined) {
    pulumi.runtime.setAllConfig({}, []);
    return;
  }
  pulumi.runtime.setAllConfig({ [`${PROJECT}:secrets`]: JSON.stringify({ monitoring: { [SECRET]: keys } }) }, [`${PROJECT}:secrets`]);
}

/** Runs the program and returns the error it throws. */
async function failure(): Promise<Error> {
  const { program } = await import('../../examples/pulumi-protected-app/index');
  registered.length = 0;
  let error: unknown;
  try {
    program();
  } catch (e) {
    error = e;
  }
  await settle();
  if (!(error instanceof Error)) throw new Error('expected the program to throw');
  return error;
}

/** JSON with object keys sorted (the Pulumi RPC layer sorts them). */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
}

describe('examples/pulumi-protected-app', () => {
  test('Pulumi.yaml: nodejs runtime with TypeScript, main main.ts, the repository tsconfig', () => {
    expect(YAML.parse(fs.readFileSync(path.join(DIR, 'Pulumi.yaml'), 'utf8'))).toEqual({
      name: 'protected-app',
      description: expect.any(String),
      runtime: { name: 'nodejs', options: { typescript: true, tsconfig: '../../tsconfig.json' } },
      main: 'main.ts',
    });
    expect(fs.existsSync(path.resolve(DIR, '../../tsconfig.json'))).toBe(true);
    expect(fs.readFileSync(path.join(DIR, 'main.ts'), 'utf8')).toContain("import { program } from './index';");
  });

  test('the cluster synthesizes without errors or findings, and every object validates against Kubernetes 1.29 and the CRDs', async () => {
    const { buildProtectedApp } = await import('../../examples/pulumi-protected-app/index');
    const { cluster, front } = buildProtectedApp(new App({ outdir: '/nonexistent' }));
    const synthesis = cluster.synthesize();
    expect(synthesis.errors).toEqual([]);
    expect(synthesis.findings).toEqual([]);
    const validator = createValidator();
    const invalid = synthesis.objects.flatMap((o) => validator.validate(o.manifest).map((e: unknown) => `${keyOf(o.manifest)}: ${String(e)}`));
    expect(invalid).toEqual([]);
    expect(front.url).toBe('https://alertmanager.lab.example.net');
    expect(front.issuerUrl).toBe('https://authentik.lab.example.net/application/o/alertmanager/');
  });
});

describe('examples/pulumi-protected-app: the program under Pulumi mocks', () => {
  const CLIENT_SECRET = 'authentik-client-secret-value';
  const COOKIE_SECRET = generateCookieSecret();
  let out: any;
  let byType: (t: string) => pulumi.runtime.MockResourceArgs[];
  let groups: Record<string, any[]>;

  beforeAll(async () => {
    await installMocks();
    registered.length = 0;
    setSecrets({ 'client-secret': CLIENT_SECRET, 'cookie-secret': COOKIE_SECRET });
    const { program } = await import('../../examples/pulumi-protected-app/index');
    out = program();
    await settle();
    byType = (t) => registered.filter((r) => r.type === t);
    groups = Object.fromEntries(byType('kubernetes:yaml/v2:ConfigGroup').map((g) => [g.name, g.inputs.objs]));
  });

  afterAll(() => setSecrets(undefined));

  test('registers the component, two ConfigGroups and one Secret under it, and no Helm release', () => {
    expect(validateCookieSecret(COOKIE_SECRET).bytes).toBe(32);
    expect(byType('hardened-homelab:k8s:ClusterObjects').map((r) => r.name)).toEqual(['protected-app']);
    expect(Object.keys(groups).sort()).toEqual(['protected-app-objects', 'protected-app-prerequisites']);
    expect(byType('kubernetes:core/v1:Secret').map((r) => r.name)).toEqual(['protected-app-monitoring-oauth2-proxy-alertmanager']);
    expect(byType('kubernetes:helm.sh/v3:Release')).toEqual([]);
    const ours = registered.filter((r) => !r.type.startsWith('pulumi:providers:'));
    expect(ours.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      'hardened-homelab:k8s:ClusterObjects protected-app',
      'kubernetes:core/v1:Secret protected-app-monitoring-oauth2-proxy-alertmanager',
      'kubernetes:yaml/v2:ConfigGroup protected-app-objects',
      'kubernetes:yaml/v2:ConfigGroup protected-app-prerequisites',
    ]);
  });

  test('prerequisites: the PriorityClasses and the namespace, applied first', () => {
    expect(groups['protected-app-prerequisites'].map(keyOf)).toEqual([
      'scheduling.k8s.io/v1/PriorityClass//workload-critical',
      'scheduling.k8s.io/v1/PriorityClass//workload-standard',
      'scheduling.k8s.io/v1/PriorityClass//workload-optional',
      'v1/Namespace//monitoring',
    ]);
    expect(groups['protected-app-prerequisites'][3].metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  test('objects: the namespace guard rails, Alertmanager, its front (Deployment, Service, HTTPRoute, NetworkPolicies) and the CoreDNS override', () => {
    expect(groups['protected-app-objects'].map(keyOf)).toEqual([
      'v1/ResourceQuota/monitoring/compute',
      'v1/LimitRange/monitoring/container-defaults',
      'networking.k8s.io/v1/NetworkPolicy/monitoring/default-deny',
      'networking.k8s.io/v1/NetworkPolicy/monitoring/allow-dns',
      'v1/ConfigMap/monitoring/alertmanager-config',
      'v1/ServiceAccount/monitoring/alertmanager',
      'apps/v1/Deployment/monitoring/alertmanager',
      'v1/Service/monitoring/alertmanager',
      'networking.k8s.io/v1/NetworkPolicy/monitoring/alertmanager',
      'v1/ServiceAccount/monitoring/oauth2-proxy-alertmanager',
      'apps/v1/Deployment/monitoring/oauth2-proxy-alertmanager',
      'v1/Service/monitoring/oauth2-proxy-alertmanager',
      'policy/v1/PodDisruptionBudget/monitoring/oauth2-proxy-alertmanager',
      'networking.k8s.io/v1/NetworkPolicy/monitoring/oauth2-proxy-alertmanager',
      'networking.k8s.io/v1/NetworkPolicy/monitoring/oauth2-proxy-alertmanager-identity-provider',
      'gateway.networking.k8s.io/v1/HTTPRoute/monitoring/oauth2-proxy-alertmanager',
      'networking.k8s.io/v1/NetworkPolicy/monitoring/oauth2-proxy-alertmanager-gateway',
      'v1/ConfigMap/kube-system/coredns-custom',
    ]);
    expect(out.objectCount).toBe(22);
    expect(out.objectCount).toBe(groups['protected-app-prerequisites'].length + groups['protected-app-objects'].length);
  });

  test('the objects handed to Pulumi are field for field the objects cdk8s synthesizes', async () => {
    const { buildProtectedApp } = await import('../../examples/pulumi-protected-app/index');
    const synthesized = buildProtectedApp(new App({ outdir: '/nonexistent' })).cluster.synthesize().objects.map((o) => o.manifest);
    const given = [...groups['protected-app-prerequisites'], ...groups['protected-app-objects']];
    expect(given.length).toBe(synthesized.length);
    const byKey = new Map(given.map((m) => [keyOf(m), m]));
    expect(synthesized.filter((m) => canonical(byKey.get(keyOf(m))) !== canonical(m)).map(keyOf)).toEqual([]);
  });

  test('Alertmanager: its own config, no route, and only the front may connect', () => {
    const objs = groups['protected-app-objects'];
    const find = (kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
    const c = find('Deployment', 'alertmanager').spec.template.spec.containers[0];
    expect(c.image).toBe('quay.io/prometheus/alertmanager:v0.28.1');
    expect(c.args).toEqual([
      '--config.file=/etc/alertmanager/alertmanager.yml',
      '--storage.path=/alertmanager',
      '--web.listen-address=:9093',
      '--web.external-url=https://alertmanager.lab.example.net',
      '--cluster.listen-address=',
    ]);
    expect(find('ConfigMap', 'alertmanager-config').data).toEqual({ 'alertmanager.yml': 'route:\n  receiver: discard\nreceivers:\n  - name: discard\n' });
    expect(find('NetworkPolicy', 'alertmanager').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'oauth2-proxy-alertmanager', 'app.kubernetes.io/name': 'oauth2-proxy-alertmanager' } } }],
      ports: [{ port: 9093, protocol: 'TCP' }],
    }]);
    expect(objs.filter((o) => o.kind === 'HTTPRoute').map((o) => o.spec.rules[0].backendRefs)).toEqual([[{ name: 'oauth2-proxy-alertmanager', port: 4180 }]]);
  });

  test('the front: issuer with the trailing slash, secrets by reference, route on the profile\'s gateway', () => {
    const objs = groups['protected-app-objects'];
    const find = (kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
    const c = find('Deployment', 'oauth2-proxy-alertmanager').spec.template.spec.containers[0];
    expect(c.args).toEqual(expect.arrayContaining([
      '--oidc-issuer-url=https://authentik.lab.example.net/application/o/alertmanager/',
      '--client-id=alertmanager',
      '--redirect-url=https://alertmanager.lab.example.net/oauth2/callback',
      '--upstream=http://alertmanager.monitoring.svc.cluster.local:9093/',
      '--allowed-group=admins',
      '--trusted-proxy-ip=192.168.1.0/24',
    ]));
    expect(c.env).toEqual([
      { name: 'OAUTH2_PROXY_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: SECRET, key: 'client-secret' } } },
      { name: 'OAUTH2_PROXY_COOKIE_SECRET', valueFrom: { secretKeyRef: { name: SECRET, key: 'cookie-secret' } } },
    ]);
    expect(find('Service', 'oauth2-proxy-alertmanager').spec.ports).toEqual([{ name: 'http', port: 4180, protocol: 'TCP', targetPort: 'http' }]);
    expect(find('HTTPRoute', 'oauth2-proxy-alertmanager').spec).toMatchObject({
      parentRefs: [{ name: 'main-gateway', namespace: 'networking', sectionName: 'https' }],
      hostnames: ['alertmanager.lab.example.net'],
    });
    expect(find('NetworkPolicy', 'oauth2-proxy-alertmanager-identity-provider').spec.egress).toEqual([{ ports: [{ port: 443, protocol: 'TCP' }] }]);
    // no secret value in any object handed to the ConfigGroups
    const text = JSON.stringify(groups);
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toContain(COOKIE_SECRET);
  });

  test('the Secret is created from the `secrets` config object, with exactly the keys the front reads', () => {
    const [s] = byType('kubernetes:core/v1:Secret');
    expect(s.inputs.metadata).toEqual({ name: SECRET, namespace: 'monitoring', labels: { 'app.kubernetes.io/managed-by': 'hardened-homelab' } });
    expect(s.inputs.type).toBe('Opaque');
    // marked secret (encrypted in the state), holding exactly the configured keys
    expect(s.inputs.stringData).toEqual({ [specialSigKey]: specialSecretSig, value: { 'client-secret': CLIENT_SECRET, 'cookie-secret': COOKIE_SECRET } });
    expect(out.secrets).toEqual(['monitoring/oauth2-proxy-alertmanager']);
    expect(out.component.secrets.get('monitoring/oauth2-proxy-alertmanager')).toBeDefined();
  });

  test('outputs: the public URL and the redirect URI to register in Authentik', () => {
    expect(out.url).toBe('https://alertmanager.lab.example.net');
    expect(out.redirectUrl).toBe('https://alertmanager.lab.example.net/oauth2/callback');
  });
});

describe('examples/pulumi-protected-app: bad or missing secrets stop the program before anything is created', () => {
  const CLIENT = 'authentik-client-secret-value';
  const cookieProblem = (bytes: number, why: string) => `${HEADER}1 secret value(s) missing or invalid:\n`
    + `- config ${PROJECT}:${COOKIE_KEY}: oauth2-proxy needs 16, 24 or 32 bytes for its AES cookie cipher; ${why} the value as ${bytes} raw bytes and exits with `
    + `"cookie_secret must be 16, 24, or 32 bytes to create an AES cipher, but is ${bytes} bytes". Fix: ${setCmd(COOKIE_KEY)} with a valid value`;
  const clientMissing = `- Secret monitoring/${SECRET} key "client-secret" (OIDC client secret of client "alertmanager" at authentik.lab.example.net), `
    + `read by Deployment monitoring/${SECRET}, protected-app/monitoring/AlertmanagerFront, is not set. Fix: ${setCmd(CLIENT_KEY)}`;
  const cookieMissing = `- Secret monitoring/${SECRET} key "cookie-secret" (oauth2-proxy cookie secret: 16, 24 or 32 bytes, or URL-safe base64 of them (generateCookieSecret())), `
    + `read by Deployment monitoring/${SECRET}, protected-app/monitoring/AlertmanagerFront, is not set. Fix: ${setCmd(COOKIE_KEY)}`;

  beforeAll(async () => {
    await installMocks();
  });

  afterAll(() => setSecrets(undefined));

  /** Only the component itself reached the engine: no ConfigGroup, Secret or release. */
  const nothingCreated = () => expect(registered.filter((r) => !r.type.startsWith('pulumi:providers:')).map((r) => r.type)).toEqual(['hardened-homelab:k8s:ClusterObjects']);

  test('a 20-byte cookie secret', async () => {
    setSecrets({ 'client-secret': CLIENT, 'cookie-secret': 'abcdefghijklmnopqrst' });
    const e = await failure();
    expect(e).toBeInstanceOf(pulumi.ResourceError);
    expect(e.message).toBe(cookieProblem(20, 'it is not URL-safe base64 of 16, 24 or 32 bytes, so oauth2-proxy reads'));
    nothingCreated();
  });

  test('a cookie secret in standard base64 ("+", "/"), as `openssl rand -base64 32` prints it', async () => {
    const standard = Buffer.alloc(32, 0xfb).toString('base64');
    expect(standard).toMatch(/^\+\/v7/);
    setSecrets({ 'client-secret': CLIENT, 'cookie-secret': standard });
    const e = await failure();
    expect(e).toBeInstanceOf(pulumi.ResourceError);
    expect(e.message).toBe(cookieProblem(44, 'it is standard base64 ("+" or "/"), which oauth2-proxy does not decode, so it reads'));
    expect(e.message).not.toContain(standard);
    nothingCreated();
  });

  test('a missing client secret', async () => {
    setSecrets({ 'cookie-secret': generateCookieSecret() });
    const e = await failure();
    expect(e).toBeInstanceOf(pulumi.ResourceError);
    expect(e.message).toBe(`${HEADER}1 secret value(s) missing or invalid:\n${clientMissing}`);
    nothingCreated();
  });

  test('no `secrets` config at all: one line per key, each with its command', async () => {
    setSecrets(undefined);
    const e = await failure();
    expect(e).toBeInstanceOf(pulumi.ResourceError);
    expect(e.message).toBe(`${HEADER}2 secret value(s) missing or invalid:\n${clientMissing}\n${cookieMissing}`);
    nothingCreated();
  });
});
