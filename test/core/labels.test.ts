import { AnnotationKeys, LabelKeys, MANAGED_BY, labelValue, recommendedLabels, selectorLabels } from '../../lib/core/labels';

describe('recommendedLabels', () => {
  test('gives name, instance (defaulting to the name) and managed-by for a bare name', () => {
    expect(recommendedLabels({ name: 'sonarr' })).toEqual({
      'app.kubernetes.io/name': 'sonarr',
      'app.kubernetes.io/instance': 'sonarr',
      'app.kubernetes.io/managed-by': 'hardened-homelab',
    });
  });

  test('adds instance, component, part-of and version when given', () => {
    expect(recommendedLabels({ name: 'redis', instance: 'redis-cache', component: 'cache', partOf: 'cortex', version: '7.2.5-alpine' })).toEqual({
      'app.kubernetes.io/name': 'redis',
      'app.kubernetes.io/instance': 'redis-cache',
      'app.kubernetes.io/component': 'cache',
      'app.kubernetes.io/part-of': 'cortex',
      'app.kubernetes.io/version': '7.2.5-alpine',
      'app.kubernetes.io/managed-by': 'hardened-homelab',
    });
  });

  test('makes the version a valid label value', () => {
    expect(recommendedLabels({ name: 'x', version: 'v1.0+build/1' })[LabelKeys.VERSION]).toBe('v1.0_build_1');
  });

  test('leaves out empty optional values', () => {
    expect(Object.keys(recommendedLabels({ name: 'x', component: '', partOf: '', version: '' }))).toEqual([LabelKeys.NAME, LabelKeys.INSTANCE, LabelKeys.MANAGED_BY]);
  });

  test('makes component and part-of valid label values, as documented', () => {
    // "Values are trimmed to valid label values", but only the version is
    const labels = recommendedLabels({ name: 'x', component: 'web ui', partOf: 'Media Stack' });
    expect(labels[LabelKeys.COMPONENT]).toBe('web_ui');
    expect(labels[LabelKeys.PART_OF]).toBe('Media_Stack');
  });
});

describe('selectorLabels', () => {
  test('gives name and instance, the instance defaulting to the name', () => {
    expect(selectorLabels('sonarr')).toEqual({ 'app.kubernetes.io/name': 'sonarr', 'app.kubernetes.io/instance': 'sonarr' });
    expect(selectorLabels('redis', 'redis-cache')).toEqual({ 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'redis-cache' });
  });

  test('is a subset of the recommended labels', () => {
    expect(recommendedLabels({ name: 'redis', instance: 'a', component: 'cache', version: '1' })).toMatchObject(selectorLabels('redis', 'a'));
  });
});

describe('labelValue', () => {
  test('keeps a valid value', () => {
    expect(labelValue('4.0.16.2942')).toBe('4.0.16.2942');
    expect(labelValue('A-b_c.9')).toBe('A-b_c.9');
  });

  test('replaces invalid characters with underscores', () => {
    expect(labelValue('sha256:abc')).toBe('sha256_abc');
    expect(labelValue('a b/c')).toBe('a_b_c');
  });

  test('cuts to 63 characters', () => {
    expect(labelValue('a'.repeat(70))).toBe('a'.repeat(63));
  });

  test('trims non-alphanumeric characters at both ends, also after cutting', () => {
    expect(labelValue('-abc-')).toBe('abc');
    expect(labelValue('._x_.')).toBe('x');
    expect(labelValue(`${'a'.repeat(62)}.b`)).toBe('a'.repeat(62));
  });

  test('gives an empty value when nothing alphanumeric is left', () => {
    expect(labelValue('')).toBe('');
    expect(labelValue('__')).toBe('');
  });
});

describe('label and annotation keys', () => {
  test('are the documented keys', () => {
    expect(LabelKeys).toEqual({
      NAME: 'app.kubernetes.io/name',
      INSTANCE: 'app.kubernetes.io/instance',
      COMPONENT: 'app.kubernetes.io/component',
      PART_OF: 'app.kubernetes.io/part-of',
      VERSION: 'app.kubernetes.io/version',
      MANAGED_BY: 'app.kubernetes.io/managed-by',
    });
    expect(AnnotationKeys).toEqual({
      EXEMPTIONS: 'hardened-homelab.io/exemptions',
      AUTH: 'hardened-homelab.io/auth',
      FOOTPRINT: 'hardened-homelab.io/footprint',
      CRITICALITY: 'hardened-homelab.io/criticality',
      GPU_MEMORY: 'hardened-homelab.io/gpu-memory',
    });
    expect(MANAGED_BY).toBe('hardened-homelab');
  });
});
