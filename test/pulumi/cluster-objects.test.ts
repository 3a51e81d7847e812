import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { buildCortex } from '../../stacks/cortex';

// Under mocks a yaml/v2 ConfigGroup registers as one resource whose inputs.objs holds the objects.
describe('ClusterObjects (Pulumi)', () => {
  const registered: pulumi.runtime.MockResourceArgs[] = [];

  beforeAll(async () => {
    await pulumi.runtime.setMocks({
      newResource: (args) => {
        registered.push(args);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    }, 'hardened-homelab', 'test', false);
  });

  test('registers the synthesized objects of a cluster, unchanged, in one ConfigGroup under the component', async () => {
    const { ClusterObjects } = await import('../../lib/pulumi');
    const cluster = buildCortex(new App({ outdir: '/nonexistent' }));
    const expected = cluster.synthesize().objects.map((o) => o.manifest);
    const component = new ClusterObjects('cortex', { cluster });
    await new Promise<void>((resolve) => component.urn.apply(() => resolve()));
    await (pulumi.runtime as any).waitForRPCs?.();
    const groups = registered.filter((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup');
    expect(groups.map((g) => g.name)).toEqual(['cortex-objects']);
    expect(component.objectCount).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(40);
    expect(groups[0].inputs.objs).toEqual(expected);
    expect(registered.filter((r) => r.type === 'hardened-homelab:k8s:ClusterObjects').map((r) => r.name)).toEqual(['cortex']);
  });
});
