// Pulumi entry point (Pulumi.yaml `main`). See index.ts and README.md.
import { program } from './index';

const out = program();
export const url = out.url;
export const redirectUrl = out.redirectUrl;
export const objectCount = out.objectCount;
export const secrets = out.secrets;
