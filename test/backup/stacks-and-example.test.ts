import { App } from 'cdk8s';
import { buildVeleroBackupLadder } from '../../examples/velero-backup-ladder/main';
import { buildCortex } from '../../stacks/cortex';
import { buildHomelab } from '../../stacks/homelab';
import { createValidator } from '../schema/validator';

const veleroObjects = (build: (app: App) => any) => {
  const s = build(new App({ outdir: '/nonexistent' })).synthesize();
  return { s, objs: s.objects.filter((o: any) => o.manifest.metadata?.namespace === 'velero').map((o: any) => o.manifest) };
};
const schedules = (objs: any[]) => objs.filter((o) => o.kind === 'Schedule').map((o) => [o.metadata.name, o.spec.schedule, o.spec.template.ttl, o.spec.template.storageLocation, o.spec.template.includedNamespaces, o.spec.paused]);

describe('homelab backups', () => {
  const { s, objs } = veleroObjects(buildHomelab);

  test('MinIO on the R730 is the default location, B2 off-site with the checksum turned off', () => {
    const bsl = (n: string) => objs.find((o: any) => o.kind === 'BackupStorageLocation' && o.metadata.name === n).spec;
    expect([bsl('minio-local').default, bsl('minio-local').config, bsl('minio-local').objectStorage]).toEqual([true, { region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: 'http://192.168.10.100:9000' }, { bucket: 'velero-backups', prefix: 'homelab' }]);
    expect([bsl('b2-offsite').default, bsl('b2-offsite').config.checksumAlgorithm, bsl('b2-offsite').objectStorage.bucket]).toEqual([false, '', 'k3s-cluster-backups']);
  });

  test('the critical ladder and the weekly all-namespaces backup, each at its own minute', () => {
    const present = objs.find((o: any) => o.metadata.name === 'critical-daily').spec.template.includedNamespaces;
    expect(schedules(objs)).toEqual([
      ['critical-hourly', '0 * * * *', '48h0m0s', 'minio-local', present, false],
      ['critical-daily', '10 2 * * *', '336h0m0s', 'minio-local', present, false],
      ['critical-weekly', '20 3 * * 0', '1344h0m0s', 'minio-local', present, false],
      ['critical-monthly-offsite', '30 4 1 * *', '8760h0m0s', 'b2-offsite', present, false],
      ['all-namespaces-weekly', '40 3 * * 0', '720h0m0s', 'b2-offsite', ['*'], false],
    ]);
    // the five critical namespaces, minus those the stack does not create (they wait in an annotation)
    const pending = objs.find((o: any) => o.metadata.name === 'critical-daily').metadata.annotations['hardened-homelab.io/pending-namespaces'];
    expect([...present, ...(pending ? pending.split(',') : [])].sort()).toEqual(['ai', 'authentik', 'flux-system', 'longhorn-system', 'media']);
    expect(present).toContain('flux-system');
    expect(present).toContain('media');
  });

  test('the media library is left out by a volume policy and exempt with a reason; everything else is covered', () => {
    const lib = s.findings.filter((f: any) => f.ruleId === 'HK-BAK-01');
    expect(lib.map((f: any) => [f.name, f.exemption])).toEqual([['media-library', '30 TiB media library on the R730 RAID (NFS /mnt/rust/media): re-downloadable, its data is skipped by the Velero volume policy']]);
    expect(s.findings.filter((f: any) => f.ruleId.startsWith('HK-BAK') && f.ruleId !== 'HK-BAK-01')).toEqual([]);
  });

  test('every Velero object validates', () => {
    const v = createValidator();
    expect(objs.flatMap((o: any) => v.validate(o))).toEqual([]);
  });
});

describe('cortex backups', () => {
  const { s, objs } = veleroObjects(buildCortex);
  test('one daily file-system backup of every namespace, through Argo CD', () => {
    expect(schedules(objs)).toEqual([['cluster-daily', '0 2 * * *', '336h0m0s', 'cortex-backups', ['*'], false]]);
    expect(s.objects.some((o: any) => o.manifest.kind === 'Application' && o.manifest.spec?.source?.chart === 'velero')).toBe(true);
  });
  test('Qdrant and Redis are covered; no backup finding without an exemption', () => {
    expect(s.findings.filter((f: any) => f.ruleId.startsWith('HK-BAK') && f.exemption === undefined)).toEqual([]);
    const rows = s.report.find((r: any) => r.title === 'Backup coverage')!.lines;
    expect(rows.filter((l: string) => /^\| cortex(-school)? \|/.test(l)).map((l: string) => l.split(' | ').slice(-1)[0])).toEqual(['covered |', 'covered |']);
  });
});

describe('example velero-backup-ladder', () => {
  const { s, objs } = veleroObjects(buildVeleroBackupLadder);
  test('synthesizes clean, with the schedules the README shows', () => {
    expect(s.errors).toEqual([]);
    expect(schedules(objs)).toEqual([
      ['wiki-hourly', '0 * * * *', '48h0m0s', 'nas-minio', ['wiki'], false],
      ['wiki-daily', '10 2 * * *', '336h0m0s', 'nas-minio', ['wiki'], false],
      ['wiki-weekly', '20 3 * * 0', '1344h0m0s', 'nas-minio', ['wiki'], false],
      ['wiki-monthly-offsite', '30 4 1 * *', '8760h0m0s', 'b2', ['wiki'], false],
    ]);
    const v = createValidator();
    expect(s.objects.flatMap((o: any) => v.validate(o.manifest))).toEqual([]);
  });
});
