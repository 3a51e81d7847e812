import { Construct } from 'constructs';
import { AppWorkload, Criticality, EnvValue, Images, Namespace, imageReference } from '../../lib';
import { HEALTH, HTTP_8080, redisServer, resources } from './shapes';

/**
 * `cortex-dev` (ArgoCD app cortex-dev): the issue parser, the code generator, the repository
 * context service (0 replicas in Git) and their Redis.
 *
 * What differs from the real cluster: issue-parser and code-generator broke the namespace's own
 * LimitRange (memory limit/request above its ratio of 2), so a recreated pod would have been
 * rejected; here every container fits the LimitRange the namespace synthesizes. The Redis PDB
 * (`minAvailable: 1` on a single replica, which blocked every drain of its node) is gone.
 */
export class CortexDevNamespace extends Namespace {
  constructor(scope: Construct) {
    super(scope, 'cortex-dev', { labels: { 'app.kubernetes.io/part-of': 'cortex' } });
    const redis = redisServer(this, 'redis', { resources: resources('50m', '64Mi', '128Mi') });
    const queue = { REDIS_HOST: EnvValue.serviceHost(redis), REDIS_PORT: EnvValue.servicePort(redis, 'redis') };
    const github = { GITHUB_TOKEN: EnvValue.fromSecret('github-token', 'token') };

    const context = new AppWorkload(this, 'repo-context', {
      image: imageReference(Images.repoContext),
      replicas: 0,
      criticality: Criticality.OPTIONAL,
      resources: resources('50m', '128Mi', '256Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      internetEgress: true,
      env: { ...queue, ...github },
      partOf: 'cortex',
    });
    const parser = new AppWorkload(this, 'issue-parser', {
      image: imageReference(Images.issueParser),
      resources: resources('50m', '128Mi', '256Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      internetEgress: true,
      env: { ...queue, ...github, ANTHROPIC_API_KEY: EnvValue.fromSecret('anthropic-api-key', 'api-key') },
      partOf: 'cortex',
    });
    new AppWorkload(this, 'code-generator', {
      image: imageReference(Images.codeGenerator),
      resources: resources('50m', '128Mi', '256Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      internetEgress: true,
      env: {
        ...queue,
        ...github,
        ANTHROPIC_API_KEY: EnvValue.fromSecret('anthropic-api-key', 'api-key'),
        ISSUE_PARSER_URL: EnvValue.serviceUrl(parser),
        REPO_CONTEXT_URL: EnvValue.serviceUrl(context),
      },
      partOf: 'cortex',
    });
  }
}
