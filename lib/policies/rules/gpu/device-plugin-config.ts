import { GpuVendor } from '../../../core/profile';
import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { DEVICE_PLUGIN_CONFIG_LABEL, NVIDIA_GPU, effectiveConfig, gpuModel, qualify } from './_model';

/** HK-GPU-08: NVIDIA device plugin configs are valid and every NVIDIA node gets one. */
export const devicePluginConfigRule: PolicyRule = {
  id: 'HK-GPU-08',
  level: RuleLevel.ERROR,
  title: 'NVIDIA device plugin configs must be valid, and every NVIDIA node must get one',
  explanation: 'The device plugin refuses a config with fewer than 2 time-slicing replicas, an empty resource list, or MPS together with '
    + 'time-slicing, and then advertises no GPU at all; renameByDefault and failRequestsGreaterThanOne under flags are silently ignored '
    + '(NVIDIA/k8s-device-plugin#1433). A node label naming a config that does not exist, or several configs without a default, leaves '
    + 'the node without a config. The homelab time-sliced its T4 with a hand-written ConfigMap (seed 003).',
  fix: 'use version: v1, sharing.timeSlicing.resources[{name: nvidia.com/gpu, replicas >= 2}] with renameByDefault and '
    + 'failRequestsGreaterThanOne under sharing.timeSlicing, no mps next to timeSlicing, and a default config (or the NvidiaDevicePlugin construct)',
  analyze(ctx) {
    const model = gpuModel(ctx);
    const out: AnalysisViolation[] = [];
    for (const c of model.configs) {
      const bad = (message: string) => out.push({ target: c.record, message: `${c.where}: ${message}` });
      if (c.parseError) {
        bad(c.parseError);
        continue;
      }
      const cfg = c.config;
      if (cfg.version !== 'v1') bad(`version is ${JSON.stringify(cfg.version)}, not "v1"`);
      for (const k of ['renameByDefault', 'failRequestsGreaterThanOne']) {
        if (cfg.flags && k in cfg.flags) bad(`flags.${k} is ignored; it belongs under sharing.timeSlicing`);
      }
      const ts = cfg.sharing?.timeSlicing;
      if (ts && cfg.sharing?.mps) bad('sharing.mps and sharing.timeSlicing exclude each other');
      if (ts) {
        const resources = Array.isArray(ts.resources) ? ts.resources : [];
        if (resources.length === 0) bad('sharing.timeSlicing.resources is empty');
        resources.forEach((r: any, i: number) => {
          if (typeof r?.name !== 'string' || r.name === '') bad(`sharing.timeSlicing.resources[${i}] has no name`);
          else if (qualify(r.name) !== NVIDIA_GPU && !/^nvidia\.com\/mig-/.test(qualify(r.name))) bad(`sharing.timeSlicing.resources[${i}].name ${r.name} cannot be time-sliced (only nvidia.com/gpu and MIG resources)`);
          if (!Number.isInteger(r?.replicas) || r.replicas < 2) bad(`sharing.timeSlicing.resources[${i}].replicas is ${JSON.stringify(r?.replicas)}; time-slicing needs a whole number of at least 2`);
        });
      }
    }
    const nodes = (ctx.profile?.nodes ?? []).filter((n) => n.gpuCount(GpuVendor.NVIDIA) > 0);
    for (const install of model.installs) {
      const byName = new Map(install.configs.map((c) => [c.name, c]));
      if (install.defaultConfig !== undefined && !byName.has(install.defaultConfig)) {
        out.push({ target: install.record, message: `the default config "${install.defaultConfig}" is not among the configs (${[...byName.keys()].join(', ') || 'none'})` });
      }
      for (const n of nodes) {
        const label = n.labels[DEVICE_PLUGIN_CONFIG_LABEL];
        if (label !== undefined && !byName.has(label)) {
          out.push({ target: install.record, message: `node ${n.name} selects config "${label}" by its ${DEVICE_PLUGIN_CONFIG_LABEL} label, which does not exist (configs: ${[...byName.keys()].join(', ') || 'none'})` });
        } else if (install.configs.length > 0 && !effectiveConfig(n, install, byName)) {
          out.push({ target: install.record, message: `node ${n.name} has no ${DEVICE_PLUGIN_CONFIG_LABEL} label and there is no default among several configs, so the plugin there has no config` });
        }
      }
    }
    return out;
  },
};
