import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from './errors';
import { AnnotationKeys } from './labels';
import { validateReason } from './reasons';

const RULE_ID = /^HK-[A-Z]+-\d{2}$/;

/**
 * Records that `target` (an ApiObject, or a construct whose default child is one) is exempt
 * from `ruleId`, and why. The exemption is written to the object's
 * `hardened-homelab.io/exemptions` annotation, so it is visible in the output; the policy
 * engine reads it back from there.
 */
export function addExemption(target: IConstruct, ruleId: string, reason: string): void {
  const obj = ApiObject.isApiObject(target) ? target : ApiObject.of(target);
  if (!RULE_ID.test(ruleId)) {
    throw new ValidationError(target, { prop: 'ruleId', value: ruleId, rule: 'not a rule id', fix: 'use an id such as "HK-SEC-08" (see docs/policies.md)' });
  }
  const why = validateReason(target, `exemptions.${ruleId}`, reason, {
    needs: 'an exemption needs',
    fix: 'say why this object cannot follow the rule, e.g. "the device plugin registers its socket in the kubelet dir"',
  });
  const current: string | undefined = obj.metadata.toJson().annotations?.[AnnotationKeys.EXEMPTIONS];
  const map: Record<string, string> = current ? JSON.parse(current) : {};
  map[ruleId] = why;
  const sorted = Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
  obj.metadata.addAnnotation(AnnotationKeys.EXEMPTIONS, JSON.stringify(sorted));
}

/** Adds every `{ ruleId: reason }` entry of `exemptions` to `target` (see {@link addExemption}). */
export function addExemptions(target: IConstruct, exemptions: Record<string, string> | undefined): void {
  for (const [id, reason] of Object.entries(exemptions ?? {})) {
    addExemption(target, id, reason);
  }
}
