import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError, show } from '../core/errors';
import { LabelKeys, MANAGED_BY } from '../core/labels';
import { markAppBoundary, uniqueId } from '../core/tree';
import { validateDnsLabel } from '../core/names';
import { requireSecret } from '../core/secrets';
import { VolumeSnapshotLocation as VolumeSnapshotLocationObject } from '../imports/velero.io';
import { SecretKeyReference } from './backup-storage-location';
import { Velero } from './velero';

/** Props of {@link VolumeSnapshotLocation}. */
export interface VolumeSnapshotLocationProps {
  /**
   * The volume-snapshotter plugin, e.g. `aws` (EBS volumes). Not `csi`: since Velero 1.14 CSI
   * snapshots are built in and use no VolumeSnapshotLocation (a VolumeSnapshotClass labelled
   * `velero.io/csi-volumesnapshot-class: "true"` instead).
   */
  readonly provider: string;
  /** Plugin settings (`region`, …); string values only. @default {} */
  readonly config?: Record<string, string>;
  /** Credentials Secret for the snapshot API. @default - the plugin's own (e.g. the node's IAM role) */
  readonly credential?: SecretKeyReference;
}

/**
 * A Velero VolumeSnapshotLocation, for native volume snapshotter plugins (cloud block volumes).
 * Longhorn, NFS and local volumes have none: back them up with file-system backups (the
 * ladder's default) or CSI snapshots with data movement.
 *
 * Refuses provider `csi`: the seed cluster declared `VolumeSnapshotLocation longhorn-csi`
 * (provider csi), which makes every snapshotting backup look for a volume snapshotter plugin
 * named `velero.io/csi` that does not exist.
 */
export class VolumeSnapshotLocation extends Construct {
  /** The location's name (the construct id). */
  public readonly name: string;
  /** The rendered VolumeSnapshotLocation. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: VolumeSnapshotLocationProps) {
    super(scope, uniqueId(scope, id));
    Velero.require(this, 'VolumeSnapshotLocation');
    // an app folder of the namespace, so the GitOps engine applies it after the chart's CRDs
    markAppBoundary(this, 'locations');
    this.name = ValidationError.within(this, 'id', () => validateDnsLabel(id));
    const provider = props.provider;
    if (/^(velero\.io\/)?csi$/.test(provider ?? '')) {
      throw new ValidationError(this, {
        prop: 'provider', value: provider,
        rule: 'CSI snapshots are built into Velero since 1.14 and take no VolumeSnapshotLocation; one with provider csi fails every snapshotting backup ("unable to locate VolumeSnapshotter plugin named velero.io/csi")',
        fix: 'remove the location; for CSI snapshots label a VolumeSnapshotClass of the driver with velero.io/csi-volumesnapshot-class: "true", or use file-system backups',
      });
    }
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[a-z0-9-]+)?$/.test(provider ?? '')) {
      throw new ValidationError(this, { prop: 'provider', value: provider, rule: 'not a plugin name', fix: 'use the plugin\'s provider name, e.g. "aws"' });
    }
    for (const [k, v] of Object.entries(props.config ?? {})) {
      if (typeof v !== 'string') {
        throw new ValidationError(this, { prop: `config.${k}`, value: v, rule: 'VolumeSnapshotLocation config values are strings (the CRD field is a string map)', fix: `quote it: ${show(String(v))}` });
      }
    }
    if (props.credential) {
      requireSecret(this, { name: props.credential.name, keys: { [props.credential.key ?? 'cloud']: { description: `credentials for the ${provider} volume snapshotter` } } });
    }
    this.resource = new VolumeSnapshotLocationObject(this, 'Resource', {
      metadata: { name: this.name, labels: { [LabelKeys.NAME]: 'velero', [LabelKeys.MANAGED_BY]: MANAGED_BY } },
      spec: {
        provider,
        config: props.config && Object.keys(props.config).length ? { ...props.config } : undefined,
        credential: props.credential ? { name: props.credential.name, key: props.credential.key ?? 'cloud' } : undefined,
      },
    });
  }
}
