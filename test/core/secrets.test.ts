import { Testing } from 'cdk8s';
import { Namespace, requireSecret, secretRequirementsOf } from '../../lib';
import { errorOf, testCluster } from '../helpers';

describe('requireSecret', () => {
  test('records the Secret, its namespace (from the chart) and keys on the consumer; found from the root', () => {
    const c = testCluster();
    const ns = new Namespace(c, 'auth');
    const check = (v: string) => (v.length === 32 ? undefined : 'must be 32 bytes');
    const r = requireSecret(ns, { name: 'proxy', keys: { 'cookie-secret': { validate: check }, 'client-secret': {} } });
    requireSecret(ns, { name: 'other', namespace: 'elsewhere', keys: { token: { description: 'API token' } } });
    expect(r).toEqual({ namespace: 'auth', name: 'proxy', keys: { 'cookie-secret': { validate: check }, 'client-secret': {} }, path: 'test/auth' });
    expect(secretRequirementsOf(c).map((x) => `${x.namespace}/${x.name}:${Object.keys(x.keys).join(',')}`)).toEqual(['auth/proxy:cookie-secret,client-secret', 'elsewhere/other:token']);
    // nothing is rendered: the output only references the Secret
    expect(Testing.synth(ns).filter((o: any) => o.kind === 'Secret')).toEqual([]);
  });

  test('refuses a scope without a namespace', () => {
    const c = testCluster();
    expect(errorOf(() => requireSecret(c.clusterChart, { name: 'x', keys: { a: {} } }))).toBe(
      '[test/cluster] namespace = undefined: a Secret lives in a namespace. Fix: call requireSecret inside a Namespace chart or pass namespace');
  });

  test('refuses an invalid name, no keys, or a bad key', () => {
    const ns = new Namespace(testCluster(), 'auth');
    expect(errorOf(() => requireSecret(ns, { name: 'Bad_Name', keys: { a: {} } }))).toMatch(/^\[test\/auth\] name = "Bad_Name": /);
    expect(errorOf(() => requireSecret(ns, { name: 'x', keys: {} }))).toBe('[test/auth] keys = {}: name at least one key the consumer reads. Fix: e.g. keys: { "cookie-secret": {} }');
    expect(errorOf(() => requireSecret(ns, { name: 'x', keys: { 'a/b': {} } }))).toBe('[test/auth] keys = "a/b": a Secret key consists of alphanumerics, "-", "_" or ".". Fix: use e.g. "client-secret"');
  });
});
