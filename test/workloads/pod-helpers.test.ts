import { AppSize, AppWorkload, k8s } from '../../lib';
import { restrictedContainerSecurityContext, rootContainerSecurityContext } from '../../lib/workloads/security-context';
import { containerResources, resolveResources, resourceRequirements } from '../../lib/workloads/size';
import { newVault, vaultNamespace } from '../security/vault/helpers';
import { errorOf, one, synth } from '../helpers';

const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v) => (v instanceof k8s.Quantity ? v.value : v)));

describe('container security contexts', () => {
  test('restricted: the given non-root ids, read-only root, no privilege or escalation, every capability dropped', () => {
    expect(restrictedContainerSecurityContext(100, 1000)).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, privileged: false, capabilities: { drop: ['ALL'] },
    });
  });

  test('root node agents: uid and gid 0 and nothing more, capabilities added only when asked', () => {
    const base = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false };
    expect(rootContainerSecurityContext()).toEqual({ ...base, capabilities: { drop: ['ALL'] } });
    expect(rootContainerSecurityContext(['SYS_ADMIN'])).toEqual({ ...base, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } });
  });

  test('the app pattern and Vault (server, config copy, schema Job) run the same restricted context', () => {
    const ns = vaultNamespace();
    newVault(ns);
    new AppWorkload(ns, 'web', { image: 'ghcr.io/example/app:1.2.3', size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] });
    const objs = synth(ns);
    const vault = one(objs, 'StatefulSet', 'vault').spec.template.spec;
    const job = objs.find((o) => o.kind === 'Job').spec.template.spec;
    expect([vault.containers[0].securityContext, vault.initContainers[0].securityContext]).toEqual([restrictedContainerSecurityContext(100, 1000), restrictedContainerSecurityContext(100, 1000)]);
    expect(job.containers[0].securityContext).toEqual(restrictedContainerSecurityContext(70, 70));
    expect(one(objs, 'Deployment', 'web').spec.template.spec.containers[0].securityContext).toEqual(restrictedContainerSecurityContext(10001, 10001));
  });
});

describe('container resources', () => {
  test('from quantity strings', () => {
    expect(plain(resourceRequirements({ cpu: '10m', memory: '16Mi' }, { memory: '32Mi' }))).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } });
    expect(plain(resourceRequirements({}, {}))).toEqual({ requests: {}, limits: {} });
  });

  test('from parsed resources, as written, with a CPU limit only when given', () => {
    expect(plain(containerResources(resolveResources('t', 'resources', { cpu: '0.1', memory: '256Mi', memoryLimit: '0.5Gi' }))))
      .toEqual({ requests: { cpu: '0.1', memory: '256Mi' }, limits: { memory: '0.5Gi' } });
    expect(plain(containerResources(resolveResources('t', 'resources', { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi', cpuLimit: '1' }))))
      .toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi', cpu: '1' } });
  });

  test('resolveResources names a path when the construct does not exist yet (Velero parses before its Namespace exists)', () => {
    expect(errorOf(() => resolveResources('lab/velero', 'serverResources', { cpu: '100m', memory: '0', memoryLimit: '1Gi' })))
      .toBe('[lab/velero] serverResources.memory = "0": a memory request of zero lets the scheduler over-commit the node. Fix: request what the app uses at rest, e.g. "64Mi"');
  });
});
