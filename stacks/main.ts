import * as fs from 'fs';
import * as path from 'path';
import { writeTreeAtomically } from '../lib';
import { synthesizeTargets } from './synth';

// cdk8s entry point (`npm run synth` runs `cdk8s synth`, which runs this).
// dist/ is replaced atomically and only when every target synthesizes without errors.
const outDir = path.resolve(process.env.HH_DIST ?? 'dist');
const started = Date.now();
const result = synthesizeTargets();
if (result.errors.length) {
  process.stderr.write(`synth failed, ${outDir} left as it was:\n${result.errors.join('\n')}\n`);
  process.exit(1);
}
const written = writeTreeAtomically(result.files, outDir);
for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
// the CLI expects its own output folder to exist and hold YAML; it gets a one-file summary
const cliOut = process.env.CDK8S_OUTDIR;
if (cliOut) {
  fs.mkdirSync(cliOut, { recursive: true });
  fs.writeFileSync(path.join(cliOut, 'synth-summary.yaml'), `dist: ${JSON.stringify(outDir)}\nfiles: ${result.files.size}\nwarnings: ${result.warnings.length}\n`);
}
process.stdout.write(`wrote ${result.files.size} files to ${outDir} (${written.written} changed or new, ${written.reused} unchanged) in ${Date.now() - started} ms (${result.warnings.length} warnings)\n`);
