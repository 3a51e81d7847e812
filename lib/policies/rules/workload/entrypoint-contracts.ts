import { quantityValue } from '../../../core/quantity';
import { ContainerRef, containerLabel, podTemplateOf } from '../../pod';
import { Manifest, PolicyContext, PolicyRule, RuleLevel, RuleViolation } from '../../rule';
import { PodTemplate, asArray, findNamed, parseImage } from './_shared';

/**
 * The largest share of a container's memory limit that Redis' `maxmemory` may take. The rest is
 * for what `maxmemory` does not count: allocator fragmentation, client and replica output buffers,
 * and the pages a fork for an RDB save or AOF rewrite copies on write. AWS ElastiCache reserves
 * the same 25% by default (`reserved-memory-percent`) and warns against lowering it.
 */
export const REDIS_MAXMEMORY_SHARE = 0.75;

/** Multipliers of Redis memory units (case-insensitive; `k` = 1000, `kb` = 1024). */
const REDIS_UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3,
};

/**
 * Parses a Redis memory size as `redis-server` and redis.conf read it: a whole number of bytes
 * with an optional unit `b`, `k` (1000), `kb` (1024), `m` (10^6), `mb` (2^20), `g` (10^9) or
 * `gb` (2^30), case-insensitive; surrounding quotes are dropped. `undefined` when it does not parse.
 */
export function parseRedisMemory(value: string): number | undefined {
  const m = /^(\d+)([a-z]*)$/i.exec(value.trim().replace(/^(["'])(.*)\1$/, '$2'));
  if (!m) return undefined;
  const mul = REDIS_UNITS[m[2].toLowerCase()];
  return mul === undefined ? undefined : Number(m[1]) * mul;
}

/** Last path segments of images whose entrypoint is `redis-server` (or the Valkey fork of it). */
const REDIS_SERVER_IMAGES: ReadonlySet<string> = new Set([
  'redis', 'valkey', 'redis-stack-server', 'redis-stack', 'redis-cluster', 'valkey-cluster',
]);
/** Executables of those images that are not the server. */
const REDIS_TOOLS = /^(redis|valkey)-(cli|sentinel|benchmark|check-aof|check-rdb)$/;
const REDIS_SERVER = /^(redis|valkey)-server$/;
/** Variables the images' entrypoints append to the server's command line. */
const ARGS_VARIABLES = ['REDIS_ARGS', 'REDIS_EXTRA_FLAGS', 'VALKEY_EXTRA_FLAGS'] as const;
/** Config files the Bitnami images load without being told (the charts mount a ConfigMap there). */
const BITNAMI_CONFIG_FILES = ['/opt/bitnami/redis/mounted-etc/redis.conf', '/opt/bitnami/valkey/mounted-etc/valkey.conf'];

/** Where a maxmemory setting came from, and its value. */
interface MaxMemory {
  /** Bytes; `undefined` when the value does not parse (or is a placeholder). */
  readonly bytes?: number;
  /** True when the value is a placeholder (`$(VAR)`, `${VAR}`) that cannot be resolved here. */
  readonly placeholder?: boolean;
  /** The setting as written, for messages: `--maxmemory 2gb`, `maxmemory 2gb in ConfigMap ns/name key redis.conf`. */
  readonly source: string;
  /** The value as written. */
  readonly raw: string;
}

/** A container's memory limit in bytes (`undefined` when unset or not a quantity). */
function memoryLimit(container: any): { bytes: number; raw: string } | undefined {
  const raw = container?.resources?.limits?.memory;
  const bytes = quantityValue(raw);
  return bytes !== undefined && bytes > 0 ? { bytes, raw: String(raw) } : undefined;
}

/** `2Gi`, `384Mi`, `1907.3Mi`, `512Ki`: bytes in Gi or Mi when exact, else in Mi with one decimal (Ki or bytes below 1Mi). */
function formatBinary(bytes: number): string {
  for (const [unit, size] of [['Gi', 2 ** 30], ['Mi', 2 ** 20]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  if (bytes >= 2 ** 20) return `${Math.round((bytes / 2 ** 20) * 10) / 10}Mi`;
  return bytes % 1024 === 0 && bytes > 0 ? `${bytes / 1024}Ki` : `${bytes}`;
}

/** Literal env values of a container, for Kubernetes' `$(VAR)` expansion in command and args. */
function literalEnv(container: any): Map<string, string> {
  const env = new Map<string, string>();
  for (const e of asArray(container?.env)) {
    if (typeof e?.name === 'string' && typeof e?.value === 'string') env.set(e.name, e.value);
  }
  return env;
}

/** Command and args as words: Kubernetes `$(VAR)` expanded from literal env values, shell strings split on blanks. */
function commandWords(container: any, env: Map<string, string>): string[] {
  const words: string[] = [];
  for (const w of [...asArray(container?.command), ...asArray(container?.args)]) {
    if (typeof w !== 'string') continue;
    const expanded = w.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, name: string) => env.get(name) ?? all);
    words.push(...expanded.split(/\s+/).filter((x) => x.length > 0));
  }
  return words;
}

/** True when a value still holds a placeholder nobody here can resolve (`$(VAR)`, `${VAR}`, `$VAR`). */
function isPlaceholder(value: string): boolean {
  return /\$[({]?[A-Za-z_]/.test(value);
}

/** The last `--maxmemory <value>` of a word list. */
function maxMemoryFlag(words: readonly string[], where: string): MaxMemory | undefined {
  let found: MaxMemory | undefined;
  for (let i = 0; i < words.length; i++) {
    if (words[i] !== '--maxmemory' || i + 1 >= words.length) continue;
    const raw = words[i + 1];
    found = isPlaceholder(raw)
      ? { raw, placeholder: true, source: `${where}--maxmemory ${raw}` }
      : { raw, bytes: parseRedisMemory(raw), source: `${where}--maxmemory ${raw}` };
  }
  return found;
}

/** The ConfigMap file mounted at `path` in a container: its namespace/name and key, or `undefined`. */
function configMapFileAt(path: string, container: any, pod: PodTemplate): { name: string; key: string } | undefined {
  const volumes = new Map<string, any>(asArray(pod.spec?.volumes).map((v) => [v?.name, v]));
  for (const mount of asArray(container?.volumeMounts)) {
    const mountPath = String(mount?.mountPath ?? '').replace(/\/+$/, '');
    const volume = volumes.get(mount?.name);
    if (!volume || mountPath === '') continue;
    const sources: any[] = volume.configMap ? [volume.configMap] : asArray(volume.projected?.sources).map((s) => s?.configMap).filter(Boolean);
    for (const source of sources) {
      let file: string | undefined;
      if (mount.subPath) {
        if (mountPath === path) file = String(mount.subPath);
      } else if (path.startsWith(`${mountPath}/`)) {
        file = path.slice(mountPath.length + 1);
      }
      if (file === undefined || typeof source.name !== 'string') continue;
      const items = asArray(source.items);
      const key = items.length > 0 ? items.find((i) => i?.path === file)?.key : file;
      if (typeof key === 'string') return { name: source.name, key };
    }
  }
  return undefined;
}

/** The last `maxmemory` directive of a redis.conf text. */
function maxMemoryDirective(text: string): string | undefined {
  let raw: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*maxmemory\s+(\S+)\s*$/i.exec(line);
    if (m) raw = m[1];
  }
  return raw;
}

/**
 * The maxmemory of a Redis server container: the command line wins over the config file (Redis
 * applies command-line options after the file). `null` when nothing sets it.
 */
function redisMaxMemory(container: any, pod: PodTemplate, words: readonly string[], env: Map<string, string>, repository: string, ctx: PolicyContext | undefined, ns: string | undefined): MaxMemory | null {
  let found = maxMemoryFlag(words, '');
  for (const name of ARGS_VARIABLES) {
    const value = env.get(name);
    if (value === undefined) continue;
    found = maxMemoryFlag(value.split(/\s+/).filter((x) => x.length > 0), `env ${name} `) ?? found;
  }
  if (found) return found;
  const configPaths = words.filter((w) => w.endsWith('.conf'));
  if (configPaths.length === 0 && repository.startsWith('bitnami/')) configPaths.push(...BITNAMI_CONFIG_FILES);
  for (const path of configPaths) {
    const file = configMapFileAt(path, container, pod);
    if (!file || !ctx) continue;
    const cm = findNamed(ctx, 'ConfigMap', ns, file.name);
    const text = cm?.data?.[file.key];
    if (typeof text !== 'string') continue;
    const raw = maxMemoryDirective(text);
    if (raw !== undefined) {
      return { raw, bytes: parseRedisMemory(raw), source: `maxmemory ${raw} in ConfigMap ${ns}/${file.name} key ${file.key}` };
    }
  }
  return null;
}

/** The image's repository without registry host, e.g. `library/redis`, `bitnami/redis`. */
function repositoryPath(image: unknown): string {
  if (typeof image !== 'string') return '';
  const repo = parseImage(image).repository;
  const parts = repo.split('/');
  return (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]) ? parts.slice(1) : parts).join('/');
}

/** The Redis contract: a server's `maxmemory` leaves headroom under the container's memory limit. */
function redisContract(ref: ContainerRef, pod: PodTemplate, ctx: PolicyContext | undefined, ns: string | undefined): RuleViolation[] {
  const c = ref.container;
  const repository = repositoryPath(c?.image);
  if (!REDIS_SERVER_IMAGES.has(repository.split('/').pop() ?? '')) return [];
  const env = literalEnv(c);
  const words = commandWords(c, env);
  const programs = words.map((w) => w.split('/').pop() ?? w);
  if (programs.some((p) => REDIS_TOOLS.test(p)) && !programs.some((p) => REDIS_SERVER.test(p))) return [];
  if (words.includes('--sentinel')) return [];
  const limit = memoryLimit(c);
  if (!limit) return []; // HK-RES-02 asks for the limit
  const max = redisMaxMemory(c, pod, words, env, repository, ctx, ns);
  if (max?.placeholder) return [];
  if (max && max.bytes === undefined) {
    const k8s = /^(\d+)([KMG])i$/.exec(max.raw);
    return [{
      message: `${containerLabel(ref)} runs Redis with ${max.source}, which is not a Redis memory size (bytes, or k, kb, m, mb, g, gb): redis-server refuses it and exits at start`,
      fix: k8s ? `write ${k8s[1]}${k8s[2].toLowerCase()}b (Redis' binary units end in b)` : 'write a whole number with a Redis unit, e.g. 1536mb',
    }];
  }
  const suggested = `${Math.floor((limit.bytes * REDIS_MAXMEMORY_SHARE) / 2 ** 20)}mb`;
  if (!max || max.bytes === 0) {
    return [{
      level: RuleLevel.WARNING,
      message: `${containerLabel(ref)} runs Redis ${max ? `with ${max.source} (no limit)` : 'without maxmemory'} under a memory limit of ${limit.raw}: `
        + 'Redis never evicts and grows until the kernel OOM-kills it at the limit',
      fix: `set --maxmemory ${suggested} (${REDIS_MAXMEMORY_SHARE * 100}% of ${limit.raw}) and a --maxmemory-policy that fits the data (allkeys-lru for a cache, noeviction for a queue)`,
    }];
  }
  const bytes = max.bytes!;
  if (bytes <= limit.bytes * REDIS_MAXMEMORY_SHARE) return [];
  const share = Math.round((bytes / limit.bytes) * 100);
  const neededMi = Math.ceil(bytes / REDIS_MAXMEMORY_SHARE / 2 ** 20);
  return [{
    message: `${containerLabel(ref)} runs Redis with ${max.source} (${formatBinary(bytes)}), ${share}% of its memory limit ${limit.raw}: `
      + 'maxmemory counts only the dataset, so allocator fragmentation, client and replica buffers and the copy-on-write of a save fork '
      + 'take the container past its limit and the kernel OOM-kills Redis before it evicts anything',
    fix: `set maxmemory to at most ${REDIS_MAXMEMORY_SHARE * 100}% of the memory limit (${suggested} for ${limit.raw}), or raise limits.memory to at least ${neededMi}Mi`,
  }];
}

/** A per-image contract: returns the violations of one main container. */
type EntrypointContract = (ref: ContainerRef, pod: PodTemplate, ctx: PolicyContext | undefined, ns: string | undefined) => RuleViolation[];

/** The contracts HK-X-08 checks, keyed on the image repository. Vault's are built into the Vault construct. */
const CONTRACTS: readonly EntrypointContract[] = [redisContract];

/** HK-X-08: known images run with what their entrypoint needs (Redis/Valkey: maxmemory with headroom under the limit). */
export const entrypointContractsRule: PolicyRule = {
  id: 'HK-X-08',
  level: RuleLevel.ERROR,
  title: 'Known images run with the settings their entrypoint needs: a Redis or Valkey server keeps maxmemory at most 75% of its memory limit',
  explanation: 'Some images fail in ways only their own documentation explains. Redis: maxmemory bounds the dataset only; fragmentation, '
    + 'client and replica output buffers and the copy-on-write pages of a BGSAVE or AOF-rewrite fork (up to twice the dataset under '
    + 'write load) come on top, and the kernel OOM-kills the container at its memory limit before Redis evicts a key. The cortex '
    + 'redis-queue (seed 000) ran `redis-server --maxmemory 2gb` under a 2Gi limit with snapshots on. Managed Redis services keep a 25% '
    + 'reserve by default for the same reason. A server with no maxmemory at all under a limit is a warning: it never evicts, the OOM '
    + 'killer decides. Sizes are read in Redis units (k = 1000, kb = 1024, m, mb, g, gb) from --maxmemory in command, args, '
    + 'REDIS_ARGS/REDIS_EXTRA_FLAGS/VALKEY_EXTRA_FLAGS, or a maxmemory line of the redis.conf ConfigMap the server loads.',
  fix: `set maxmemory to at most ${REDIS_MAXMEMORY_SHARE * 100}% of the container's memory limit (e.g. --maxmemory 1536mb under 2Gi), or raise the limit`,
  check(m: Manifest, ctx: PolicyContext) {
    const pod = podTemplateOf(m);
    if (!pod) return [];
    // main containers only: init containers run a client or a copy step, not the server
    return asArray(pod.spec?.containers).flatMap((container) => CONTRACTS.flatMap((contract) => contract({ container, list: 'containers' }, pod, ctx, m.metadata?.namespace)));
  },
};
