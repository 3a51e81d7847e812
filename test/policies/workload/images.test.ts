import { RuleLevel } from '../../../lib/policies/rule';
import { imageTagRule } from '../../../lib/policies/rules/workload';
import { parseImage as parse } from '../../../lib/policies/rules/workload/_shared';
import { container, deployment, found, service, workload } from '../fixtures';

const E = RuleLevel.ERROR;

function withImage(image: string | undefined) {
  return deployment('web', 'apps', { containers: [container({ image })] });
}

describe('image references', () => {
  test('a registry port is not a tag', () => {
    expect(parse('10.43.170.72:5000/x:1.0')).toEqual({ repository: '10.43.170.72:5000/x', tag: '1.0', digest: undefined });
    expect(parse('10.43.170.72:5000/x')).toEqual({ repository: '10.43.170.72:5000/x', digest: undefined });
    expect(parse('ghcr.io/a/b:1.2@sha256:abc')).toEqual({ repository: 'ghcr.io/a/b', tag: '1.2', digest: 'sha256:abc' });
  });
});

describe('HK-IMG-01 image tag', () => {
  test('compliant baseline, registry with port, digest', () => {
    expect(found(imageTagRule, deployment())).toEqual([]);
    expect(found(imageTagRule, withImage('10.43.170.72:5000/x:1.0'))).toEqual([]);
    expect(found(imageTagRule, withImage(`nvcr.io/nvidia/k8s/dcgm-exporter@sha256:${'a'.repeat(64)}`))).toEqual([]);
  });
  test('flags an untagged image, even behind a registry port', () => {
    expect(found(imageTagRule, withImage('10.43.170.72:5000/x')))
      .toEqual([[E, 'container "app" image "10.43.170.72:5000/x" has no tag or digest (it means :latest)']]);
  });
  test('flags latest and other floating tags', () => {
    expect(found(imageTagRule, withImage('qdrant/qdrant:latest'))).toEqual([[E, 'container "app" image "qdrant/qdrant:latest" uses the floating tag "latest"']]);
    expect(found(imageTagRule, workload('CronJob', 'backup', 'apps', { initContainers: [container({ name: 'wait', image: 'bitnami/kubectl:stable' })] })))
      .toEqual([[E, 'init container "wait" image "bitnami/kubectl:stable" uses the floating tag "stable"']]);
  });
  test('flags a missing image', () => {
    expect(found(imageTagRule, withImage(undefined))).toEqual([[E, 'container "app" has no image']]);
  });
  test('not applicable to a Service', () => expect(found(imageTagRule, service())).toEqual([]));
});
