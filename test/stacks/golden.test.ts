/**
 * Golden files of the two real clusters: a reviewable digest of everything `npm run synth` writes
 * for `dist/homelab/` and `dist/cortex/` (every file's path and the sha256 of its content, and
 * the headings of REPORT.md), compared with the committed snapshot.
 *
 * A change to either stack, to a construct's output or to a policy's report section changes the
 * digest. When the change is intended, review the diff of the affected files (`npm run synth`
 * and `git diff dist/`), then update the snapshot with `npx jest test/stacks/golden.test.ts -u`.
 */
import { createHash } from 'crypto';
import { TARGETS, synthesizeTargets } from '../../stacks/synth';

jest.setTimeout(120_000);

/** `path → sha256` of every file of the tree, sorted by path. */
function fileDigest(files: ReadonlyMap<string, string>): string[] {
  return [...files.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, content]) => `${path} → ${createHash('sha256').update(content, 'utf8').digest('hex')}`);
}

/** The Markdown headings of a report, outside fenced code blocks (the Mermaid diagram). */
function headings(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced && /^#{1,6} /.test(line)) out.push(line);
  }
  return out;
}

describe.each(['homelab', 'cortex'])('golden files: dist/%s', (name) => {
  const result = synthesizeTargets(TARGETS.filter((t) => t.folder === name));

  test('synthesizes without errors', () => {
    expect(result.errors).toEqual([]);
    expect(result.files.size).toBeGreaterThan(0);
    expect([...result.files.keys()].every((p) => p.startsWith(`${name}/`))).toBe(true);
  });

  test('every file and the REPORT.md headings match the golden digest', () => {
    const report = result.files.get(`${name}/REPORT.md`);
    expect(report).toBeDefined();
    expect({ files: fileDigest(result.files), reportHeadings: headings(report as string) }).toMatchSnapshot();
  });
});
