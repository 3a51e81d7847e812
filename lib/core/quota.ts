import { IConstruct } from 'constructs';
import { Cpu, Memory } from './quantity';

const QUOTA_CONSUMER = Symbol.for('hardened-homelab.QuotaConsumer');

/** What the pods of one construct take from its namespace's ResourceQuota (all replicas and Jobs). */
export interface QuotaDemand {
  readonly cpu: Cpu;
  readonly memory: Memory;
  readonly memoryLimit: Memory;
}

/**
 * Declares that the pods `scope` renders count toward its namespace's ResourceQuota. The app
 * pattern counts itself; a pattern that renders pods another way (Vault's StatefulSet and
 * schema Job, a user's own Deployment) registers here, so a Namespace that derives its quota
 * admits them and a Namespace with an explicit quota checks it is large enough.
 */
export function registerQuotaConsumer(scope: IConstruct, demand: () => QuotaDemand): void {
  Object.defineProperty(scope, QUOTA_CONSUMER, { value: demand, enumerable: false });
}

/** The demand `c` registered, if any. */
export function quotaDemandOf(c: IConstruct): QuotaDemand | undefined {
  const f = (c as any)[QUOTA_CONSUMER] as (() => QuotaDemand) | undefined;
  return f?.();
}
