import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';

/**
 * How much a workload matters when the cluster is short of resources. Each maps to a
 * PriorityClass the Cluster synthesizes; the scheduler preempts `OPTIONAL` pods first, so
 * a crash-looping experiment cannot keep a critical service Pending (the cortex incident).
 */
export enum Criticality {
  /** Must run: databases, queues, the platform's own services. Preempts lower classes. */
  CRITICAL = 'critical',
  /** The default for apps. */
  STANDARD = 'standard',
  /** Nice to have; preempted first and never preempts others. */
  OPTIONAL = 'optional',
}

/** PriorityClass name, value and preemption policy per criticality. */
export const PRIORITY_CLASSES: Record<Criticality, { name: string; value: number; preemptionPolicy: 'PreemptLowerPriority' | 'Never'; description: string }> = {
  [Criticality.CRITICAL]: { name: 'workload-critical', value: 100000, preemptionPolicy: 'PreemptLowerPriority', description: 'Critical workloads (hardened-homelab): preempt lower classes when the cluster is full.' },
  [Criticality.STANDARD]: { name: 'workload-standard', value: 10000, preemptionPolicy: 'PreemptLowerPriority', description: 'Standard workloads (hardened-homelab).' },
  [Criticality.OPTIONAL]: { name: 'workload-optional', value: 1000, preemptionPolicy: 'Never', description: 'Optional workloads (hardened-homelab): preempted first, never preempt others.' },
};

/** Synthesizes the three PriorityClasses of {@link Criticality}. The Cluster adds this once. */
export class PriorityClasses extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    for (const c of Object.values(Criticality)) {
      const p = PRIORITY_CLASSES[c];
      new k8s.KubePriorityClass(this, c, {
        metadata: { name: p.name },
        value: p.value,
        preemptionPolicy: p.preemptionPolicy,
        globalDefault: false,
        description: p.description,
      });
    }
  }
}
