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

describe('npm pack', () => {
  // builds lib/ (tsconfig.build.json) through the prepack script, then lists what would be published
  jest.setTimeout(180_000);
  let files: string[];

  beforeAll(() => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'silent' } });
    files = JSON.parse(out.slice(out.indexOf('[')))[0].files.map((f: { path: string }) => f.path);
  });

  test('contains the compiled entry points, their type declarations and the README', () => {
    for (const f of ['README.md', 'package.json', 'build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/pulumi/index.js', 'build/lib/pulumi/index.d.ts']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(50);
  });

  test('contains nothing but compiled lib/, README and package.json: no tests, sources, stacks or dist/', () => {
    expect(files.filter((f) => !/^build\/lib\/.*\.(js|d\.ts)$/.test(f) && f !== 'README.md' && f !== 'package.json')).toEqual([]);
  });

  test('the built "." entry does not load @pulumi/*, the built "./pulumi" does', () => {
    const count = (entry: string) => execFileSync(process.execPath, ['-e',
      `require(${JSON.stringify(entry)}); console.log(Object.keys(require.cache).filter((k) => k.includes('node_modules/@pulumi/')).length)`,
    ], { cwd: root, encoding: 'utf8' }).trim();
    expect(count('./build/lib/index.js')).toBe('0');
    expect(Number(count('./build/lib/pulumi/index.js'))).toBeGreaterThan(0);
  });
});
