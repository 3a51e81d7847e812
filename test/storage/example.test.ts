import { App } from 'cdk8s';
import { EXAMPLES } from '../../examples';
import { buildLonghornTiers } from '../../examples/longhorn-tiers/main';
import { createValidator } from '../schema/validator';

describe('example: longhorn-tiers', () => {
  const cluster = buildLonghornTiers(new App());
  const r = cluster.synthesize();

  test('is registered, synthesizes without errors and validates', () => {
    expect(EXAMPLES.find((e) => e.name === 'longhorn-tiers')?.build).toBe(buildLonghornTiers);
    expect(r.errors).toEqual([]);
    const v = createValidator();
    expect(r.objects.flatMap((o) => v.validate(o.manifest))).toEqual([]);
  });

  test('the claim the README shows', () => {
    const pvc = r.objects.find((o) => o.manifest.kind === 'PersistentVolumeClaim')!.manifest;
    expect([pvc.metadata.name, pvc.spec.storageClassName, pvc.metadata.labels!['recurring-job.longhorn.io/source'], pvc.metadata.labels!['recurring-job-group.longhorn.io/daily'], pvc.metadata.labels!['recurring-job-group.longhorn.io/hourly']])
      .toEqual(['postgres-data', 'longhorn-nvme', 'enabled', 'enabled', 'enabled']);
    expect(r.report.find((s) => s.title === 'Storage tiers')!.lines).toContain('| nvme | longhorn-nvme (default) | 3 | small-1, small-2, big | 2600Gi | 20Gi × 3 = 60Gi | 2% |');
  });
});
