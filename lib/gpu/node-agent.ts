import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import { NVIDIA_RUNTIME_CLASS } from '../core/gpu';
import { ClusterNode, tolerationsFor } from '../core/profile';

/** Props of {@link nvidiaNodeAgent}. */
export interface NvidiaNodeAgentProps {
  /** Names the ServiceAccount and the DaemonSet. */
  readonly name: string;
  /** Labels of the ServiceAccount, the DaemonSet and its pods. */
  readonly labels: Readonly<Record<string, string>>;
  /** The DaemonSet's selector (a subset of `labels`). */
  readonly selector: Readonly<Record<string, string>>;
  /** The GPU nodes it runs on (required node affinity on their host names; their taints tolerated). */
  readonly nodes: readonly ClusterNode[];
  /** Tolerations besides the nodes' taints. @default [] */
  readonly tolerations?: k8s.Toleration[];
  /** Mount a ServiceAccount token (the agent calls the Kubernetes API). */
  readonly apiAccess: boolean;
  readonly priorityClassName: string;
  /** Share the pod's process namespace (a sidecar signals the main process). @default - not set */
  readonly shareProcessNamespace?: boolean;
  /** @default - none */
  readonly initContainers?: k8s.Container[];
  readonly containers: k8s.Container[];
  readonly volumes: k8s.Volume[];
}

/**
 * The ServiceAccount and DaemonSet of an agent that runs on every NVIDIA GPU node of the
 * profile under the NVIDIA runtime (the device plugin, the DCGM exporter): one pod per node at
 * a time on update, RuntimeDefault seccomp, no Service links, required node affinity on the
 * GPU nodes' host names and tolerations for their taints. Created as `ServiceAccount` and
 * `Resource` children of `scope`; the caller adds its containers, exemptions and
 * NetworkPolicy.
 * @internal
 */
export function nvidiaNodeAgent(scope: Construct, props: NvidiaNodeAgentProps): k8s.KubeDaemonSet {
  const tolerations: k8s.Toleration[] = [...(props.tolerations ?? [])];
  tolerations.push(...tolerationsFor(props.nodes, tolerations));
  new k8s.KubeServiceAccount(scope, 'ServiceAccount', { metadata: { name: props.name, labels: { ...props.labels } }, automountServiceAccountToken: props.apiAccess });
  return new k8s.KubeDaemonSet(scope, 'Resource', {
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      selector: { matchLabels: { ...props.selector } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
      template: {
        metadata: { labels: { ...props.labels } },
        spec: {
          serviceAccountName: props.name,
          automountServiceAccountToken: props.apiAccess,
          enableServiceLinks: false,
          priorityClassName: props.priorityClassName,
          runtimeClassName: NVIDIA_RUNTIME_CLASS,
          shareProcessNamespace: props.shareProcessNamespace,
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: props.nodes.map((n) => n.name) }] }] } } },
          tolerations: tolerations.length ? tolerations : undefined,
          initContainers: props.initContainers,
          containers: props.containers,
          volumes: props.volumes,
        },
      },
    },
  });
}
