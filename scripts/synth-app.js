// The app the cdk8s CLI runs (cdk8s.yaml `app`). It bundles stacks/main.ts with esbuild into
// build/.synth/main.js (about 0.4 s) and runs the bundle: one file to load instead of
// transpiling several hundred modules at start-up, which is most of a cold `npm run synth`.
// Behaviour is the same as `tsx stacks/main.ts` (which still works for debugging).
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const outfile = path.join(root, 'build', '.synth', 'main.js');
esbuild.buildSync({
  entryPoints: [path.join(root, 'stacks', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['@pulumi/*'],
  sourcemap: 'inline',
  logLevel: 'warning',
});
process.setSourceMapsEnabled(true);
require(outfile);
