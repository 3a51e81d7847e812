import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Construct } from 'constructs';
import { AppWorkload, Cluster, Distro, Namespace, writeTreeAtomically } from '../../lib';
import { TARGETS, synthesizeTargets } from '../../stacks/synth';

function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('atomic output', () => {
  let parent: string;
  beforeEach(() => { parent = fs.mkdtempSync(path.join(os.tmpdir(), 'hh-write-')); });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  test('replaces the folder with exactly the new files and leaves no temporary folders', () => {
    const out = path.join(parent, 'dist');
    writeTreeAtomically(new Map([['a/old.yaml', 'old\n'], ['keep.txt', 'x']]), out);
    writeTreeAtomically(new Map([['a/new.yaml', 'new\n']]), out);
    expect(listing(out)).toEqual({ 'a/new.yaml': 'new\n' });
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('a failure while writing leaves the previous folder byte for byte and nothing else', () => {
    const out = path.join(parent, 'dist');
    writeTreeAtomically(new Map([['a.yaml', 'good\n']]), out);
    expect(() => writeTreeAtomically(new Map([['b.yaml', 'x'], ['../escape.yaml', 'bad']]), out)).toThrow('refusing to write outside the output folder: ../escape.yaml');
    expect(listing(out)).toEqual({ 'a.yaml': 'good\n' });
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('files unchanged since the previous output are reused (hard-linked), changed and new ones written', () => {
    const out = path.join(parent, 'dist');
    expect(writeTreeAtomically(new Map([['a/same.yaml', 'same\n'], ['a/changed.yaml', 'v1\n'], ['gone.yaml', 'x']]), out)).toEqual({ written: 3, reused: 0 });
    const before = fs.statSync(path.join(out, 'a/same.yaml')).ino;
    expect(writeTreeAtomically(new Map([['a/same.yaml', 'same\n'], ['a/changed.yaml', 'v2\n'], ['b/new.yaml', 'n\n']]), out)).toEqual({ written: 2, reused: 1 });
    expect(listing(out)).toEqual({ 'a/same.yaml': 'same\n', 'a/changed.yaml': 'v2\n', 'b/new.yaml': 'n\n' });
    expect(fs.statSync(path.join(out, 'a/same.yaml')).ino).toBe(before);
    expect(fs.statSync(path.join(out, 'a/same.yaml')).nlink).toBe(1);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('a file edited by hand in the output is rewritten, not reused; a folder where a file was is replaced', () => {
    const out = path.join(parent, 'dist');
    writeTreeAtomically(new Map([['a.yaml', 'generated\n'], ['b.yaml', 'b\n']]), out);
    fs.writeFileSync(path.join(out, 'a.yaml'), 'edited by hand\n');
    fs.rmSync(path.join(out, 'b.yaml'));
    fs.mkdirSync(path.join(out, 'b.yaml'));
    expect(writeTreeAtomically(new Map([['a.yaml', 'generated\n'], ['b.yaml', 'b\n']]), out)).toEqual({ written: 2, reused: 0 });
    expect(listing(out)).toEqual({ 'a.yaml': 'generated\n', 'b.yaml': 'b\n' });
  });

  test('a failed write after reusing files leaves the previous output intact', () => {
    const out = path.join(parent, 'dist');
    writeTreeAtomically(new Map([['a.yaml', 'good\n']]), out);
    expect(() => writeTreeAtomically(new Map([['a.yaml', 'good\n'], ['../escape.yaml', 'bad']]), out)).toThrow('refusing to write outside the output folder: ../escape.yaml');
    expect(listing(out)).toEqual({ 'a.yaml': 'good\n' });
    expect(fs.statSync(path.join(out, 'a.yaml')).nlink).toBe(1);
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('a target that fails validation yields errors and no files at all', () => {
    const broken = {
      folder: 'broken',
      build: (scope: Construct) => {
        const c = new Cluster(scope, 'broken', { profile: { distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: [{ name: 'n', allocatable: { cpu: '2', memory: '4Gi' } }] } });
        new AppWorkload(new Namespace(c, 'apps'), 'web', { image: 'ghcr.io/x/web:latest', resources: { cpu: '10m', memory: '64Mi', memoryLimit: '128Mi' }, ports: [{ name: 'http', port: 80 }] });
        return c;
      },
    };
    const result = synthesizeTargets([TARGETS[1], broken]);
    expect(result.files.size).toBe(0);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^broken: \[broken\/apps\/web\/Resource\] HK-IMG-01 \(error\) Deployment apps\/web: /);
  });

  test('bad construct input is reported per target, not thrown', () => {
    const result = synthesizeTargets([{ folder: 'bad', build: (scope) => new Cluster(scope, 'bad', { profile: { distro: Distro.K3S, version: 'v1', nodes: [] } }) }]);
    expect(result.errors).toEqual(['bad: [bad] profile.version = "v1": not a Kubernetes version. Fix: use the server version, e.g. "v1.32.5+k3s1"']);
  });

  test('two synths produce identical bytes', () => {
    const a = synthesizeTargets();
    const b = synthesizeTargets();
    expect(a.errors).toEqual([]);
    expect([...a.files.entries()]).toEqual([...b.files.entries()]);
  });
});
