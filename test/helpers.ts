import { App, Testing } from 'cdk8s';
import { Cluster, ClusterProfileProps, Distro, Namespace, TaintEffect } from '../lib';

/** A small two-worker profile with one tainted server. */
export const TEST_PROFILE: ClusterProfileProps = {
  distro: Distro.K3S,
  version: 'v1.32.5+k3s1',
  nodes: [
    { name: 'server', role: undefined, allocatable: { cpu: '4', memory: '8Gi' }, taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_EXECUTE }] },
    { name: 'worker1', allocatable: { cpu: '4', memory: '8Gi' }, labels: { 'node-type': 'compute' } },
    { name: 'worker2', allocatable: { cpu: '4', memory: '8Gi' } },
  ],
  externalServices: [{ name: 'prometheus', namespace: 'monitoring', ports: [9090], reason: 'installed by the platform' }],
};

/** A cluster in a fresh app, with policies off unless `withPolicies`. */
export function testCluster(withPolicies = false, profile: ClusterProfileProps = TEST_PROFILE): Cluster {
  return new Cluster(Testing.app(), 'test', { profile, policies: withPolicies ? undefined : [] });
}

/** A namespace `apps` in a fresh test cluster. */
export function testNamespace(withPolicies = false): Namespace {
  return new Namespace(testCluster(withPolicies), 'apps');
}

/** Synthesized manifests of a chart (runs validations, so policies too when enabled). */
export function synth(chart: Namespace): any[] {
  return Testing.synth(chart);
}

/** The one object of `kind` (and `name`, when given) in `objs`. */
export function one(objs: any[], kind: string, name?: string): any {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}

/** Catches the error `fn` throws and returns its message. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

export { App };
