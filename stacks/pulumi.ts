// Pulumi entry point (Pulumi.yaml `main`). See stacks/pulumi-program.ts and the README section
// "Provision with Pulumi".
import { program } from './pulumi-program';

const out = program();
export const objectCount = out.objectCount;
export const releases = out.releases;
export const secrets = out.secrets;
