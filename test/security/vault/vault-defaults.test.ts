import { AppSize, AppWorkload, Cluster, EnvValue, Probe } from '../../../lib';
import { VAULT_ACTIVE_LABEL, VAULT_API_PORT, VAULT_CLUSTER_PORT } from '../../../lib/security/vault';
import { one, synth } from '../../helpers';
import { envOf, newVault, postgres, vaultContainer, vaultNamespace } from './helpers';

const SELECTOR = { 'app.kubernetes.io/name': 'vault', 'app.kubernetes.io/instance': 'vault' };
const LABELS = {
  'app.kubernetes.io/name': 'vault',
  'app.kubernetes.io/instance': 'vault',
  'app.kubernetes.io/component': 'server',
  'app.kubernetes.io/version': '1.20.4',
  'app.kubernetes.io/managed-by': 'hardened-homelab',
};

describe('Vault defaults (PostgreSQL storage, cert-manager TLS)', () => {
  const ns = vaultNamespace();
  const vault = newVault(ns);
  const objs = synth(ns);
  const sts = one(objs, 'StatefulSet', 'vault');
  const pod = sts.spec.template.spec;
  const c = vaultContainer(sts);

  test('a StatefulSet of 3 servers, parallel pod management, OnDelete updates, headless serviceName', () => {
    expect(sts.metadata.labels).toEqual(LABELS);
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(sts.spec.serviceName).toBe('vault-internal');
    expect(sts.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toBeUndefined();
    expect(vault.replicas).toBe(3);
  });

  test('required pod anti-affinity on the hostname', () => {
    expect(pod.affinity).toEqual({
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: SELECTOR }, topologyKey: 'kubernetes.io/hostname' }] },
    });
    expect(pod.nodeSelector).toBeUndefined();
    expect(pod.tolerations).toBeUndefined();
  });

  test('restricted pod: uid 100 / gid 1000 of the official image, critical priority, token for service registration only', () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.priorityClassName).toBe('workload-critical');
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.serviceAccountName).toBe('vault');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(sts.spec.template.metadata.annotations['hardened-homelab.io/criticality']).toBe('critical');
    expect(sts.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    expect(sts.spec.template.metadata.labels).toEqual(LABELS);
  });

  test('the Vault container: pinned image, `server`, no capabilities, read-only root, explicit resources', () => {
    expect(c.name).toBe('vault');
    expect(c.image).toBe('docker.io/hashicorp/vault:1.20.4');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.command).toBeUndefined();
    expect(c.args).toEqual(['server']);
    expect(c.ports).toEqual([
      { name: 'https', containerPort: 8200, protocol: 'TCP' },
      { name: 'cluster', containerPort: 8201, protocol: 'TCP' },
    ]);
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, privileged: false, capabilities: { drop: ['ALL'] },
    });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect(vault.resources.memory.toString()).toBe('256Mi');
  });

  test('env: per-pod addresses, SKIP_CHOWN/SKIP_SETCAP, the connection URL from the Secret', () => {
    expect(c.env).toEqual([
      { name: 'VAULT_K8S_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'VAULT_K8S_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'VAULT_API_ADDR', value: 'https://$(VAULT_K8S_POD_NAME).vault-internal.vault.svc:8200' },
      { name: 'VAULT_CLUSTER_ADDR', value: 'https://$(VAULT_K8S_POD_NAME).vault-internal.vault.svc:8201' },
      { name: 'VAULT_ADDR', value: 'https://127.0.0.1:8200' },
      { name: 'VAULT_CACERT', value: '/vault/tls/ca.crt' },
      { name: 'SKIP_CHOWN', value: 'true' },
      { name: 'SKIP_SETCAP', value: 'true' },
      { name: 'HOME', value: '/home/vault' },
      { name: 'VAULT_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'vault-postgres', key: 'connection-url' } } },
    ]);
  });

  test('probes on /v1/sys/health: ready when unsealed, alive whatever the seal state', () => {
    const alive = { path: '/v1/sys/health?standbyok=true&perfstandbyok=true&sealedcode=204&uninitcode=204', port: 'https', scheme: 'HTTPS' };
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/v1/sys/health?standbyok=true&perfstandbyok=true', port: 'https', scheme: 'HTTPS' }, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 3 });
    expect(c.livenessProbe).toEqual({ httpGet: alive, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 });
    expect(c.startupProbe).toEqual({ httpGet: alive, periodSeconds: 5, failureThreshold: 24, timeoutSeconds: 3 });
  });

  test('config: an init container copies the ConfigMap into a writable emptyDir at /vault/config', () => {
    expect(pod.initContainers).toEqual([{
      name: 'copy-config',
      image: 'docker.io/hashicorp/vault:1.20.4',
      imagePullPolicy: 'IfNotPresent',
      command: ['cp', '/vault/config-source/vault.hcl', '/vault/config/vault.hcl'],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, privileged: false, capabilities: { drop: ['ALL'] } },
      volumeMounts: [{ name: 'config-source', mountPath: '/vault/config-source', readOnly: true }, { name: 'config', mountPath: '/vault/config' }],
    }]);
    expect(c.volumeMounts).toEqual([
      { name: 'config', mountPath: '/vault/config' },
      { name: 'tls', mountPath: '/vault/tls', readOnly: true },
      { name: 'home', mountPath: '/home/vault' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'config-source', configMap: { name: 'vault-config' } },
      { name: 'config', emptyDir: { sizeLimit: '16Mi' } },
      { name: 'tls', secret: { secretName: 'vault-tls', defaultMode: 0o440 } },
      { name: 'home', emptyDir: { sizeLimit: '16Mi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
    ]);
  });

  test('the rendered HCL: mlock off, TLS listener, PostgreSQL with HA, Kubernetes service registration', () => {
    const cm = one(objs, 'ConfigMap', 'vault-config');
    expect(cm.metadata.labels).toEqual(LABELS);
    expect(Object.keys(cm.data)).toEqual(['vault.hcl']);
    expect(cm.data['vault.hcl']).toBe([
      'ui = true',
      'disable_mlock = true',
      'log_level = "info"',
      'log_format = "standard"',
      'listener "tcp" {',
      '  address = "0.0.0.0:8200"',
      '  cluster_address = "0.0.0.0:8201"',
      '  tls_cert_file = "/vault/tls/tls.crt"',
      '  tls_key_file = "/vault/tls/tls.key"',
      '  tls_min_version = "tls12"',
      '}',
      '',
      'storage "postgresql" {',
      '  table = "vault_kv_store"',
      '  ha_enabled = "true"',
      '  ha_table = "vault_ha_locks"',
      '}',
      '',
      'service_registration "kubernetes" {}',
      '',
    ].join('\n'));
    expect(vault.config).toBe(cm.data['vault.hcl']);
  });

  test('Services: ClusterIP for ready pods, headless for peers, active and standby on the vault-active label', () => {
    expect(one(objs, 'Service', 'vault').spec).toEqual({
      type: 'ClusterIP', selector: SELECTOR, ports: [{ name: 'https', port: 8200, targetPort: 'https', protocol: 'TCP' }],
    });
    expect(one(objs, 'Service', 'vault-internal').spec).toEqual({
      clusterIP: 'None', publishNotReadyAddresses: true, selector: SELECTOR,
      ports: [{ name: 'https', port: 8200, targetPort: 'https', protocol: 'TCP' }, { name: 'cluster', port: 8201, targetPort: 'cluster', protocol: 'TCP' }],
    });
    const active = one(objs, 'Service', 'vault-active');
    expect(active.spec).toEqual({
      type: 'ClusterIP', selector: { ...SELECTOR, 'vault-active': 'true' },
      ports: [{ name: 'https', port: 8200, targetPort: 'https', protocol: 'TCP' }, { name: 'cluster', port: 8201, targetPort: 'cluster', protocol: 'TCP' }],
    });
    expect(active.metadata.annotations).toEqual({ 'hardened-homelab.io/exemptions': '{"HK-NET-04":"selects vault-active=true, which Vault\'s Kubernetes service registration sets on its pods at run time"}' });
    const standby = one(objs, 'Service', 'vault-standby');
    expect(standby.spec).toEqual({ type: 'ClusterIP', selector: { ...SELECTOR, 'vault-active': 'false' }, ports: [{ name: 'https', port: 8200, targetPort: 'https', protocol: 'TCP' }] });
    expect(standby.metadata.annotations).toEqual({ 'hardened-homelab.io/exemptions': '{"HK-NET-04":"selects vault-active=false, which Vault\'s Kubernetes service registration sets on its pods at run time"}' });
    expect(VAULT_ACTIVE_LABEL).toBe('vault-active');
  });

  test('a cert-manager Certificate whose SANs cover every Service name form, the pod names and 127.0.0.1', () => {
    const cert = one(objs, 'Certificate', 'vault-tls');
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    const forms = (s: string) => [s, `${s}.vault`, `${s}.vault.svc`, `${s}.vault.svc.cluster.local`];
    expect(cert.spec).toEqual({
      secretName: 'vault-tls',
      issuerRef: { name: 'lab-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      dnsNames: [...forms('vault'), ...forms('vault-active'), ...forms('vault-standby'), ...forms('vault-internal'), ...forms('*.vault-internal')],
      ipAddresses: ['127.0.0.1'],
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'key encipherment', 'server auth'],
    });
    expect(vault.certificate).toBeDefined();
  });

  test('service registration RBAC: get/update/patch on its own pods only; a ServiceAccount without token', () => {
    expect(one(objs, 'ServiceAccount', 'vault').automountServiceAccountToken).toBe(false);
    expect(one(objs, 'Role', 'vault-service-registration').rules).toEqual([
      { apiGroups: [''], resources: ['pods'], resourceNames: ['vault-0', 'vault-1', 'vault-2'], verbs: ['get', 'update', 'patch'] },
    ]);
    const rb = one(objs, 'RoleBinding', 'vault-service-registration');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'vault-service-registration' });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'vault', namespace: 'vault' }]);
    expect(sts.metadata.annotations).toEqual({
      'hardened-homelab.io/exemptions': '{"HK-SEC-20":"service_registration \\"kubernetes\\" labels the pod through the API (Role limited to get/update/patch of its own pods)"}',
    });
  });

  test('a PodDisruptionBudget of maxUnavailable 1', () => {
    expect(one(objs, 'PodDisruptionBudget', 'vault').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: SELECTOR }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  test('NetworkPolicy: peers on 8200/8201, egress to PostgreSQL and the API server, no clients yet', () => {
    const np = one(objs, 'NetworkPolicy', 'vault');
    const self = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vault' } }, podSelector: { matchLabels: SELECTOR } };
    const peerPorts = [{ port: 8200, protocol: 'TCP' }, { port: 8201, protocol: 'TCP' }];
    expect(np.spec).toEqual({
      podSelector: { matchLabels: SELECTOR },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [self], ports: peerPorts }],
      egress: [
        { to: [self], ports: peerPorts },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }] },
      ],
    });
  });

  test('the schema Job: pinned psql, the DSN from the same Secret, the DDL from a ConfigMap, its own NetworkPolicy', () => {
    const jobs = objs.filter((o) => o.kind === 'Job');
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    expect(job.metadata.name).toMatch(/^vault-schema-[0-9a-f]{8}$/);
    expect(job.metadata.name).toBe(vault.schemaJob!.name);
    expect(job.spec.backoffLimit).toBe(10);
    const jobPod = job.spec.template.spec;
    expect(job.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'vault-schema', 'app.kubernetes.io/instance': 'vault-schema', 'app.kubernetes.io/component': 'schema-bootstrap',
      'app.kubernetes.io/part-of': 'vault', 'app.kubernetes.io/version': '17.4-alpine', 'app.kubernetes.io/managed-by': 'hardened-homelab',
    });
    expect(jobPod.restartPolicy).toBe('Never');
    expect(jobPod.automountServiceAccountToken).toBe(false);
    expect(jobPod.enableServiceLinks).toBe(false);
    expect(jobPod.priorityClassName).toBe('workload-critical');
    expect(jobPod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, fsGroup: 70, seccompProfile: { type: 'RuntimeDefault' } });
    expect(jobPod.containers).toEqual([{
      name: 'psql',
      image: 'docker.io/library/postgres:17.4-alpine',
      imagePullPolicy: 'IfNotPresent',
      command: ['psql'],
      args: ['--no-psqlrc', '--set=ON_ERROR_STOP=1', '--single-transaction', '--dbname=$(VAULT_PG_CONNECTION_URL)', '--file=/schema/schema.sql'],
      env: [
        { name: 'VAULT_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'vault-postgres', key: 'connection-url' } } },
        { name: 'PGCONNECT_TIMEOUT', value: '10' },
      ],
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, privileged: false, capabilities: { drop: ['ALL'] } },
      volumeMounts: [{ name: 'schema', mountPath: '/schema', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
    }]);
    expect(jobPod.volumes).toEqual([{ name: 'schema', configMap: { name: 'vault-schema' } }, { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }]);
    expect(one(objs, 'ConfigMap', 'vault-schema').data['schema.sql']).toContain('CREATE TABLE IF NOT EXISTS vault_ha_locks (');
    expect(one(objs, 'NetworkPolicy', 'vault-schema').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vault-schema', 'app.kubernetes.io/instance': 'vault-schema' } },
      policyTypes: ['Ingress', 'Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
    });
  });

  test('the Job name is stable, and changes with what it runs (Job templates are immutable)', () => {
    expect(newVault(vaultNamespace()).schemaJob!.name).toBe(vault.schemaJob!.name);
    const ns2 = vaultNamespace();
    const custom = newVault(ns2, { storage: postgres(ns2, { table: 'lab_kv' }) });
    expect(custom.schemaJob!.name).toMatch(/^vault-schema-[0-9a-f]{8}$/);
    expect(custom.schemaJob!.name).not.toBe(vault.schemaJob!.name);
  });

  test('the object set, by kind and name', () => {
    expect(objs.filter((o) => o.metadata.namespace === 'vault' && !['Namespace', 'ResourceQuota', 'LimitRange'].includes(o.kind) && !['default-deny', 'allow-dns'].includes(o.metadata.name))
      .map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Certificate/vault-tls',
      'ConfigMap/vault-config',
      'ConfigMap/vault-schema',
      `Job/${vault.schemaJob!.name}`,
      'NetworkPolicy/vault',
      'NetworkPolicy/vault-schema',
      'PodDisruptionBudget/vault',
      'Role/vault-service-registration',
      'RoleBinding/vault-service-registration',
      'Service/vault',
      'Service/vault-active',
      'Service/vault-internal',
      'Service/vault-standby',
      'ServiceAccount/vault',
      'StatefulSet/vault',
    ].sort());
  });
});

describe('Vault as a Service endpoint', () => {
  test('host, address and ports; clients reference it like an app and are let in with allowFrom', () => {
    const ns = vaultNamespace();
    const vault = newVault(ns);
    expect(vault.serviceName).toBe('vault');
    expect(vault.namespace).toBe('vault');
    expect(vault.servicePorts).toEqual([{ name: 'https', port: 8200 }]);
    expect(vault.host).toBe('vault.vault.svc.cluster.local');
    expect(vault.address).toBe('https://vault.vault.svc.cluster.local:8200');
    expect(vault.scheme).toBe('https');
    expect(VAULT_API_PORT).toBe(8200);
    expect(VAULT_CLUSTER_PORT).toBe(8201);
    expect(vault.podSelector).toEqual(SELECTOR);

    const app = new AppWorkload(ns, 'app', {
      image: 'ghcr.io/example/app:1.0.0', size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], healthCheck: Probe.httpGet('/healthz'),
      env: { VAULT_ADDR: EnvValue.serviceUrl(vault, { scheme: 'https' }) },
    });
    vault.allowFrom(app);
    vault.allowFrom(app); // deduplicated
    vault.allowFrom({ namespace: 'monitoring' });
    const objs = synth(ns);
    expect(envOf(one(objs, 'Deployment', 'app').spec.template.spec.containers[0]).VAULT_ADDR).toBe('https://vault.vault.svc.cluster.local:8200');
    expect(one(objs, 'NetworkPolicy', 'app').spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vault' } }, podSelector: { matchLabels: SELECTOR } }], ports: [{ port: 8200, protocol: 'TCP' }] },
    ]);
    expect(one(objs, 'NetworkPolicy', 'vault').spec.ingress.slice(1)).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vault' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/instance': 'app' } } }], ports: [{ port: 8200, protocol: 'TCP' }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 8200, protocol: 'TCP' }] },
    ]);
  });

  test('an app that references Vault through an EnvValue is let in without allowFrom (Vault opens its own ingress, like an app)', () => {
    const ns = vaultNamespace();
    const vault = newVault(ns);
    new AppWorkload(ns, 'app', {
      image: 'ghcr.io/example/app:1.0.0', size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], healthCheck: Probe.httpGet('/healthz'),
      env: { VAULT_ADDR: EnvValue.serviceUrl(vault, { scheme: 'https' }), VAULT_HOST: EnvValue.serviceHost(vault) },
    });
    expect(one(synth(ns), 'NetworkPolicy', 'vault').spec.ingress.slice(1)).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vault' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/instance': 'app' } } }], ports: [{ port: 8200, protocol: 'TCP' }] },
    ]);
  });

  test('the allowFrom prop does the same as the method', () => {
    const ns = vaultNamespace();
    newVault(ns, { allowFrom: [{ namespace: 'apps', podSelector: { app: 'x' } }] });
    expect(one(synth(ns), 'NetworkPolicy', 'vault').spec.ingress[1]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } }, podSelector: { matchLabels: { app: 'x' } } }],
      ports: [{ port: 8200, protocol: 'TCP' }],
    });
  });

  test('all its objects go to one app folder <namespace>/<name>', () => {
    const ns = vaultNamespace();
    newVault(ns);
    const s = Cluster.of(ns)!.synthesize();
    const mine = s.objects.filter((o) => o.path.startsWith('lab/vault/vault/'));
    expect(mine).toHaveLength(15);
    expect(new Set(mine.map((o) => `${o.folder}/${o.app}`))).toEqual(new Set(['vault/vault']));
  });
});
