import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { MAIN_AND_INIT, asArray, eachContainer, findContainerPort, portLabel } from './_shared';

const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'] as const;
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

/** HK-PRB-04: each probe targets a port the container declares. */
export const probePortsRule: PolicyRule = {
  id: 'HK-PRB-04',
  level: RuleLevel.ERROR,
  title: 'probe ports must be ports the container declares',
  explanation: 'A probe on a port name the container does not declare never resolves, and a probe on an undeclared number usually '
    + 'means the port was renamed or moved: the probe fails forever and the pod never becomes ready (or is restarted in a loop).',
  fix: 'make httpGet.port / tcpSocket.port / grpc.port name one of the container\'s ports[*].name, or equal one of its ports[*].containerPort',
  check: (m) => eachContainer(m, (ref) => {
    const declared = asArray(ref.container?.ports)
      .map((p) => (p?.name ? `${p.containerPort} "${p.name}"` : String(p?.containerPort)));
    const out: string[] = [];
    for (const probe of PROBES) {
      for (const handler of HANDLERS) {
        const action = ref.container?.[probe]?.[handler];
        if (!action) continue;
        const port = action.port;
        if (port === undefined && handler !== 'grpc') {
          out.push(`${containerLabel(ref)} ${probe} ${handler} has no port`);
          continue;
        }
        if (port === undefined || findContainerPort(ref.container, port)) continue;
        out.push(`${containerLabel(ref)} ${probe} targets port ${portLabel(port)}, which is not among its ports `
          + (declared.length ? `(${declared.join(', ')})` : '(it declares none)'));
      }
    }
    return out;
  }, MAIN_AND_INIT),
};
