import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import { Cluster } from '../cluster/cluster';
import { ValidationError } from '../core/errors';
import { validateDnsLabel } from '../core/names';
import { isIpv4 } from '../core/profile';
import { Memory } from '../core/quantity';
import { uniqueId } from '../core/tree';
import { AccessMode, AppVolume } from '../workloads/volume';

/** Props of {@link NfsVolume}. */
export interface NfsVolumeProps {
  /** NFS server address or host name, e.g. `192.168.10.100`. */
  readonly server: string;
  /** Exported path, e.g. `/mnt/nvme_storage/sonarr`. */
  readonly path: string;
  /** Capacity recorded on the PV and requested by the claim, e.g. `100Mi`. */
  readonly size: string;
  /** @default AccessMode.READ_WRITE_MANY */
  readonly accessMode?: AccessMode;
  /** @default ['nfsvers=4.1', 'hard'] */
  readonly mountOptions?: string[];
}

/**
 * A static NFS export as a PersistentVolume (reclaim policy `Retain`, pre-bound to its claim
 * with `claimRef`) and the PersistentVolumeClaim that binds it by `volumeName`. Pre-binding
 * both sides means a deleted and re-created claim binds the same volume again instead of
 * leaving it `Released` (the homelab's claimRef surgery after its outage). Pods mount the claim,
 * never an inline `nfs:` volume.
 *
 * The PV goes to the Cluster's cluster-scoped chart; the claim lives where this construct is.
 */
export class NfsVolume extends Construct {
  /** The claim name (the construct id). */
  public readonly claimName: string;
  /** The PersistentVolume name (`<namespace>-<claim>`). */
  public readonly volumeName: string;
  /** The claim as a volume source for apps. */
  public readonly volume: AppVolume;

  constructor(scope: Construct, id: string, props: NfsVolumeProps) {
    super(scope, uniqueId(scope, id));
    this.claimName = ValidationError.within(this, 'id', () => validateDnsLabel(id));
    const namespace = Chart.of(this).namespace;
    const cluster = Cluster.of(this);
    if (!namespace || !cluster) {
      throw new ValidationError(this, { prop: 'scope', value: scope.node.path, rule: 'an NFS volume needs a Namespace inside a Cluster', fix: 'create it inside a Namespace' });
    }
    if (!isIpv4(props.server) && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(props.server)) {
      throw new ValidationError(this, { prop: 'server', value: props.server, rule: 'not an IPv4 address or host name', fix: 'use the NFS server\'s address, e.g. "192.168.10.100"' });
    }
    if (!props.path.startsWith('/')) {
      throw new ValidationError(this, { prop: 'path', value: props.path, rule: 'an NFS export path is absolute', fix: `use "/${props.path}"` });
    }
    const size = ValidationError.within(this, 'size', () => Memory.parse(props.size));
    if (size.bytes === 0) {
      throw new ValidationError(this, { prop: 'size', value: props.size, rule: 'a volume must have a size above zero', fix: 'give the export\'s usable size, e.g. "100Gi"' });
    }
    const accessMode = props.accessMode ?? AccessMode.READ_WRITE_MANY;
    this.volumeName = `${namespace}-${this.claimName}`;
    const storage = { storage: k8s.Quantity.fromString(size.toString()) };
    new k8s.KubePersistentVolume(cluster.clusterChart, `NfsPv-${this.volumeName}`, {
      metadata: { name: this.volumeName },
      spec: {
        capacity: storage,
        accessModes: [accessMode],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        mountOptions: [...(props.mountOptions ?? ['nfsvers=4.1', 'hard'])],
        nfs: { server: props.server, path: props.path },
        claimRef: { namespace, name: this.claimName },
      },
    });
    new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: this.claimName },
      spec: { accessModes: [accessMode], storageClassName: '', volumeName: this.volumeName, resources: { requests: storage } },
    });
    this.volume = AppVolume.existingClaim(this.claimName, { accessMode });
  }
}
