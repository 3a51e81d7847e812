import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes `files` (relative path → content) as the new content of `outDir`, atomically:
 * everything is written to a sibling temporary folder first, which then replaces `outDir` by
 * rename. If anything fails before the swap, `outDir` is untouched. Nothing outside `outDir`
 * and its temporary siblings is written.
 */
export function writeTreeAtomically(files: ReadonlyMap<string, string>, outDir: string): void {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${base}.new-`));
  try {
    for (const [rel, content] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) {
        throw new Error(`refusing to write outside the output folder: ${rel}`);
      }
      const file = path.join(tmp, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = fs.existsSync(target) ? `${tmp}.old` : undefined;
  if (old) fs.renameSync(target, old);
  fs.renameSync(tmp, target);
  if (old) fs.rmSync(old, { recursive: true, force: true });
}
