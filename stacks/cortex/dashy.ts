import { Construct } from 'constructs';
import { AppWorkload, Images, Namespace, Probe, imageReference } from '../../lib';
import { resources } from './shapes';

/**
 * `dashy`: the Dashy start page that the real ArgoCD app default-apps deployed into the
 * `default` namespace (apps/default). The default namespace has no quota, LimitRange or
 * NetworkPolicy of its own (HK-API-03), so it gets a namespace named after what runs in it.
 * The image (the real one was `10.43.170.72:5000/dashy:latest`, listening on 80 as root) is the
 * pinned build with its config baked in, listening on 8080.
 */
export class DashyNamespace extends Namespace {
  constructor(scope: Construct) {
    super(scope, 'dashy', { labels: { 'app.kubernetes.io/part-of': 'cortex' } });
    new AppWorkload(this, 'dashy', {
      image: imageReference(Images.dashy),
      resources: resources('50m', '128Mi', '256Mi'),
      ports: [{ name: 'http', port: 8080 }],
      healthCheck: Probe.httpGet('/'),
      env: { PORT: '8080' },
      writablePaths: ['/app/user-data'],
      partOf: 'cortex',
    });
  }
}
