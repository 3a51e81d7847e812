import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { asArray, eachContainer } from './_shared';

/** Build-time work done at run time: package installs, `curl | sh`, `git clone`. */
const RUNTIME_BUILD: readonly [RegExp, string][] = [
  [/\b(pip3?|uv pip|poetry)\s+install\b/, 'pip install'],
  [/\bapt(-get)?\s+install\b/, 'apt install'],
  [/\bapk\s+add\b/, 'apk add'],
  [/\bnpm\s+(ci|install)\b/, 'npm install'],
  [/\b(curl|wget)\b[^|;&]*\|\s*(ba)?sh\b/, 'curl | sh'],
  [/\bgit\s+clone\b/, 'git clone'],
];
/** Commands that write to their last argument (or change ownership/mode of it). */
const WRITERS = /(?:^|[;&|]\s*|\s)(cp|mv|install|chown|chmod|sed\s+-i)\s+([^;&|]+)/g;

/** Mount paths whose volume is read-only: ConfigMap/Secret/projected/downward API volumes or `readOnly: true`. */
function readOnlyMounts(container: any, volumes: readonly any[]): string[] {
  const byName = new Map(volumes.map((v) => [v?.name, v]));
  return asArray(container?.volumeMounts)
    .filter((vm) => {
      const v = byName.get(vm?.name) ?? {};
      return vm?.readOnly === true || v.configMap || v.secret || v.projected || v.downwardAPI;
    })
    .map((vm) => String(vm.mountPath).replace(/\/+$/, ''));
}

/**
 * HK-X-07: start-up commands do not build at run time or write where they cannot. In the
 * joined `command` + `args` of every container: (a) package installs, `curl | sh` and `git
 * clone`; (b) `cp`/`mv`/`install`/`chown`/`chmod`/`sed -i` onto a ConfigMap, Secret or read-only
 * mount; (c) `chown`/`chmod` in a non-root container that drops ALL capabilities.
 */
export const startupCommandsRule: PolicyRule = {
  id: 'HK-X-07',
  level: RuleLevel.ERROR,
  title: 'start-up commands must not install, clone, or write to read-only mounts',
  explanation: 'Seed 001\'s backend ran `pip install fastapi uvicorn` at every start (CrashLoopBackOff when the index was '
    + 'unreachable) after its `cp` out of a read-only ConfigMap failed under a non-root user; Vault crash-looped on '
    + '`chown` of its ConfigMap mount (seed 002); cortex\'s rag-validator cloned two repositories with `git clone` in '
    + 'init containers. Run-time builds break offline, under a read-only root filesystem and as non-root.',
  fix: 'install dependencies in the image, fetch repositories with a pinned git-sync checkout (AppVolume.gitCheckout), '
    + 'execute config files in place, and make volumes writable with fsGroup instead of chown',
  check: (m) => eachContainer(m, (ref, pod) => {
    const c = ref.container ?? {};
    const text = [...asArray(c.command), ...asArray(c.args)].filter((x) => typeof x === 'string').join(' ');
    if (!text) return [];
    const who = containerLabel(ref);
    const out: string[] = [];
    for (const [re, what] of RUNTIME_BUILD) {
      if (re.test(text)) out.push(`${who} runs "${what}" at start-up: build-time work at run time`);
    }
    const readOnly = readOnlyMounts(c, asArray(pod.spec?.volumes));
    const sc = c.securityContext ?? {};
    const podSc = pod.spec?.securityContext ?? {};
    const nonRoot = (sc.runAsNonRoot ?? podSc.runAsNonRoot) === true || ((sc.runAsUser ?? podSc.runAsUser) ?? 0) > 0;
    const dropsAll = asArray(sc.capabilities?.drop).includes('ALL');
    for (const match of text.matchAll(WRITERS)) {
      const cmd = match[1];
      const args = match[2].trim().split(/\s+/).filter((a) => !a.startsWith('-'));
      const target = args[args.length - 1];
      if (target && readOnly.some((p) => target === p || target.startsWith(`${p}/`))) {
        out.push(`${who} runs "${cmd}" onto ${target}, a read-only (ConfigMap, Secret or readOnly) mount`);
      } else if ((cmd === 'chown' || cmd === 'chmod') && nonRoot && dropsAll) {
        out.push(`${who} runs "${cmd}" as non-root with all capabilities dropped: it cannot change ownership or mode`);
      }
    }
    return out;
  }),
};
