import { execFileSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const loaded = (entry: string) => execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e',
  `require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('node_modules/@pulumi/')).length))`,
], { cwd: root, encoding: 'utf8' }).trim();

describe('entry points', () => {
  test('"." (lib/index) does not load @pulumi/*', () => {
    expect(loaded('./lib/index.ts')).toBe('0');
  });

  test('"./pulumi" does load @pulumi/*', () => {
    expect(Number(loaded('./lib/pulumi/index.ts'))).toBeGreaterThan(0);
  });

  test('package.json exports "." and "./pulumi"', () => {
    const pkg = require('../../package.json');
    expect(pkg.name).toBe('hardened-homelab');
    expect(Object.keys(pkg.exports)).toEqual(['.', './pulumi', './package.json']);
  });
});
