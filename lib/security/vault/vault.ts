import { createHash } from 'crypto';
import { Chart, Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import { ValidationError } from '../../core/errors';
import { addExemption, addExemptions } from '../../core/exemptions';
import { AnnotationKeys, recommendedLabels, selectorLabels } from '../../core/labels';
import { validateDnsLabel, validateDnsSubdomain, validateLabels } from '../../core/names';
import { ClusterProfile, parseCidr, validateToleration } from '../../core/profile';
import { Cpu, Memory } from '../../core/quantity';
import { registerQuotaConsumer } from '../../core/quota';
import { validateReason } from '../../core/reasons';
import { markAppBoundary, uniqueId } from '../../core/tree';
import { Images, imageReference, parseImageReference } from '../../core/versions';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy, CertificateSpecUsages } from '../../imports/cert-manager.io';
import { Criticality, PRIORITY_CLASSES } from '../../workloads/criticality';
import { EnvValue } from '../../workloads/env';
import { Namespace } from '../../workloads/namespace';
import { IServiceEndpoint, ServicePortRef, servicePort } from '../../workloads/service-ref';
import { API_SERVER_PORTS, IAdmitsPeers, admitsPeers, egressTo, ingressFrom, tcpPorts } from '../../workloads/network-peer';
import { restrictedContainerSecurityContext } from '../../workloads/security-context';
import { ResourceProps, Resources, containerResources, resolveResources, resourceRequirements } from '../../workloads/size';
import { ResolvedVaultStorage, VAULT_API_PORT, VAULT_CLUSTER_PORT, VAULT_DATA_DIR, VAULT_TLS_DIR, VaultLogFormat, VaultLogLevel, connectionStringError, mlockError, redact, vaultConfigBody } from './config';
import { HclBlock, HclValue, renderHcl } from './hcl';
import { VAULT_DEFAULT_HA_TABLE, VAULT_DEFAULT_KV_TABLE, VaultSecretKeyRef, VaultPostgresqlStorageOptions, VaultRaftStorageOptions, vaultPostgresqlSchemaSql } from './storage';
import { VaultStorage } from './storage';
import { VaultCertManagerTlsOptions, VaultTls } from './tls';

/** How a changed pod template reaches the running Vault pods. */
export enum VaultUpdateStrategy {
  /**
   * Pods are replaced only when deleted. Upgrade by deleting the standby pods first, one at a
   * time, waiting for each to be unsealed and Ready, then the active pod (a standby takes
   * over). This is the upstream chart's default.
   */
  ON_DELETE = 'OnDelete',
  /**
   * The StatefulSet controller replaces pods from the highest ordinal down, one at a time,
   * waiting for each to be Ready. A restarted pod comes back sealed, so this suits
   * auto-unseal (`seal` blocks in `extraBlocks`) only: with Shamir keys the rollout stalls
   * at the first pod until someone unseals it.
   */
  ROLLING_UPDATE = 'RollingUpdate',
}

/** A client allowed to reach Vault's API port. An `AppWorkload` is one. */
export interface VaultClient {
  /** The client's namespace. */
  readonly namespace: string;
  /** The client's pod labels. @default - every pod of the namespace */
  readonly podSelector?: Readonly<Record<string, string>>;
}

/** Where Vault's pods reach the Kubernetes API server (for `service_registration "kubernetes"`). */
export interface VaultKubernetesApi {
  /**
   * Address ranges of the API server endpoints (the control-plane node IPs; NetworkPolicies
   * see the endpoint after the `kubernetes` Service is translated).
   * @default ['0.0.0.0/0'] - any address, on `ports` only
   */
  readonly cidrs?: string[];
  /** Endpoint ports. @default [443, 6443] (kubeadm/managed and K3s/kubeadm API server ports) */
  readonly ports?: number[];
}

/** Props of {@link Vault}. */
export interface VaultProps {
  /** The storage backend: `VaultStorage.postgresql({...})` or `VaultStorage.raft({...})`. */
  readonly storage: VaultStorage;
  /** The listener's TLS: `VaultTls.certManager({ issuer })`, or `VaultTls.disabled(reason)`. No default. */
  readonly tls: VaultTls;
  /**
   * Vault servers. Each runs on its own node (required pod anti-affinity on
   * `kubernetes.io/hostname`), so at most as many as the profile has nodes that can run them.
   * @default 3
   */
  readonly replicas?: number;
  /** @default imageReference(Images.vault) */
  readonly image?: string;
  /** Requests and limits of the Vault container. @default { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi' } */
  readonly resources?: ResourceProps;
  /** Serve the web UI (`ui`). @default true */
  readonly ui?: boolean;
  /** @default VaultLogLevel.INFO */
  readonly logLevel?: VaultLogLevel;
  /** @default VaultLogFormat.STANDARD */
  readonly logFormat?: VaultLogFormat;
  /**
   * `disable_mlock`. mlock needs the IPC_LOCK capability, which the restricted Pod Security
   * profile refuses and which a non-root process without privilege escalation cannot use, so
   * Vault would fail to start ("Failed to lock memory"). Keep swap off on the nodes instead
   * (the kubelet's default).
   * @default true - the only accepted value
   */
  readonly disableMlock?: boolean;
  /** @default VaultUpdateStrategy.ON_DELETE */
  readonly updateStrategy?: VaultUpdateStrategy;
  /**
   * More top-level config attributes, e.g. `{ default_lease_ttl: '768h', cluster_name: 'lab' }`.
   * Attributes the construct owns (storage, listener, mlock, addresses, ui, logging) and
   * credentials are refused.
   * @default {}
   */
  readonly extraConfig?: Record<string, HclValue>;
  /**
   * More config blocks, e.g. `HclBlock.of('seal', ['transit'], {...})` or
   * `HclBlock.of('telemetry', [], { disable_hostname: true })`. Credentials go in `env` from
   * Secrets (e.g. `VAULT_TOKEN` for the transit seal), never here.
   * @default []
   */
  readonly extraBlocks?: HclBlock[];
  /** More environment variables of the Vault container (Secrets by reference). @default {} */
  readonly env?: Record<string, EnvValue>;
  /** Clients allowed to reach the API port (see also {@link Vault.allowFrom}). @default [] */
  readonly allowFrom?: VaultClient[];
  /** @default Criticality.CRITICAL */
  readonly criticality?: Criticality;
  /** Node labels the pods require (checked against the profile). @default {} */
  readonly nodeSelector?: Record<string, string>;
  /** @default [] */
  readonly tolerations?: k8s.Toleration[];
  /** The API server endpoints for the egress NetworkPolicy. @default - see VaultKubernetesApi */
  readonly kubernetesApi?: VaultKubernetesApi;
  /** More policy exemptions of the StatefulSet, `{ ruleId: reason }`. @default {} */
  readonly exemptions?: Record<string, string>;
}

const DEFAULT_RESOURCES: ResourceProps = { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi' };
/** uid and gid of the official image's `vault` user and group. */
const VAULT_UID = 100;
const VAULT_GID = 1000;
/** uid and gid of the postgres alpine image's `postgres` user (libpq needs a passwd entry). */
const POSTGRES_UID = 70;
const CONFIG_FILE = 'vault.hcl';
const CONFIG_DIR = '/vault/config';
const CONFIG_SOURCE_DIR = '/vault/config-source';
const SCHEMA_FILE = 'schema.sql';
/** The label Vault's Kubernetes service registration sets on the active pod. */
export const VAULT_ACTIVE_LABEL = 'vault-active';

const MANAGED_ENV = new Set([
  'VAULT_K8S_POD_NAME', 'VAULT_K8S_NAMESPACE', 'VAULT_API_ADDR', 'VAULT_CLUSTER_ADDR', 'VAULT_ADDR', 'VAULT_CACERT', 'SKIP_CHOWN',
  'SKIP_SETCAP', 'HOME', 'VAULT_PG_CONNECTION_URL', 'VAULT_RAFT_NODE_ID',
]);
const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,39}$/;
const MI = 2 ** 20;

/**
 * A HashiCorp Vault cluster as a StatefulSet, hardened against every crash of the HMCo
 * `vault-prod` deployment (seed 002):
 *
 * - config built from typed options and rendered to HCL in a ConfigMap, copied by an init
 *   container into a writable emptyDir, with `SKIP_CHOWN`/`SKIP_SETCAP` so the entrypoint
 *   never chowns a read-only mount, a read-only root filesystem and uid 100;
 * - `disable_mlock = true` (no IPC_LOCK);
 * - PostgreSQL storage with `ha_enabled`, the URL only from a Secret through
 *   `VAULT_PG_CONNECTION_URL`, and a Job that creates the tables the backend never creates;
 *   or Raft storage with a claim per pod;
 * - per-pod `VAULT_API_ADDR`/`VAULT_CLUSTER_ADDR`, `service_registration "kubernetes"` with a
 *   Role limited to its own pods, and `<name>-active`/`<name>-standby` Services on the label
 *   it sets;
 * - a TLS listener from a cert-manager Certificate whose SANs cover every Service and
 *   127.0.0.1;
 * - `/v1/sys/health` probes (ready when unsealed, alive while serving), required pod
 *   anti-affinity, a PodDisruptionBudget and NetworkPolicies.
 *
 * Create it inside a {@link Namespace}. It is also a Service endpoint: clients reference it
 * like an app (`EnvValue.serviceUrl(vault, { scheme: 'https' })`) and are let in with
 * {@link allowFrom}.
 */
export class Vault extends Construct implements IServiceEndpoint, IAdmitsPeers {
  /** The base name (construct id): the StatefulSet, the `vault` Service and the prefix of the rest. */
  public readonly name: string;
  public readonly namespace: string;
  public readonly replicas: number;
  /** Requests and limits of one Vault pod's main container. */
  public readonly resources: Resources;
  /** Labels of the Vault pods used by the Services, the PDB and the NetworkPolicies. */
  public readonly podSelector: Readonly<Record<string, string>>;
  /** `https` or `http` (when TLS is disabled). */
  public readonly scheme: 'https' | 'http';
  /** The rendered Vault configuration (the ConfigMap's `vault.hcl`). */
  public readonly config: string;
  /** The StatefulSet. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The `<name>` Service (ready, i.e. unsealed, pods). */
  public readonly service: k8s.KubeService;
  /** The listener Certificate, when TLS comes from cert-manager. */
  public readonly certificate?: Certificate;
  /** The schema bootstrap Job, with PostgreSQL storage. */
  public readonly schemaJob?: k8s.KubeJob;
  private readonly clients: VaultClient[] = [];
  private readonly apiPortName: string;

  constructor(scope: Construct, id: string, props: VaultProps) {
    super(scope, uniqueId(scope, id));
    this.name = ValidationError.within(this, 'id', () => validateDnsLabel(id, 40));
    const chart = Chart.of(this);
    if (!chart.namespace) {
      throw new ValidationError(this, { prop: 'scope', value: chart.node.path, rule: 'Vault must live in a namespace', fix: "create it inside a Namespace: `new Vault(new Namespace(cluster, 'vault'), 'vault', {...})`" });
    }
    this.namespace = chart.namespace;
    const profile = ClusterProfile.of(this);
    markAppBoundary(this, this.name);

    // --- replicas and placement
    this.replicas = props.replicas ?? 3;
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      throw new ValidationError(this, { prop: 'replicas', value: props.replicas, rule: 'must be a whole number of at least 1', fix: 'use 3 for HA (one active, two standbys), or 1 for a single server' });
    }
    const nodeSelector = { ...(props.nodeSelector ?? {}) };
    ValidationError.within(this, 'nodeSelector', () => validateLabels(nodeSelector));
    if (props.tolerations !== undefined && !Array.isArray(props.tolerations)) {
      throw new ValidationError(this, { prop: 'tolerations', value: props.tolerations, rule: 'a list of tolerations', fix: 'write tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }]' });
    }
    const tolerations = [...(props.tolerations ?? [])];
    tolerations.forEach((t, i) => ValidationError.within(this, `tolerations[${i}]`, () => validateToleration(t)));
    const eligible = profile.nodes.filter((n) => n.tolerates(tolerations) && Object.entries(nodeSelector).every(([k, v]) => n.labels[k] === v));
    if (this.replicas > eligible.length) {
      const which = eligible.length ? ` (${eligible.map((n) => n.name).join(', ')})` : '';
      throw new ValidationError(this, {
        prop: 'replicas', value: this.replicas,
        rule: `the required pod anti-affinity puts every Vault pod on its own node, and only ${eligible.length} node${eligible.length === 1 ? '' : 's'} of the ${profile.name} profile can run them${which}, so ${this.replicas - eligible.length} pod${this.replicas - eligible.length === 1 ? ' would' : 's would'} stay Pending`,
        fix: eligible.length > 0
          ? `use at most ${eligible.length} replica${eligible.length === 1 ? '' : 's'}, add nodes to the profile, or tolerate the taints / relax the nodeSelector that exclude the others`
          : 'tolerate the node taints or fix the nodeSelector so that some node can run Vault',
      });
    }

    // --- resources, image
    this.resources = resolveResources(this, 'resources', props.resources ?? DEFAULT_RESOURCES);
    // an unpinned image is HK-IMG-01's finding on the StatefulSet
    const image = props.image ?? imageReference(Images.vault);
    const tag = parseImageReference(image).tag;
    const criticality = props.criticality ?? Criticality.CRITICAL;

    // --- mlock
    if (props.disableMlock === false) {
      throw mlockError(this, 'disableMlock', false);
    }

    // --- TLS
    if (props.tls === undefined || !(props.tls instanceof VaultTls)) {
      throw new ValidationError(this, {
        prop: 'tls', value: props.tls,
        rule: 'TLS is required unless explicitly turned off: without it tokens and secrets cross the network in clear text',
        fix: "pass tls: VaultTls.certManager({ issuer: { name: 'my-ca', kind: 'ClusterIssuer' } }), or VaultTls.disabled('<why>')",
      });
    }
    const tlsSpec = props.tls._spec;
    let tls: VaultCertManagerTlsOptions | undefined;
    let tlsDisabledReason: string | undefined;
    if (tlsSpec.kind === 'disabled') {
      tlsDisabledReason = validateReason(this, 'tls', tlsSpec.reason, {
        needs: 'turning TLS off needs',
        fix: 'say why plain HTTP is acceptable here, e.g. "lab cluster, WireGuard between all nodes", or use VaultTls.certManager',
      });
    } else {
      tls = this.validateTls(tlsSpec.options);
    }
    this.scheme = tls ? 'https' : 'http';
    this.apiPortName = this.scheme;
    const caFile = tls && tls.caInSecret !== false ? `${VAULT_TLS_DIR}/ca.crt` : undefined;

    // --- storage
    const storage = this.resolveStorage(props.storage);
    const ha = storage.kind === 'raft' || storage.ha;
    if (this.replicas > 1 && !ha) {
      throw new ValidationError(this, {
        prop: 'storage.haEnabled', value: false,
        rule: `${this.replicas} Vault servers on one PostgreSQL table without ha_enabled would each act as the active node and overwrite each other's writes`,
        fix: 'keep haEnabled (the default), or run a single replica',
      });
    }

    // --- names and labels
    const internalService = `${this.name}-internal`;
    const internalHost = `${internalService}.${this.namespace}.svc`;
    this.podSelector = selectorLabels(this.name);
    const labels = recommendedLabels({ name: this.name, version: tag, component: 'server' });
    const podNames = Array.from({ length: this.replicas }, (_, i) => `${this.name}-${i}`);

    // --- config
    const configBody = vaultConfigBody(this, props, storage, tls, podNames.map((p) => `${this.scheme}://${p}.${internalHost}:${VAULT_API_PORT}`), ha);
    this.config = ValidationError.within(this, 'config', () => renderHcl(configBody));
    const checksum = createHash('sha256').update(this.config).digest('hex');
    new k8s.KubeConfigMap(this, 'Config', { metadata: { name: `${this.name}-config`, labels }, data: { [CONFIG_FILE]: this.config } });

    // --- env
    const env: k8s.EnvVar[] = [
      { name: 'VAULT_K8S_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'VAULT_K8S_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'VAULT_API_ADDR', value: `${this.scheme}://$(VAULT_K8S_POD_NAME).${internalHost}:${VAULT_API_PORT}` },
      { name: 'VAULT_CLUSTER_ADDR', value: `https://$(VAULT_K8S_POD_NAME).${internalHost}:${VAULT_CLUSTER_PORT}` },
      { name: 'VAULT_ADDR', value: `${this.scheme}://127.0.0.1:${VAULT_API_PORT}` },
      ...(caFile ? [{ name: 'VAULT_CACERT', value: caFile }] : []),
      { name: 'SKIP_CHOWN', value: 'true' },
      { name: 'SKIP_SETCAP', value: 'true' },
      { name: 'HOME', value: '/home/vault' },
      ...(storage.kind === 'postgresql'
        ? [{ name: 'VAULT_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: storage.options.connectionUrl.secretName, key: storage.options.connectionUrl.key } } }]
        : [{ name: 'VAULT_RAFT_NODE_ID', value: '$(VAULT_K8S_POD_NAME)' }]),
      ...this.userEnv(props.env ?? {}),
    ];

    // --- pod
    const apiPort = { name: this.apiPortName, containerPort: VAULT_API_PORT, protocol: 'TCP' };
    const clusterPort = { name: 'cluster', containerPort: VAULT_CLUSTER_PORT, protocol: 'TCP' };
    const scheme = this.scheme === 'https' ? 'HTTPS' : 'HTTP';
    // alive while the process serves HTTP, whatever its seal state: restarting a sealed pod only seals it again
    const alive = '/v1/sys/health?standbyok=true&perfstandbyok=true&sealedcode=204&uninitcode=204';
    // ready when unsealed (active or standby); sealed (503) and uninitialized (501) pods get no traffic
    const ready = '/v1/sys/health?standbyok=true&perfstandbyok=true';
    const probe = (path: string, periodSeconds: number, failureThreshold: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString(this.apiPortName), scheme },
      periodSeconds, failureThreshold, timeoutSeconds: 3,
    });
    const containerSecurity = restrictedContainerSecurityContext(VAULT_UID, VAULT_GID);
    const volumes: k8s.Volume[] = [
      { name: 'config-source', configMap: { name: `${this.name}-config` } },
      { name: 'config', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
      ...(tls ? [{ name: 'tls', secret: { secretName: `${this.name}-tls`, defaultMode: 0o440 } }] : []),
      { name: 'home', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
    ];
    const mounts: k8s.VolumeMount[] = [
      { name: 'config', mountPath: CONFIG_DIR },
      ...(tls ? [{ name: 'tls', mountPath: VAULT_TLS_DIR, readOnly: true }] : []),
      ...(storage.kind === 'raft' ? [{ name: 'data', mountPath: VAULT_DATA_DIR }] : []),
      { name: 'home', mountPath: '/home/vault' },
      { name: 'tmp', mountPath: '/tmp' },
    ];
    const serviceRegistration = ha;
    const podSpec: k8s.PodSpec = {
      serviceAccountName: this.name,
      automountServiceAccountToken: serviceRegistration,
      enableServiceLinks: false,
      priorityClassName: PRIORITY_CLASSES[criticality].name,
      securityContext: {
        runAsNonRoot: true, runAsUser: VAULT_UID, runAsGroup: VAULT_GID, fsGroup: VAULT_GID, fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { ...this.podSelector } }, topologyKey: 'kubernetes.io/hostname' }],
        },
      },
      nodeSelector: Object.keys(nodeSelector).length ? nodeSelector : undefined,
      tolerations: tolerations.length ? tolerations : undefined,
      initContainers: [{
        name: 'copy-config',
        image,
        imagePullPolicy: 'IfNotPresent',
        command: ['cp', `${CONFIG_SOURCE_DIR}/${CONFIG_FILE}`, `${CONFIG_DIR}/${CONFIG_FILE}`],
        resources: resourceRequirements({ cpu: '10m', memory: '16Mi' }, { memory: '32Mi' }),
        securityContext: containerSecurity,
        volumeMounts: [{ name: 'config-source', mountPath: CONFIG_SOURCE_DIR, readOnly: true }, { name: 'config', mountPath: CONFIG_DIR }],
      }],
      containers: [{
        name: 'vault',
        image,
        imagePullPolicy: 'IfNotPresent',
        args: ['server'],
        ports: [apiPort, clusterPort],
        env,
        resources: containerResources(this.resources),
        securityContext: containerSecurity,
        volumeMounts: mounts,
        startupProbe: probe(alive, 5, 24),
        readinessProbe: probe(ready, 5, 2),
        livenessProbe: probe(alive, 10, 3),
      }],
      volumes,
    };

    // --- service account and service registration RBAC
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: this.name, labels }, automountServiceAccountToken: false });
    if (serviceRegistration) {
      new k8s.KubeRole(this, 'ServiceRegistrationRole', {
        metadata: { name: `${this.name}-service-registration`, labels },
        rules: [{ apiGroups: [''], resources: ['pods'], resourceNames: podNames, verbs: ['get', 'update', 'patch'] }],
      });
      new k8s.KubeRoleBinding(this, 'ServiceRegistrationRoleBinding', {
        metadata: { name: `${this.name}-service-registration`, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${this.name}-service-registration` },
        subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
      });
    }

    // --- StatefulSet
    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: this.name, labels },
      spec: {
        replicas: this.replicas,
        serviceName: internalService,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: props.updateStrategy ?? VaultUpdateStrategy.ON_DELETE },
        selector: { matchLabels: { ...this.podSelector } },
        template: {
          metadata: { labels, annotations: { [AnnotationKeys.CRITICALITY]: criticality, 'checksum/config': checksum } },
          spec: podSpec,
        },
        volumeClaimTemplates: storage.kind === 'raft' ? [{
          metadata: { name: 'data', labels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: storage.options.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(storage.size.toString()) } },
          },
        }] : undefined,
        persistentVolumeClaimRetentionPolicy: storage.kind === 'raft' ? { whenDeleted: 'Retain', whenScaled: 'Retain' } : undefined,
      },
    });
    if (serviceRegistration) {
      addExemption(this.statefulSet, 'HK-SEC-20', 'service_registration "kubernetes" labels the pod through the API (Role limited to get/update/patch of its own pods)');
    }
    if (tlsDisabledReason !== undefined) {
      this.statefulSet.metadata.addAnnotation('hardened-homelab.io/vault-tls-disabled', tlsDisabledReason);
    }
    addExemptions(this.statefulSet, props.exemptions);

    // --- Services
    const servicePortOf = (p: { name: string; containerPort: number }): k8s.ServicePort => ({ name: p.name, port: p.containerPort, targetPort: k8s.IntOrString.fromString(p.name), protocol: 'TCP' });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: { type: 'ClusterIP', selector: { ...this.podSelector }, ports: [servicePortOf(apiPort)] },
    });
    new k8s.KubeService(this, 'InternalService', {
      metadata: { name: internalService, labels },
      spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: { ...this.podSelector }, ports: [servicePortOf(apiPort), servicePortOf(clusterPort)] },
    });
    if (serviceRegistration) {
      for (const [role, active] of [['active', 'true'], ['standby', 'false']] as const) {
        const svc = new k8s.KubeService(this, role === 'active' ? 'ActiveService' : 'StandbyService', {
          metadata: { name: `${this.name}-${role}`, labels },
          spec: { type: 'ClusterIP', selector: { ...this.podSelector, [VAULT_ACTIVE_LABEL]: active }, ports: [servicePortOf(apiPort), ...(active === 'true' ? [servicePortOf(clusterPort)] : [])] },
        });
        addExemption(svc, 'HK-NET-04', `selects ${VAULT_ACTIVE_LABEL}=${active}, which Vault's Kubernetes service registration sets on its pods at run time`);
      }
    }

    // --- Certificate
    if (tls) {
      const dnsNames: string[] = [];
      for (const svc of [this.name, `${this.name}-active`, `${this.name}-standby`, internalService, `*.${internalService}`]) {
        dnsNames.push(svc, `${svc}.${this.namespace}`, `${svc}.${this.namespace}.svc`, `${svc}.${this.namespace}.svc.cluster.local`);
      }
      for (const extra of tls.extraDnsNames ?? []) {
        if (!dnsNames.includes(extra)) dnsNames.push(extra);
      }
      this.certificate = new Certificate(this, 'Certificate', {
        metadata: { name: `${this.name}-tls`, labels },
        spec: {
          secretName: `${this.name}-tls`,
          issuerRef: { name: tls.issuer.name, kind: tls.issuer.kind ?? 'ClusterIssuer', group: tls.issuer.group ?? 'cert-manager.io' },
          dnsNames,
          ipAddresses: ['127.0.0.1'],
          privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256, rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
          usages: [CertificateSpecUsages.DIGITAL_SIGNATURE, CertificateSpecUsages.KEY_ENCIPHERMENT, CertificateSpecUsages.SERVER_AUTH],
        },
      });
    }

    // --- PodDisruptionBudget
    if (this.replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata: { name: this.name, labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...this.podSelector } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
    }

    // --- NetworkPolicies
    for (const c of props.allowFrom ?? []) this.allowFrom(c);
    const self = { namespace: this.namespace, podSelector: this.podSelector };
    const peerPorts = [VAULT_API_PORT, VAULT_CLUSTER_PORT];
    const egress: k8s.NetworkPolicyEgressRule[] = [egressTo(self, peerPorts)];
    if (storage.kind === 'postgresql') {
      egress.push(egressTo(storage.options.server, [storage.port]));
    }
    if (serviceRegistration) {
      egress.push(this.apiServerEgress(props.kubernetesApi));
    }
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels },
      spec: {
        podSelector: { matchLabels: { ...this.podSelector } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({
          produce: () => [ingressFrom(self, peerPorts), ...this.clients.map((c) => ingressFrom(c, [VAULT_API_PORT]))],
        }) as any,
        egress,
      },
    });
    // a server that opens its own ingress (an AppWorkload) admits Vault's pods
    if (storage.kind === 'postgresql' && admitsPeers(storage.options.server)) {
      storage.options.server.allowFrom({ namespace: this.namespace, podSelector: this.podSelector }, storage.port);
    }

    // --- PostgreSQL schema bootstrap
    if (storage.kind === 'postgresql' && storage.bootstrap) {
      this.schemaJob = this.schemaBootstrap(storage, criticality);
    }

    // the StatefulSet's pods and the schema Job count toward the namespace's ResourceQuota
    registerQuotaConsumer(this, () => ({
      cpu: Cpu.millis(this.resources.cpu.millis * this.replicas + (this.schemaJob ? 10 : 0)),
      memory: Memory.fromBytes(this.resources.memory.bytes * this.replicas + (this.schemaJob ? 32 * MI : 0)),
      memoryLimit: Memory.fromBytes(this.resources.memoryLimit.bytes * this.replicas + (this.schemaJob ? 64 * MI : 0)),
    }));
  }

  /** The Service name (`<name>`). */
  public get serviceName(): string {
    return this.name;
  }

  /** The `<name>` Service's port: the API port, named `https` (or `http` without TLS). */
  public get servicePorts(): readonly ServicePortRef[] {
    return [{ name: this.apiPortName, port: VAULT_API_PORT }];
  }

  /** `<name>.<namespace>.svc.cluster.local` (covered by the certificate). */
  public get host(): string {
    return `${this.name}.${this.namespace}.svc.cluster.local`;
  }

  /** `https://<name>.<namespace>.svc.cluster.local:8200`: the address clients use (`VAULT_ADDR`). */
  public get address(): string {
    return `${this.scheme}://${this.host}:${VAULT_API_PORT}`;
  }

  /**
   * Lets `client`'s pods connect to Vault's API port, the only port clients use (a `port`, as
   * IAdmitsPeers passes it, is not needed). An AppWorkload that references Vault through an
   * `EnvValue` calls this itself (with its egress rule); other clients need this call.
   */
  public allowFrom(client: VaultClient, _port?: number): void {
    ValidationError.within(this, 'allowFrom.namespace', () => validateDnsLabel(client.namespace));
    if (client.podSelector !== undefined) ValidationError.within(this, 'allowFrom.podSelector', () => validateLabels(client.podSelector as Record<string, string>));
    const key = JSON.stringify([client.namespace, client.podSelector ?? null]);
    if (!this.clients.some((c) => JSON.stringify([c.namespace, c.podSelector ?? null]) === key)) {
      this.clients.push({ namespace: client.namespace, podSelector: client.podSelector ? { ...client.podSelector } : undefined });
    }
  }

  private validateTls(o: VaultCertManagerTlsOptions): VaultCertManagerTlsOptions {
    if (!o || !o.issuer) {
      throw new ValidationError(this, { prop: 'tls.issuer', value: undefined, rule: 'the certificate needs an issuer', fix: "pass issuer: { name: 'my-ca', kind: 'ClusterIssuer' }" });
    }
    ValidationError.within(this, 'tls.issuer.name', () => validateDnsSubdomain(o.issuer.name));
    if (o.issuer.kind !== undefined && o.issuer.kind !== 'Issuer' && o.issuer.kind !== 'ClusterIssuer') {
      throw new ValidationError(this, { prop: 'tls.issuer.kind', value: o.issuer.kind, rule: 'a cert-manager issuer is an Issuer or a ClusterIssuer', fix: "use 'ClusterIssuer' or 'Issuer'" });
    }
    if (o.extraDnsNames !== undefined && !Array.isArray(o.extraDnsNames)) {
      throw new ValidationError(this, { prop: 'tls.extraDnsNames', value: o.extraDnsNames, rule: 'a list of host names', fix: 'write extraDnsNames: ["vault.example.net"]' });
    }
    (o.extraDnsNames ?? []).forEach((n, i) => {
      ValidationError.within(this, `tls.extraDnsNames[${i}]`, () => validateDnsSubdomain(typeof n === 'string' && n.startsWith('*.') ? n.slice(2) : n));
    });
    return o;
  }

  private resolveStorage(storage: VaultStorage | undefined): ResolvedVaultStorage {
    if (!(storage instanceof VaultStorage)) {
      throw new ValidationError(this, { prop: 'storage', value: storage, rule: 'a storage backend is required', fix: 'pass storage: VaultStorage.postgresql({ connectionUrl, server }) or VaultStorage.raft({ storageClassName })' });
    }
    const spec = storage._spec;
    if (spec.kind === 'raft') {
      const o = spec.options ?? ({} as VaultRaftStorageOptions);
      ValidationError.within(this, 'storage.storageClassName', () => validateDnsSubdomain(o.storageClassName));
      const size = ValidationError.within(this, 'storage.size', () => Memory.parse(o.size ?? '10Gi'));
      if (size.bytes < 1024 * MI) {
        throw new ValidationError(this, { prop: 'storage.size', value: o.size, rule: 'a Raft data claim below 1Gi fills up with snapshots and logs', fix: 'use at least "1Gi" (the default is "10Gi")' });
      }
      return { kind: 'raft', options: o, size };
    }
    const o = (spec.options ?? {}) as VaultPostgresqlStorageOptions & Record<string, unknown>;
    for (const wrong of ['connection_string', 'connectionString']) {
      if (wrong in o) {
        throw connectionStringError(this, `storage.${wrong}`, o[wrong]);
      }
    }
    for (const literal of ['connection_url', 'connectionURL', 'url']) {
      if (literal in o) {
        throw new ValidationError(this, {
          prop: `storage.${literal}`, value: redact(o[literal]),
          rule: 'the PostgreSQL connection URL holds the database password, so it never goes into the config (the seed kept it in the vault-config ConfigMap)',
          fix: "put the URL in a Secret and pass connectionUrl: { secretName: 'vault-postgres', key: 'connection-url' }; Vault reads it from VAULT_PG_CONNECTION_URL",
        });
      }
    }
    const ref = o.connectionUrl as VaultSecretKeyRef | undefined;
    if (ref === undefined || typeof ref !== 'object' || typeof ref.secretName !== 'string' || typeof ref.key !== 'string') {
      throw new ValidationError(this, {
        prop: 'storage.connectionUrl', value: typeof ref === 'string' ? redact(ref) : ref,
        rule: 'PostgreSQL storage needs the Secret key that holds the connection URL (Vault reads it from VAULT_PG_CONNECTION_URL; the URL is never written to the config)',
        fix: "pass connectionUrl: { secretName: 'vault-postgres', key: 'connection-url' } and create that Secret with the URL, e.g. postgres://vault:<password>@postgres.data:5432/vault?sslmode=require",
      });
    }
    ValidationError.within(this, 'storage.connectionUrl.secretName', () => validateDnsSubdomain(ref.secretName));
    if (!/^[-._a-zA-Z0-9]+$/.test(ref.key)) {
      throw new ValidationError(this, { prop: 'storage.connectionUrl.key', value: ref.key, rule: 'a Secret key consists of alphanumerics, "-", "_" or "."', fix: 'use e.g. "connection-url"' });
    }
    if (!o.server || typeof o.server.serviceName !== 'string' || !Array.isArray(o.server.servicePorts)) {
      throw new ValidationError(this, {
        prop: 'storage.server', value: o.server,
        rule: 'the PostgreSQL Service is needed for the NetworkPolicies of Vault and of the schema Job',
        fix: "pass the Postgres app, or ExternalService.fromProfile(scope, 'data-platform', 'postgres-shared-service') after declaring it in profile.externalServices",
      });
    }
    const port = ValidationError.within(this, 'storage.serverPort', () => servicePort(o.server, o.serverPort));
    const table = o.table ?? VAULT_DEFAULT_KV_TABLE;
    const haTable = o.haTable ?? VAULT_DEFAULT_HA_TABLE;
    for (const [prop, value] of [['storage.table', table], ['storage.haTable', haTable]] as const) {
      if (typeof value !== 'string' || !SQL_IDENTIFIER.test(value)) {
        throw new ValidationError(this, { prop, value, rule: 'not a plain SQL identifier (lower-case letters, digits and "_", at most 40 characters, not starting with a digit)', fix: `use a name like "${VAULT_DEFAULT_KV_TABLE}"` });
      }
    }
    if (table === haTable) {
      throw new ValidationError(this, { prop: 'storage.haTable', value: haTable, rule: 'the HA lock table must differ from the key/value table', fix: `use "${VAULT_DEFAULT_HA_TABLE}"` });
    }
    for (const [prop, value] of [['storage.maxParallel', o.maxParallel], ['storage.maxIdleConnections', o.maxIdleConnections]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new ValidationError(this, { prop, value, rule: 'must be a whole number of at least 1', fix: 'leave it out for Vault\'s default' });
      }
    }
    return { kind: 'postgresql', options: o, table, haTable, ha: o.haEnabled ?? true, port, bootstrap: o.bootstrapSchema ?? true };
  }

  private userEnv(env: Record<string, EnvValue>): k8s.EnvVar[] {
    return Object.entries(env).map(([name, value]) => {
      const prop = `env.${name}`;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new ValidationError(this, { prop, value: name, rule: 'not a portable environment variable name', fix: 'use letters, digits and "_", not starting with a digit' });
      }
      if (MANAGED_ENV.has(name)) {
        throw new ValidationError(this, { prop, value: name, rule: 'the construct sets this variable', fix: 'remove it; the typed props (storage, tls) control it' });
      }
      if (!(value instanceof EnvValue)) {
        throw new ValidationError(this, { prop, value, rule: 'not an EnvValue', fix: 'use EnvValue.fromSecret(name, key) for credentials, EnvValue.of(value) for plain values' });
      }
      ValidationError.within(this, prop, () => value._validate());
      // a literal credential here is judged on the StatefulSet like anywhere else (HK-SCR-01, HK-X-01)
      return value._render(name) as unknown as k8s.EnvVar;
    });
  }

  private apiServerEgress(api: VaultKubernetesApi | undefined): k8s.NetworkPolicyEgressRule {
    const cidrs = api?.cidrs ?? ['0.0.0.0/0'];
    const ports = api?.ports ?? [...API_SERVER_PORTS];
    for (const [key, list] of [['cidrs', cidrs], ['ports', ports]] as const) {
      if (!Array.isArray(list)) {
        throw new ValidationError(this, { prop: `kubernetesApi.${key}`, value: list, rule: 'a list', fix: key === 'cidrs' ? 'write cidrs: ["192.168.10.10/32"]' : 'write ports: [6443]' });
      }
    }
    if (cidrs.length === 0) {
      throw new ValidationError(this, { prop: 'kubernetesApi.cidrs', value: cidrs, rule: 'service registration needs to reach the API server', fix: 'list the control-plane node addresses, e.g. ["192.168.10.10/32"], or leave cidrs out' });
    }
    cidrs.forEach((c, i) => {
      if (!parseCidr(c)) {
        throw new ValidationError(this, { prop: `kubernetesApi.cidrs[${i}]`, value: c, rule: 'not an IPv4 CIDR', fix: 'write it like "192.168.10.10/32"' });
      }
    });
    ports.forEach((p, i) => {
      if (!Number.isInteger(p) || p < 1 || p > 65535) {
        throw new ValidationError(this, { prop: `kubernetesApi.ports[${i}]`, value: p, rule: 'a port must be a whole number from 1 to 65535', fix: 'use 6443 (K3s, kubeadm) or 443' });
      }
    });
    return {
      to: cidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: tcpPorts(ports),
    };
  }

  private schemaBootstrap(storage: Extract<ResolvedVaultStorage, { kind: 'postgresql' }>, criticality: Criticality): k8s.KubeJob {
    const jobName = `${this.name}-schema`;
    const sql = vaultPostgresqlSchemaSql(storage.table, storage.ha ? storage.haTable : undefined);
    const labels = recommendedLabels({ name: jobName, version: Images.postgresClient.tag, component: 'schema-bootstrap', partOf: this.name });
    const selector = selectorLabels(jobName);
    new k8s.KubeConfigMap(this, 'SchemaConfig', { metadata: { name: jobName, labels }, data: { [SCHEMA_FILE]: sql } });
    const image = imageReference(Images.postgresClient);
    const url = storage.options.connectionUrl;
    const security = restrictedContainerSecurityContext(POSTGRES_UID, POSTGRES_UID);
    const template: k8s.PodTemplateSpec = {
      metadata: { labels },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        priorityClassName: PRIORITY_CLASSES[criticality].name,
        securityContext: { runAsNonRoot: true, runAsUser: POSTGRES_UID, runAsGroup: POSTGRES_UID, fsGroup: POSTGRES_UID, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'psql',
          image,
          imagePullPolicy: 'IfNotPresent',
          command: ['psql'],
          args: ['--no-psqlrc', '--set=ON_ERROR_STOP=1', '--single-transaction', '--dbname=$(VAULT_PG_CONNECTION_URL)', `--file=/schema/${SCHEMA_FILE}`],
          env: [
            { name: 'VAULT_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: url.secretName, key: url.key } } },
            { name: 'PGCONNECT_TIMEOUT', value: '10' },
          ],
          resources: resourceRequirements({ cpu: '10m', memory: '32Mi' }, { memory: '64Mi' }),
          securityContext: security,
          volumeMounts: [{ name: 'schema', mountPath: '/schema', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
        }],
        volumes: [
          { name: 'schema', configMap: { name: jobName } },
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
        ],
      },
    };
    // A Job's pod template is immutable: the name carries a hash of what it runs, so a new
    // schema or image creates a new Job (the GitOps engine prunes the old one) instead of a
    // failed update.
    const hash = createHash('sha256').update(JSON.stringify({ sql, image, url })).digest('hex').slice(0, 8);
    const job = new k8s.KubeJob(this, 'SchemaJob', {
      metadata: { name: `${jobName}-${hash}`, labels },
      spec: { backoffLimit: 10, template },
    });
    new k8s.KubeNetworkPolicy(this, 'SchemaNetworkPolicy', {
      metadata: { name: jobName, labels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        egress: [egressTo(storage.options.server, [storage.port])],
      },
    });
    if (admitsPeers(storage.options.server)) {
      storage.options.server.allowFrom({ namespace: this.namespace, podSelector: selector }, storage.port);
    }
    return job;
  }
}

