// The app that `npm run synth` runs (and the cdk8s CLI: `npm run synth:cli`, cdk8s.yaml `app`). It bundles
// stacks/main.ts with esbuild into build/.synth/main.js and runs the bundle: one file to load
// instead of transpiling several hundred modules at start-up. The bundle is rebuilt only when
// one of its inputs (every bundled source file, package-lock.json, the esbuild version or the
// options below) changed since the last build; build/.synth/inputs.json records them.
// Behaviour is the same as `tsx stacks/main.ts` (which still works for debugging).
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'build', '.synth');
const outfile = path.join(outDir, 'main.js');
const record = path.join(outDir, 'inputs.json');
const options = {
  entryPoints: [path.join(root, 'stacks', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['@pulumi/*'],
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  metafile: true,
};

function stamp(file) {
  try {
    const s = fs.statSync(path.join(root, file));
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function key(esbuildVersion) {
  return JSON.stringify({ esbuildVersion, options: { ...options, metafile: undefined }, lock: stamp('package-lock.json') });
}

function upToDate() {
  let saved;
  try {
    saved = JSON.parse(fs.readFileSync(record, 'utf8'));
  } catch {
    return false;
  }
  if (!fs.existsSync(outfile) || saved.key !== key(saved.esbuildVersion)) return false;
  if (saved.esbuildVersion !== require('esbuild/package.json').version) return false;
  return Object.entries(saved.inputs).every(([file, s]) => stamp(file) === s);
}

if (!upToDate()) {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync(options);
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((f) => [f, stamp(f)]));
  fs.writeFileSync(record, JSON.stringify({ esbuildVersion: esbuild.version, key: key(esbuild.version), inputs }));
}
// Source maps cost about 0.15 s to load; synth errors are messages, not stack traces, so they
// are loaded only on request: HH_SOURCE_MAPS=1 npm run synth shows TypeScript positions.
if (process.env.HH_SOURCE_MAPS === '1') process.setSourceMapsEnabled(true);
require(outfile);
