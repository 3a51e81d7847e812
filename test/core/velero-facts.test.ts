import { CHECKSUM_ALGORITHM_SINCE, CRC32_DEFAULT_SINCE, CRON_TZ_SINCE, NAMESPACE_GLOBS_SINCE } from '../../lib';
import { NO_DEFAULT_LOCATION, VELERO_FACTS, secondDefaultLocation, veleroHas } from '../../lib/core/velero-facts';
import { includeGlobsSupported } from '../../lib/policies/rules/backup/_shared';

describe('VELERO_FACTS', () => {
  test('one table: the backup patterns\' exported constants are its values', () => {
    expect([CRON_TZ_SINCE, NAMESPACE_GLOBS_SINCE, CHECKSUM_ALGORITHM_SINCE, CRC32_DEFAULT_SINCE]).toEqual(['v1.18.1', 'v1.18.0', 'v1.9.2', 'v1.9.1']);
    expect(Object.entries(VELERO_FACTS).map(([k, f]) => [k, f.component, f.since])).toEqual([
      ['cronTimeZone', 'velero', 'v1.18.1'],
      ['namespaceGlobs', 'velero', 'v1.18.0'],
      ['crc32Checksums', 'velero-plugin-for-aws', 'v1.9.1'],
      ['checksumAlgorithmKey', 'velero-plugin-for-aws', 'v1.9.2'],
    ]);
  });

  test.each([
    ['cronTimeZone', 'v1.18.0', false], ['cronTimeZone', 'v1.18.1-rc.1', false], ['cronTimeZone', 'v1.18.1', true], ['cronTimeZone', '1.19.0', true],
    ['namespaceGlobs', 'v1.17.2', false], ['namespaceGlobs', 'v1.18.0', true],
    ['crc32Checksums', 'v1.9.0', false], ['crc32Checksums', 'v1.9.1', true],
    ['checksumAlgorithmKey', 'v1.9.1', false], ['checksumAlgorithmKey', 'v1.9.2', true], ['checksumAlgorithmKey', 'v1.12.2', true],
    // a tag that is not a version is not trusted to have anything
    ['cronTimeZone', 'main', false], ['checksumAlgorithmKey', 'sha-1a2b3c', false],
  ] as const)('veleroHas(%s, %s) = %s', (feature, version, expected) => {
    expect(veleroHas(feature, version)).toBe(expected);
  });

  test('the backup policies read the same facts', () => {
    expect([includeGlobsSupported('v1.17.2'), includeGlobsSupported('v1.18.0'), includeGlobsSupported('main')]).toEqual([false, true, false]);
  });
});

describe('default location wording', () => {
  test('no default, and a second default on the construct (here) or named by a rule', () => {
    expect(NO_DEFAULT_LOCATION).toEqual({ rule: 'none of them is the default, so backups that name no location fail validation', fix: 'set `default: true` on exactly one of them' });
    expect(secondDefaultLocation('minio-local')).toEqual({ rule: 'minio-local is already the default BackupStorageLocation; Velero needs exactly one', fix: 'remove `default: true` here or from minio-local' });
    expect(secondDefaultLocation('minio-local', 'b2').fix).toBe('remove `default: true` from b2 or from minio-local');
  });
});
