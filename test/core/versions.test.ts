import { Charts, ImageRef, Images, imageReference } from '../../lib/core/versions';

const FLOATING = /^(latest|main|master|rolling|stable|edge|nightly)$/i;
const BARE_MAJOR = /^v?\d+$/;

describe('imageReference', () => {
  test('writes repository:tag', () => {
    expect(imageReference({ repository: 'ghcr.io/home-operations/sonarr', tag: '4.0.16.2942' })).toBe('ghcr.io/home-operations/sonarr:4.0.16.2942');
  });

  test('appends @digest when there is one', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(imageReference({ repository: 'docker.io/library/redis', tag: '7.2.5-alpine', digest })).toBe(`docker.io/library/redis:7.2.5-alpine@${digest}`);
  });

  test('keeps a registry port in the repository', () => {
    expect(imageReference(Images.cortexMoeRouter)).toBe('10.43.170.72:5000/cortex-moe-router:2026.01.15');
  });
});

describe('pinned images', () => {
  const images = Object.entries(Images) as [string, ImageRef][];

  test('there are pinned images', () => {
    expect(images.length).toBeGreaterThan(0);
  });

  test.each(images)('%s does not use a floating tag', (_name, ref) => {
    expect(ref.tag).not.toMatch(FLOATING);
    expect(ref.tag).not.toMatch(BARE_MAJOR);
    expect(ref.tag.trim()).not.toBe('');
  });

  test.each(images)('%s names its registry explicitly', (_name, ref) => {
    const host = ref.repository.split('/')[0];
    expect(ref.repository).toContain('/');
    expect(host).toMatch(/[.:]/);
  });

  test.each(images)('%s has a sha256 digest if it has one at all', (_name, ref) => {
    if (ref.digest !== undefined) {
      expect(ref.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  test('the floating-tag check itself catches floating tags', () => {
    for (const tag of ['latest', 'Latest', 'main', 'master', 'rolling', 'stable', 'edge', 'nightly', 'v3', '3']) {
      expect(FLOATING.test(tag) || BARE_MAJOR.test(tag)).toBe(true);
    }
    for (const tag of ['v1.7.4', '7.2.5-alpine', '2026.01.15', '1.36.1']) {
      expect(FLOATING.test(tag) || BARE_MAJOR.test(tag)).toBe(false);
    }
  });
});

describe('pinned charts', () => {
  test.each(Object.entries(Charts))('%s pins an exact version from an https or oci repository', (_name, ref) => {
    expect(ref.version).toMatch(/^v?\d+\.\d+\.\d+/);
    expect(ref.repositoryUrl).toMatch(/^(https|oci):\/\//);
  });
});
