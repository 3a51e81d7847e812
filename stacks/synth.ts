import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { Cluster, FileTree, RuleLevel, ValidationError, renderClusterTree } from '../lib';
import { EXAMPLES } from '../examples';
import { buildCortex } from './cortex';
import { buildHomelab } from './homelab';

/** Something `npm run synth` writes: a cluster tree under `folder` of dist/. */
export interface SynthTarget {
  /** Folder under dist/, e.g. `homelab` or `examples/right-sized-app`. */
  readonly folder: string;
  /** Builds the cluster under `scope`. */
  readonly build: (scope: Construct) => Cluster;
}

/** The two real clusters, then every example. */
export const TARGETS: readonly SynthTarget[] = [
  { folder: 'homelab', build: buildHomelab },
  { folder: 'cortex', build: buildCortex },
  ...EXAMPLES.map((e) => ({ folder: `examples/${e.name}`, build: e.build })),
];

/** The result of {@link synthesizeTargets}. */
export interface SynthResult {
  /** dist-relative path → content; empty when there are errors. */
  readonly files: FileTree;
  /** Blocking problems, each a few lines. */
  readonly errors: string[];
  /** Non-blocking findings, one line each. */
  readonly warnings: string[];
}

/**
 * Builds every target in its own cdk8s App, runs validations and policies once per cluster,
 * and renders the GitOps trees in memory. Nothing is written: the caller swaps the result in.
 */
export function synthesizeTargets(targets: readonly SynthTarget[] = TARGETS): SynthResult {
  const files: FileTree = new Map();
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const t of targets) {
    let cluster: Cluster;
    try {
      cluster = t.build(new App({ outdir: '/nonexistent' }));
    } catch (e) {
      if (e instanceof ValidationError) {
        errors.push(`${t.folder}: ${e.message}`);
        continue;
      }
      throw e;
    }
    const s = cluster.synthesize();
    if (s.errors.length) {
      errors.push(...s.errors.map((e) => `${t.folder}: ${e}`));
      continue;
    }
    for (const f of s.findings) {
      if (f.level === RuleLevel.WARNING && f.exemption === undefined) {
        warnings.push(`${t.folder}: ${f.ruleId} ${f.kind} ${f.namespace ?? ''}/${f.name ?? ''}: ${f.message}`);
      }
    }
    try {
      for (const [rel, content] of renderClusterTree(cluster, s)) files.set(`${t.folder}/${rel}`, content);
    } catch (e) {
      if (e instanceof ValidationError) {
        errors.push(`${t.folder}: ${e.message}`);
        continue;
      }
      throw e;
    }
  }
  return { files: errors.length ? new Map() : files, errors, warnings };
}
