import * as fs from 'fs';
import * as path from 'path';

/** What {@link writeTreeAtomically} did. */
export interface TreeWriteStats {
  /** Files written with new content. */
  readonly written: number;
  /** Files whose bytes equal the previous output's, hard-linked from it instead of rewritten. */
  readonly reused: number;
}

/**
 * Writes `files` (relative path → content) as the new content of `outDir`, atomically:
 * everything is written to a sibling temporary folder first, which then replaces `outDir` by
 * rename. If anything fails before the swap, `outDir` is untouched. Nothing outside `outDir`
 * and its temporary siblings is written.
 *
 * A file whose bytes equal the same file in the current `outDir` is hard-linked into the new
 * tree instead of written again (on file systems that refuse links it is written). The result
 * is the same tree; re-synthesizing a cluster where little changed creates few new files, which
 * is most of the cost of a synth on file systems that scan or index every written file.
 */
export function writeTreeAtomically(files: ReadonlyMap<string, string>, outDir: string): TreeWriteStats {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  fs.mkdirSync(parent, { recursive: true });
  const previous = fs.existsSync(target) && fs.statSync(target).isDirectory() ? target : undefined;
  const tmp = fs.mkdtempSync(path.join(parent, `.${base}.new-`));
  let written = 0;
  let reused = 0;
  try {
    const dirs = new Set<string>([tmp]);
    for (const [rel, content] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) {
        throw new Error(`refusing to write outside the output folder: ${rel}`);
      }
      const file = path.join(tmp, rel);
      const dir = path.dirname(file);
      if (!dirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      if (previous && linkIfUnchanged(path.join(previous, rel), file, content)) reused++;
      else {
        fs.writeFileSync(file, content);
        written++;
      }
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = previous ? `${tmp}.old` : undefined;
  if (old) fs.renameSync(target, old);
  fs.renameSync(tmp, target);
  if (old) fs.rmSync(old, { recursive: true, force: true });
  return { written, reused };
}

/** Hard-links `from` to `to` when `from` is a regular file holding exactly `content`. */
function linkIfUnchanged(from: string, to: string, content: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(from);
  } catch {
    return false;
  }
  const bytes = Buffer.from(content);
  if (!stat.isFile() || stat.size !== bytes.length || !fs.readFileSync(from).equals(bytes)) return false;
  try {
    fs.linkSync(from, to);
    return true;
  } catch {
    return false;
  }
}
