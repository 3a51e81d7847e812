import { RuleLevel } from '../../../lib/policies/rule';
import {
  addedCapabilitiesRule, allowPrivilegeEscalationRule, automountServiceAccountTokenRule, dropAllCapabilitiesRule, hostNamespacesRule,
  hostPathVolumesRule, hostPortsRule, privilegedContainerRule, readOnlyRootFilesystemRule, runAsNonRootRule, runAsUserRule, seccompProfileRule,
} from '../../../lib/policies/rules/workload';
import { container, deployment, found, service, workload } from '../fixtures';

const E = RuleLevel.ERROR;
const W = RuleLevel.WARNING;

/** A deployment whose only container is patched with `patch`. */
function withContainer(patch: any, podPatch: any = {}) {
  return deployment('web', 'apps', { ...podPatch, containers: [container(patch)] });
}

describe('HK-SEC-01 privileged', () => {
  test('compliant baseline', () => expect(found(privilegedContainerRule, deployment())).toEqual([]));
  test('flags privileged: true, in init containers too', () => {
    const m = deployment('web', 'apps', { initContainers: [container({ name: 'setup', securityContext: { privileged: true } })] });
    expect(found(privilegedContainerRule, m)).toEqual([[E, 'init container "setup" sets privileged to true']]);
  });
  test('judges every workload kind', () => {
    const m = workload('DaemonSet', 'dcgm', 'gpu', { containers: [container({ securityContext: { privileged: true } })] });
    expect(found(privilegedContainerRule, m)).toEqual([[E, 'container "app" sets privileged to true']]);
  });
  test('not applicable to a Service', () => expect(found(privilegedContainerRule, service())).toEqual([]));
});

describe('HK-SEC-02 allowPrivilegeEscalation', () => {
  test('compliant baseline', () => expect(found(allowPrivilegeEscalationRule, deployment())).toEqual([]));
  test('flags true and unset', () => {
    expect(found(allowPrivilegeEscalationRule, withContainer({ securityContext: { allowPrivilegeEscalation: true } })))
      .toEqual([[E, 'container "app" sets allowPrivilegeEscalation to true']]);
    expect(found(allowPrivilegeEscalationRule, withContainer({ securityContext: { allowPrivilegeEscalation: undefined } })))
      .toEqual([[E, 'container "app" does not set allowPrivilegeEscalation (it defaults to true)']]);
  });
  test('flags ephemeral containers', () => {
    const m = deployment('web', 'apps', { ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36' }] });
    expect(found(allowPrivilegeEscalationRule, m)).toEqual([[E, 'ephemeral container "debug" does not set allowPrivilegeEscalation (it defaults to true)']]);
  });
  test('exempts Windows pods', () => {
    const m = withContainer({ securityContext: { allowPrivilegeEscalation: undefined } }, { os: { name: 'windows' } });
    expect(found(allowPrivilegeEscalationRule, m)).toEqual([]);
  });
  test('not applicable to a Service', () => expect(found(allowPrivilegeEscalationRule, service())).toEqual([]));
});

describe('HK-SEC-03 runAsNonRoot', () => {
  test('compliant baseline', () => expect(found(runAsNonRootRule, deployment())).toEqual([]));
  test('the pod level alone is enough', () => {
    expect(found(runAsNonRootRule, withContainer({ securityContext: { runAsNonRoot: undefined } }))).toEqual([]);
  });
  test('a container setting false fails even when the pod says true', () => {
    expect(found(runAsNonRootRule, withContainer({ securityContext: { runAsNonRoot: false } })))
      .toEqual([[E, 'container "app" sets runAsNonRoot to false']]);
  });
  test('unset at both levels fails', () => {
    const m = withContainer({ securityContext: { runAsNonRoot: undefined } }, { securityContext: { runAsNonRoot: undefined } });
    expect(found(runAsNonRootRule, m)).toEqual([[E, 'container "app" does not set runAsNonRoot, and neither does the pod']]);
  });
  test('a pod-level false is reported on the containers that inherit it', () => {
    const m = workload('Pod', 'web', 'apps', { securityContext: { runAsNonRoot: false }, containers: [container({ securityContext: { runAsNonRoot: undefined } })] });
    expect(found(runAsNonRootRule, m)).toEqual([[E, 'container "app" inherits runAsNonRoot false from the pod']]);
  });
  test('not applicable to a Service', () => expect(found(runAsNonRootRule, service())).toEqual([]));
});

describe('HK-SEC-04 runAsUser', () => {
  test('compliant baseline', () => expect(found(runAsUserRule, deployment())).toEqual([]));
  test('absent at both levels is not judged here', () => {
    const m = withContainer({ securityContext: { runAsUser: undefined } }, { securityContext: { runAsUser: undefined } });
    expect(found(runAsUserRule, m)).toEqual([]);
  });
  test('flags an explicit 0 at pod and container level', () => {
    const m = withContainer({ securityContext: { runAsUser: 0 } }, { securityContext: { runAsUser: 0 } });
    expect(found(runAsUserRule, m)).toEqual([[E, 'the pod sets runAsUser to 0 (root)'], [E, 'container "app" sets runAsUser to 0 (root)']]);
  });
  test('not applicable to a Service', () => expect(found(runAsUserRule, service())).toEqual([]));
});

describe('HK-SEC-06 drop ALL', () => {
  test('compliant baseline', () => expect(found(dropAllCapabilitiesRule, deployment())).toEqual([]));
  test('flags a missing or partial drop list', () => {
    expect(found(dropAllCapabilitiesRule, withContainer({ securityContext: { capabilities: undefined } })))
      .toEqual([[E, 'container "app" does not drop ALL capabilities (capabilities.drop is not set)']]);
    expect(found(dropAllCapabilitiesRule, withContainer({ securityContext: { capabilities: { drop: ['NET_RAW'] } } })))
      .toEqual([[E, 'container "app" does not drop ALL capabilities (capabilities.drop is [NET_RAW])']]);
  });
  test('flags lower-case "all"', () => {
    expect(found(dropAllCapabilitiesRule, withContainer({ securityContext: { capabilities: { drop: ['all'] } } })))
      .toEqual([[E, 'container "app" drops "all"; capabilities.drop must contain "ALL" in upper case']]);
  });
  test('not applicable to a Service', () => expect(found(dropAllCapabilitiesRule, service())).toEqual([]));
});

describe('HK-SEC-07 added capabilities', () => {
  test('compliant baseline and NET_BIND_SERVICE', () => {
    expect(found(addedCapabilitiesRule, deployment())).toEqual([]);
    expect(found(addedCapabilitiesRule, withContainer({ securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }))).toEqual([]);
  });
  test('flags anything else', () => {
    const m = withContainer({ securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'SYS_ADMIN', 'IPC_LOCK'] } } });
    expect(found(addedCapabilitiesRule, m)).toEqual([[E, 'container "app" adds capabilities SYS_ADMIN, IPC_LOCK; only NET_BIND_SERVICE may be added']]);
    expect(found(addedCapabilitiesRule, withContainer({ securityContext: { capabilities: { add: ['IPC_LOCK'] } } })))
      .toEqual([[E, 'container "app" adds capability IPC_LOCK; only NET_BIND_SERVICE may be added']]);
  });
  test('not applicable to a Service', () => expect(found(addedCapabilitiesRule, service())).toEqual([]));
});

describe('HK-SEC-08 readOnlyRootFilesystem', () => {
  test('compliant baseline', () => expect(found(readOnlyRootFilesystemRule, deployment())).toEqual([]));
  test('flags false and unset', () => {
    expect(found(readOnlyRootFilesystemRule, withContainer({ securityContext: { readOnlyRootFilesystem: false } })))
      .toEqual([[E, 'container "app" sets readOnlyRootFilesystem to false']]);
    expect(found(readOnlyRootFilesystemRule, withContainer({ securityContext: { readOnlyRootFilesystem: undefined } })))
      .toEqual([[E, 'container "app" does not set readOnlyRootFilesystem (the root filesystem is writable)']]);
  });
  test('judges CronJob containers', () => {
    const m = workload('CronJob', 'backup', 'apps', { containers: [container({ name: 'dump', securityContext: { readOnlyRootFilesystem: false } })] });
    expect(found(readOnlyRootFilesystemRule, m)).toEqual([[E, 'container "dump" sets readOnlyRootFilesystem to false']]);
  });
  test('not applicable to a Service', () => expect(found(readOnlyRootFilesystemRule, service())).toEqual([]));
});

describe('HK-SEC-09 seccomp', () => {
  test('compliant baseline', () => expect(found(seccompProfileRule, deployment())).toEqual([]));
  test('a profile on every container is enough', () => {
    const m = withContainer({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'app.json' } } }, { securityContext: { seccompProfile: undefined } });
    expect(found(seccompProfileRule, m)).toEqual([]);
  });
  test('flags a container without a profile when the pod has none', () => {
    const m = deployment('web', 'apps', {
      securityContext: { seccompProfile: undefined },
      containers: [container({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }), container({ name: 'sidecar' })],
    });
    expect(found(seccompProfileRule, m)).toEqual([[E, 'container "sidecar" has no seccompProfile, and neither does the pod']]);
  });
  test('flags Unconfined anywhere', () => {
    expect(found(seccompProfileRule, withContainer({ securityContext: { seccompProfile: { type: 'Unconfined' } } })))
      .toEqual([[E, 'container "app" sets seccompProfile.type to Unconfined']]);
    expect(found(seccompProfileRule, deployment('web', 'apps', { securityContext: { seccompProfile: { type: 'Unconfined' } } })))
      .toEqual([[E, 'the pod sets seccompProfile.type to Unconfined']]);
  });
  test('not applicable to a Service', () => expect(found(seccompProfileRule, service())).toEqual([]));
});

describe('HK-SEC-10 host namespaces', () => {
  test('compliant baseline and explicit false', () => {
    expect(found(hostNamespacesRule, deployment())).toEqual([]);
    expect(found(hostNamespacesRule, deployment('web', 'apps', { hostNetwork: false }))).toEqual([]);
  });
  test('flags each host namespace', () => {
    const m = deployment('web', 'apps', { hostNetwork: true, hostPID: true, hostIPC: true });
    expect(found(hostNamespacesRule, m)).toEqual([
      [E, 'the pod sets hostNetwork to true'], [E, 'the pod sets hostPID to true'], [E, 'the pod sets hostIPC to true'],
    ]);
  });
  test('not applicable to a Service', () => expect(found(hostNamespacesRule, service())).toEqual([]));
});

describe('HK-SEC-11 hostPort', () => {
  test('compliant baseline and hostPort 0', () => {
    expect(found(hostPortsRule, deployment())).toEqual([]);
    expect(found(hostPortsRule, withContainer({ ports: [{ name: 'http', containerPort: 8080, hostPort: 0 }] }))).toEqual([]);
  });
  test('flags a hostPort', () => {
    const m = withContainer({ ports: [{ name: 'http', containerPort: 8200, hostPort: 8200 }, { containerPort: 8201, hostPort: 8201 }] });
    expect(found(hostPortsRule, m)).toEqual([[E, 'container "app" sets hostPort 8200 on port "http"'], [E, 'container "app" sets hostPort 8201 on port 8201']]);
  });
  test('not applicable to a Service', () => expect(found(hostPortsRule, service())).toEqual([]));
});

describe('HK-SEC-12 hostPath', () => {
  test('compliant baseline and other volume types', () => {
    expect(found(hostPathVolumesRule, deployment())).toEqual([]);
    expect(found(hostPathVolumesRule, deployment('web', 'apps', { volumes: [{ name: 'tmp', emptyDir: {} }] }))).toEqual([]);
  });
  test('flags a hostPath volume', () => {
    const m = workload('DaemonSet', 'plugin', 'gpu', { volumes: [{ name: 'dp', hostPath: { path: '/var/lib/kubelet/device-plugins', type: 'Directory' } }] });
    expect(found(hostPathVolumesRule, m)).toEqual([[E, 'volume "dp" is a hostPath volume (/var/lib/kubelet/device-plugins)']]);
  });
  test('not applicable to a Service', () => expect(found(hostPathVolumesRule, service())).toEqual([]));
});

describe('HK-SEC-20 automountServiceAccountToken', () => {
  test('compliant baseline', () => expect(found(automountServiceAccountTokenRule, deployment())).toEqual([]));
  test('warns when unset or true', () => {
    expect(found(automountServiceAccountTokenRule, deployment('web', 'apps', { automountServiceAccountToken: undefined })))
      .toEqual([[W, 'the pod does not set automountServiceAccountToken, so the ServiceAccount token is mounted']]);
    expect(found(automountServiceAccountTokenRule, workload('Job', 'migrate', 'apps', { automountServiceAccountToken: true })))
      .toEqual([[W, 'the pod sets automountServiceAccountToken to true']]);
  });
  test('not applicable to a Service', () => expect(found(automountServiceAccountTokenRule, service())).toEqual([]));
});
