import { Cluster } from '../../lib';
import { ValidationError } from '../../lib/core/errors';
import { BadInput, CASES } from './cases';

/**
 * The bad-input corpus (issue 8): every invalid input of the table is refused with an error
 * that names the construct path, the prop (or, for whole-cluster problems, the policy rule) and
 * a fix — never a TypeError, a silent synth or a message the user cannot act on.
 */

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const fixPattern = (fix: RegExp | string) => (typeof fix === 'string' ? escape(fix) : fix.source);

/** What `build` threw, or `undefined`. */
function thrownBy(build: () => unknown): unknown {
  try {
    build();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** The errors of the cluster `build` returns. */
function synthErrors(c: BadInput): readonly string[] {
  const cluster = c.build();
  if (!(cluster instanceof Cluster)) throw new Error(`case "${c.description}" must return its Cluster`);
  return cluster.synthesize().errors;
}

const constructCases = CASES.filter((c) => (c.via ?? 'construct') === 'construct');
const validationCases = CASES.filter((c) => c.via === 'validation');
const policyCases = CASES.filter((c) => c.via === 'policy');
const title = (cs: readonly BadInput[]) => cs.map((c) => [`${c.construct}: ${c.description}`, c] as const);

describe('bad-input corpus: the table', () => {
  test('has at least 70 invalid inputs, each described once', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(70);
    const titles = CASES.map((c) => `${c.construct}: ${c.description}`);
    expect(titles.filter((t, i) => titles.indexOf(t) !== i)).toEqual([]);
  });

  test('covers the profile and every public construct the issue names', () => {
    const covered = new Set(CASES.map((c) => c.construct));
    const required = [
      'ClusterProfile', 'Cluster', 'Namespace', 'AppWorkload', 'AppVolume', 'AppVolume.gitCheckout', 'AppWorkload gpu', 'EnvValue',
      'ExternalService', 'NfsVolume', 'UpstreamChart', 'requireSecret', 'Longhorn', 'LonghornStorageTier', 'LonghornRecurringJob',
      'Velero', 'BackupStorageLocation', 'BackupSchedule', 'BackupLadder', 'VolumePolicy', 'Vault', 'VaultStorage', 'VaultTls',
      'OAuth2Proxy', 'AppRoute', 'RouteAuth', 'SplitHorizonDns', 'validateCookieSecret', 'NvidiaDevicePlugin', 'DcgmExporter',
      'IntelGpuPlugin', 'NodeFeatureDiscovery', 'GpuQuota', 'BackupRung', 'GatewaySource', 'Probe',
    ];
    expect(required.filter((r) => !covered.has(r))).toEqual([]);
    // probes are covered through the app's probes and healthCheck
    expect(CASES.filter((c) => c.prop?.startsWith('probes.')).length).toBeGreaterThanOrEqual(2);
  });

  test('construct and validation rows name a prop, policy rows a rule id', () => {
    expect(CASES.filter((c) => (c.via === 'policy' ? !c.ruleId : !c.prop)).map((c) => c.description)).toEqual([]);
  });
});

describe('bad-input corpus: refused at construction with a ValidationError naming path, prop and fix', () => {
  test.each(title(constructCases))('%s', (_name, c) => {
    const e = thrownBy(c.build);
    expect(e).toBeInstanceOf(ValidationError);
    const err = e as ValidationError;
    expect(err.path).toBe(c.path);
    expect(err.prop).toBe(c.prop);
    expect(err.message).toMatch(new RegExp(`^${escape(`[${c.path}] ${c.prop} = `)}`));
    expect(err.fix.trim()).not.toBe('');
    expect(err.message.endsWith(`. Fix: ${err.fix}`)).toBe(true);
    expect(err.fix).toMatch(new RegExp(fixPattern(c.fix)));
  });
});

describe('bad-input corpus: whole-tree validations name path, prop and fix in the synthesis errors', () => {
  test.each(title(validationCases))('%s', (_name, c) => {
    const line = new RegExp(`^${escape(`[${c.path}] ${c.prop} = `)}.*\\. Fix: .*${fixPattern(c.fix)}`, 's');
    expect(synthErrors(c)).toEqual(expect.arrayContaining([expect.stringMatching(line)]));
  });
});

describe('bad-input corpus: whole-cluster problems are blocking policy findings naming the object path, the rule and a fix', () => {
  test.each(title(policyCases))('%s', (_name, c) => {
    const line = new RegExp(`^\\[${escape(c.path)}(/[^\\]]*)?\\] ${escape(c.ruleId as string)} \\(error\\) .+\\n    fix: .*${fixPattern(c.fix)}`, 's');
    expect(synthErrors(c)).toEqual(expect.arrayContaining([expect.stringMatching(line)]));
  });
});
