import { PolicyRule } from '../../rule';
import { selectorMatchesTemplateRule } from './selector-matches-template';
import { imageTagRule } from './image-tag';
import { readinessProbeRule } from './readiness-probe';
import { livenessProbeRule } from './liveness-probe';
import { distinctProbesRule } from './distinct-probes';
import { probePortsRule } from './probe-ports';
import { resourceRequestsRule } from './resource-requests';
import { memoryLimitRule } from './memory-limit';
import { memoryBurstRatioRule } from './memory-burst-ratio';
import { priorityClassRule } from './priority-class';
import { secretEnvLiteralsRule } from './secret-env-literals';
import { configMapSecretsRule } from './configmap-secrets';
import { duplicateEnvRule } from './duplicate-env';
import { privilegedContainerRule } from './privileged-container';
import { allowPrivilegeEscalationRule } from './allow-privilege-escalation';
import { runAsNonRootRule } from './run-as-non-root';
import { runAsUserRule } from './run-as-user';
import { dropAllCapabilitiesRule } from './drop-all-capabilities';
import { addedCapabilitiesRule } from './added-capabilities';
import { readOnlyRootFilesystemRule } from './read-only-root-filesystem';
import { seccompProfileRule } from './seccomp-profile';
import { hostNamespacesRule } from './host-namespaces';
import { hostPortsRule } from './host-ports';
import { hostPathVolumesRule } from './host-path-volumes';
import { automountServiceAccountTokenRule } from './automount-service-account-token';
import { credentialsInConfigRule } from './credentials-in-config';
import { serviceLinksRule } from './service-links';
import { rwoRolloutStrategyRule } from './rwo-rollout-strategy';
import { secretValuesRule } from './secret-values';
import { startupCommandsRule } from './startup-commands';
import { entrypointContractsRule } from './entrypoint-contracts';

export * from './selector-matches-template';
export * from './image-tag';
export * from './readiness-probe';
export * from './liveness-probe';
export * from './distinct-probes';
export * from './probe-ports';
export * from './resource-requests';
export * from './memory-limit';
export * from './memory-burst-ratio';
export * from './priority-class';
export * from './secret-env-literals';
export * from './configmap-secrets';
export * from './duplicate-env';
export * from './privileged-container';
export * from './allow-privilege-escalation';
export * from './run-as-non-root';
export * from './run-as-user';
export * from './drop-all-capabilities';
export * from './added-capabilities';
export * from './read-only-root-filesystem';
export * from './seccomp-profile';
export * from './host-namespaces';
export * from './host-ports';
export * from './host-path-volumes';
export * from './automount-service-account-token';
export * from './credentials-in-config';
export * from './service-links';
export * from './secret-values';
export * from './startup-commands';
export * from './entrypoint-contracts';
export * from './rwo-rollout-strategy';

/** Every rule that judges a single workload or ConfigMap, ordered by id. */
export const WORKLOAD_RULES: readonly PolicyRule[] = [
  selectorMatchesTemplateRule, // HK-AVL-10
  imageTagRule, // HK-IMG-01
  readinessProbeRule, // HK-PRB-01
  livenessProbeRule, // HK-PRB-02
  distinctProbesRule, // HK-PRB-03
  probePortsRule, // HK-PRB-04
  resourceRequestsRule, // HK-RES-01
  memoryLimitRule, // HK-RES-02
  memoryBurstRatioRule, // HK-RES-04
  priorityClassRule, // HK-RES-07
  secretEnvLiteralsRule, // HK-SCR-01
  configMapSecretsRule, // HK-SCR-02
  duplicateEnvRule, // HK-SCR-05
  secretValuesRule, // HK-SCR-06
  privilegedContainerRule, // HK-SEC-01
  allowPrivilegeEscalationRule, // HK-SEC-02
  runAsNonRootRule, // HK-SEC-03
  runAsUserRule, // HK-SEC-04
  dropAllCapabilitiesRule, // HK-SEC-06
  addedCapabilitiesRule, // HK-SEC-07
  readOnlyRootFilesystemRule, // HK-SEC-08
  seccompProfileRule, // HK-SEC-09
  hostNamespacesRule, // HK-SEC-10
  hostPortsRule, // HK-SEC-11
  hostPathVolumesRule, // HK-SEC-12
  automountServiceAccountTokenRule, // HK-SEC-20
  credentialsInConfigRule, // HK-X-01
  serviceLinksRule, // HK-X-02
  startupCommandsRule, // HK-X-07
  entrypointContractsRule, // HK-X-08
  rwoRolloutStrategyRule, // HK-X-15
];
