import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';

/**
 * The restricted container security context every library pod runs with (Pod Security
 * `restricted`): non-root `uid`/`gid`, read-only root filesystem, no privilege or privilege
 * escalation, every capability dropped. Writable paths are emptyDirs, never the image.
 * @internal
 */
export function restrictedContainerSecurityContext(uid: number, gid: number): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    privileged: false,
    capabilities: { drop: ['ALL'] },
  };
}

/**
 * The container security context of a node agent that must run as root (uid and gid 0: it
 * writes into root-owned kubelet directories, or its engine refuses other users), and nothing
 * more: not privileged, no privilege escalation, read-only root filesystem, every capability
 * dropped but `add`. Its pod carries the exemptions that say why.
 * @internal
 */
export function rootContainerSecurityContext(add: readonly string[] = []): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    runAsUser: 0,
    runAsGroup: 0,
    runAsNonRoot: false,
    capabilities: add.length ? { drop: ['ALL'], add: [...add] } : { drop: ['ALL'] },
  };
}
