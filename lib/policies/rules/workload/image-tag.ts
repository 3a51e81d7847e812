import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { eachContainer, isFloatingTag, parseImage } from './_shared';

/** HK-IMG-01: every image is pinned to a fixed tag or a digest. */
export const imageTagRule: PolicyRule = {
  id: 'HK-IMG-01',
  level: RuleLevel.ERROR,
  title: 'images must have an explicit, non-floating tag or a digest',
  explanation: 'An untagged image means :latest. Floating tags (latest, main, stable, nightly, a bare major such as v3 or '
    + '7-alpine, a variant with no version such as alpine, or 2.4.0-latest) change under the same name, '
    + 'so two nodes can run different code and a restart silently upgrades; a rollback has nothing to go back to.',
  fix: 'pin the image to a release tag (e.g. "ghcr.io/org/app:1.2.3") or, better, a digest ("…@sha256:<64 hex>")',
  check: (m) => eachContainer(m, (ref) => {
    const image: unknown = ref.container?.image;
    if (typeof image !== 'string' || image.trim() === '') return `${containerLabel(ref)} has no image`;
    const { tag, digest } = parseImage(image);
    if (digest) return undefined;
    if (tag === undefined) return `${containerLabel(ref)} image "${image}" has no tag or digest (it means :latest)`;
    return isFloatingTag(tag) ? `${containerLabel(ref)} image "${image}" uses the floating tag "${tag}"` : undefined;
  }),
};
