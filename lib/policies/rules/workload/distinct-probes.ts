import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { MAIN_AND_INIT, eachContainer, findContainerPort, portLabel } from './_shared';

/** The probe target as a comparable key (named ports resolved to numbers), with a human description. */
function target(probe: any, container: unknown): { key: string; text: string } | undefined {
  const port = (p: unknown) => String(findContainerPort(container, p)?.containerPort ?? p);
  if (probe?.httpGet) {
    const path = probe.httpGet.path || '/';
    return { key: `http ${path} ${port(probe.httpGet.port)}`, text: `httpGet ${path} on port ${portLabel(probe.httpGet.port)}` };
  }
  if (probe?.tcpSocket) {
    return { key: `tcp ${port(probe.tcpSocket.port)}`, text: `tcpSocket on port ${portLabel(probe.tcpSocket.port)}` };
  }
  if (probe?.grpc) {
    return { key: `grpc ${port(probe.grpc.port)} ${probe.grpc.service ?? ''}`, text: `grpc on port ${portLabel(probe.grpc.port)}` };
  }
  if (probe?.exec) {
    const command = JSON.stringify(probe.exec.command ?? []);
    return { key: `exec ${command}`, text: `exec ${command}` };
  }
  return undefined;
}

/** HK-PRB-03: livenessProbe and readinessProbe do not check the same thing. */
export const distinctProbesRule: PolicyRule = {
  id: 'HK-PRB-03',
  level: RuleLevel.ERROR,
  title: 'livenessProbe and readinessProbe must check different things',
  explanation: 'Readiness answers "send me traffic?", liveness "restart me?". When both hit the same endpoint, a pod that is only '
    + 'busy or waiting for a dependency gets killed instead of taken out of rotation, and restarts cascade. The upstream '
    + 'DCGM exporter chart (deployed in the k3s homelab) ships identical /health probes.',
  fix: 'point the livenessProbe at a check of the process itself (e.g. /healthz) and the readinessProbe at a check of its readiness to serve (e.g. /ready)',
  check: (m) => eachContainer(m, (ref) => {
    const liveness = target(ref.container?.livenessProbe, ref.container);
    const readiness = target(ref.container?.readinessProbe, ref.container);
    return liveness && readiness && liveness.key === readiness.key
      ? `${containerLabel(ref)} uses the same check for livenessProbe and readinessProbe (${liveness.text})`
      : undefined;
  }, MAIN_AND_INIT),
};
