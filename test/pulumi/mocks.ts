import * as pulumi from '@pulumi/pulumi';

/** Every resource registration the mocks saw. */
export const registered: pulumi.runtime.MockResourceArgs[] = [];

/** Installs Pulumi mocks that record registrations (project `hardened-homelab`, stack `test`). */
export async function installMocks(): Promise<void> {
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      registered.push(args);
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
  }, 'hardened-homelab', 'test', false);
}

/** Waits until every registration has reached the mocks. */
export async function settle(): Promise<void> {
  await (pulumi.runtime as any).waitForRPCs();
}

/** Sets the program's config (all values under the project namespace; `secrets` as a secret). */
export function setConfig(values: Record<string, unknown>): void {
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) all[`hardened-homelab:${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(all, 'secrets' in values ? ['hardened-homelab:secrets'] : []);
}

/** `apiVersion/kind/namespace/name` of a manifest. */
export function keyOf(m: any): string {
  return `${m.apiVersion}/${m.kind}/${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;
}
