import { quantityValue } from '../../../core/quantity';
import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { MAIN_AND_INIT, eachContainer } from './_shared';

/** The largest `limits.memory / requests.memory` HK-RES-04 accepts. */
export const MAX_MEMORY_BURST_RATIO = 4;

/** HK-RES-04: the memory limit is at most {@link MAX_MEMORY_BURST_RATIO} times the request. */
export const memoryBurstRatioRule: PolicyRule = {
  id: 'HK-RES-04',
  level: RuleLevel.WARNING,
  title: `memory limits should be at most ${MAX_MEMORY_BURST_RATIO}× the memory request`,
  explanation: 'The scheduler packs nodes by requests, so a pod that bursts far above its request takes memory that was promised '
    + 'to others; under pressure the node OOM-kills or evicts. The Cortex cluster had limits summing to 2-3× allocatable memory.',
  fix: `raise resources.requests.memory or lower resources.limits.memory so that the limit is at most ${MAX_MEMORY_BURST_RATIO}× the request`,
  check: (m) => eachContainer(m, (ref) => {
    const { requests, limits } = ref.container?.resources ?? {};
    const request = quantityValue(requests?.memory);
    const limit = quantityValue(limits?.memory);
    if (request === undefined || limit === undefined || request <= 0 || limit / request <= MAX_MEMORY_BURST_RATIO) return undefined;
    const ratio = Math.round((limit / request) * 100) / 100;
    return `${containerLabel(ref)} has a memory burst ratio of ${ratio} (limits.memory ${limits.memory} / requests.memory ${requests.memory}); `
      + `keep it at most ${MAX_MEMORY_BURST_RATIO}`;
  }, MAIN_AND_INIT),
};
