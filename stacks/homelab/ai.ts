import { Construct } from 'constructs';
import {
  AppRoute, AppVolume, AppWorkload, Criticality, EnvValue, GpuQuota, GpuVendor, Images, Longhorn, Namespace, OAuth2Proxy, Probe, RouteAuth, imageReference,
} from '../../lib';

/** The Secret with Open WebUI's session signing key (key `secret-key`), created outside Git. */
export const OPEN_WEBUI_SECRET = 'open-webui';

/**
 * The `ai` namespace: Ollama, Open WebUI and Automatic1111, the two GPU apps sharing the T4 on
 * k3s3 through time-slicing.
 *
 * GPU memory (the T4 has 16Gi, and time-slicing does not isolate it): Ollama is declared at 6Gi
 * and capped to one loaded model and one request at a time (`OLLAMA_MAX_LOADED_MODELS`,
 * `OLLAMA_NUM_PARALLEL`), so the figure holds for models up to ~7B at 4 bits; Automatic1111 at
 * 8Gi with `--medvram` (SD 1.5/SDXL). Together 14Gi: the GPU budget in REPORT.md shows the
 * remaining 2Gi.
 *
 * What differs from the real cluster (sudoflux/flux-k3s, seed 003):
 * - not privileged, not root, read-only root filesystem, no `NVIDIA_VISIBLE_DEVICES=all`: each
 *   GPU app requests one time-sliced `nvidia.com/gpu` and gets only that (a privileged container
 *   under the NVIDIA runtime sees every GPU whatever it requested);
 * - the GPU quota (`gpu`, derived) allows the 2 slices the two apps request, and no Intel GPU; the
 *   real `gpu-quota` allowed 1, so the second GPU app was refused, and its `limits.` keys were
 *   never enforced;
 * - images pinned instead of `latest`/`main`; Recreate instead of rolling updates (a surge pod
 *   would need a third slice);
 * - Automatic1111 without `--enable-insecure-extension-access` (it lets anyone who reaches the UI
 *   install code), with its state under `--data-dir /data`;
 * - Open WebUI with sign-up off (the first account becomes admin), its key from a Secret;
 * - models on the Longhorn `sas-ssd` tier (bulk, one replica, re-downloadable), Open WebUI's data
 *   on `nvme` (3 replicas, backed up), instead of static local PVs on k3s3.
 *
 * Routes (ollama/ai/sd.fletcherlabs.net) are not here yet: they belong to the route pattern.
 */
export class AiNamespace extends Namespace {
  public readonly ollama: AppWorkload;
  public readonly openWebui: AppWorkload;
  public readonly automatic1111: AppWorkload;
  public readonly gpuQuota: GpuQuota;

  constructor(scope: Construct, storage: Longhorn) {
    super(scope, 'ai');
    const bulk = storage.tier('sas-ssd');
    const fast = storage.tier('nvme');

    this.ollama = new AppWorkload(this, 'ollama', {
      image: imageReference(Images.ollama),
      resources: { cpu: '2', memory: '8Gi', memoryLimit: '32Gi' },
      ports: [{ name: 'http', port: 11434 }],
      healthCheck: Probe.httpGet('/api/version'),
      gpu: { vendor: GpuVendor.NVIDIA, memory: '6Gi' },
      env: {
        OLLAMA_HOST: '0.0.0.0:11434',
        OLLAMA_MODELS: '/models',
        OLLAMA_MAX_LOADED_MODELS: '1',
        OLLAMA_NUM_PARALLEL: '1',
        HOME: '/tmp',
      },
      volumes: { models: { mountPath: '/models', source: AppVolume.newClaim({ size: '200Gi', storageClass: bulk }) } },
      internetEgress: true, // model pulls from registry.ollama.ai
      partOf: 'ai',
    });

    this.openWebui = new AppWorkload(this, 'open-webui', {
      image: imageReference(Images.openWebui),
      resources: { cpu: '500m', memory: '1Gi', memoryLimit: '4Gi' },
      ports: [{ name: 'http', port: 8080 }],
      healthCheck: Probe.httpGet('/health'),
      env: {
        OLLAMA_BASE_URL: EnvValue.serviceUrl(this.ollama),
        WEBUI_SECRET_KEY: EnvValue.fromSecret(OPEN_WEBUI_SECRET, 'secret-key'),
        WEBUI_NAME: 'FletcherLabs AI',
        ENABLE_SIGNUP: 'false',
        DATA_DIR: '/app/backend/data',
        HOME: '/tmp',
      },
      volumes: { data: { mountPath: '/app/backend/data', source: AppVolume.newClaim({ size: '10Gi', storageClass: fast }) } },
      internetEgress: true, // embedding models and web search
      partOf: 'ai',
    });

    this.automatic1111 = new AppWorkload(this, 'automatic1111', {
      image: imageReference(Images.automatic1111),
      resources: { cpu: '2', memory: '8Gi', memoryLimit: '16Gi' },
      ports: [{ name: 'http', port: 7860 }],
      args: ['--listen', '--port', '7860', '--api', '--data-dir', '/data', '--xformers', '--medvram', '--skip-prepare-environment'],
      healthCheck: Probe.httpGet('/internal/ping'),
      // loading a checkpoint takes minutes on first start
      probes: { startup: Probe.httpGet('/internal/ping', { periodSeconds: 10, failureThreshold: 60 }) },
      gpu: { vendor: GpuVendor.NVIDIA, memory: '8Gi' },
      criticality: Criticality.OPTIONAL,
      env: { HOME: '/data', HF_HOME: '/data/models/huggingface' },
      writablePaths: ['/data'],
      volumes: {
        models: { mountPath: '/data/models', source: AppVolume.newClaim({ size: '100Gi', storageClass: bulk }) },
        outputs: { mountPath: '/data/outputs', source: AppVolume.newClaim({ size: '50Gi', storageClass: bulk }) },
      },
      internetEgress: true, // checkpoint downloads
      partOf: 'ai',
    });

    // Open WebUI has its own accounts (sign-up off); Automatic1111 has no login, so it sits behind an
    // OAuth2-proxy front; Ollama's API has no auth and stays in-cluster (the real cluster routed it)
    new AppRoute(this, 'open-webui-route', { backend: this.openWebui, name: 'ai', auth: RouteAuth.appNative('Open WebUI accounts; ENABLE_SIGNUP=false (the real cluster allowed sign-up)') });
    new OAuth2Proxy(this, 'Automatic1111Front', { name: 'sd', upstream: this.automatic1111, slug: 'automatic1111' });

    this.gpuQuota = new GpuQuota(this);
  }
}
