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
  test('flags tags that move without saying so: no version number, a bare major, a "-latest" version (the cortex and homelab images)', () => {
    for (const image of ['nginx:alpine', '10.43.170.72:5000/youtube-ingestion:cached', 'ghcr.io/hotio/whisparr:v3', 'redis:7-alpine', 'postgres:16', 'checkmk/check-mk-raw:2.4.0-latest', 'x/y:3.1-nightly']) {
      const tag = image.slice(image.lastIndexOf(':') + 1);
      expect(found(imageTagRule, withImage(image))).toEqual([[E, `container "app" image "${image}" uses the floating tag "${tag}"`]]);
    }
    for (const image of ['redis:7.2.5-alpine', 'elasticsearch:8.14', 'x/y:2026.01.15', 'x/y:3.3.5-3.4.0-ubuntu22.04', 'x/y:v1.16.2', 'x/y:2.4.0p14']) {
      expect(found(imageTagRule, withImage(image))).toEqual([]);
    }
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
