import { Construct } from 'constructs';
import { AppGpu, AppRoute, AppWorkload, EnvValue, GpuQuota, GpuVendor, Images, NfsVolume, Namespace, Probe, RouteAuth, WorkloadKind, imageReference } from '../../lib';
import { NFS_SERVER } from './profile';

/** How each media UI authenticates its users (the `hardened-homelab.io/auth` reason of its route). */
const MEDIA_LOGINS: Record<string, string> = {
  jellyfin: 'Jellyfin user accounts; no anonymous access',
  plex: 'Plex account sign-in (plex.tv)',
  sonarr: 'Sonarr forms authentication (Authentication Required: Enabled)',
  radarr: 'Radarr forms authentication (Authentication Required: Enabled)',
  lidarr: 'Lidarr forms authentication (Authentication Required: Enabled)',
  prowlarr: 'Prowlarr forms authentication (Authentication Required: Enabled)',
  bazarr: 'Bazarr forms authentication',
  whisparr: 'Whisparr forms authentication (Authentication Required: Enabled)',
  sabnzbd: 'SABnzbd username/password login',
  overseerr: 'Overseerr sign-in with Plex or local accounts',
};

/** uid/gid that owns the app config directories on the R730 NFS exports (PUID/PGID 1000 in the real cluster). */
const MEDIA_IDS = { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 };

interface MediaApp {
  readonly image: string;
  readonly port: number;
  readonly health?: Probe;
  readonly resources: { cpu: string; memory: string; memoryLimit: string };
  readonly nodes?: string[];
  readonly writablePaths?: string[];
  readonly data?: boolean;
  readonly gpu?: AppGpu;
}

/**
 * The media namespace: the *arr apps, the download client, request manager and media servers,
 * each with its config on an NFS export of the R730 and the 30 TiB library mounted at `/data`.
 *
 * What differs from the real cluster: rootless images instead of linuxserver's (which need root),
 * non-root with a read-only root filesystem, probes on every app, no CPU limits (requests kept),
 * Plex actually deployed (the real kustomization left it out), no NodePort services, and Recyclarr's
 * API keys read from a Secret its CronJob references (the real one named a Secret that was not in Git).
 */
export class MediaNamespace extends Namespace {
  public readonly apps: Record<string, AppWorkload> = {};

  constructor(scope: Construct) {
    super(scope, 'media');
    const library = new NfsVolume(this, 'media-library', { server: NFS_SERVER, path: '/mnt/rust/media', size: '30Ti' });

    const apps: Record<string, MediaApp> = {
      jellyfin: { image: imageReference(Images.jellyfin), port: 8096, health: Probe.httpGet('/health'), resources: { cpu: '1', memory: '2Gi', memoryLimit: '8Gi' }, nodes: ['k3s1'], writablePaths: ['/cache', '/transcode'], data: true,
        // QuickSync: one of the 10 shares of k3s1's iGPU; the host's video (44) and render (109) groups own /dev/dri
        gpu: { vendor: GpuVendor.INTEL, groups: [44, 109] } },
      plex: { image: imageReference(Images.plex), port: 32400, health: Probe.httpGet('/identity'), resources: { cpu: '1', memory: '2Gi', memoryLimit: '6Gi' }, nodes: ['k3s1', 'k3s2'], writablePaths: ['/transcode'], data: true },
      sonarr: { image: imageReference(Images.sonarr), port: 8989, health: Probe.httpGet('/ping'), resources: { cpu: '250m', memory: '512Mi', memoryLimit: '2Gi' }, data: true },
      radarr: { image: imageReference(Images.radarr), port: 7878, health: Probe.httpGet('/ping'), resources: { cpu: '250m', memory: '512Mi', memoryLimit: '2Gi' }, data: true },
      lidarr: { image: imageReference(Images.lidarr), port: 8686, health: Probe.httpGet('/ping'), resources: { cpu: '250m', memory: '512Mi', memoryLimit: '2Gi' }, data: true },
      prowlarr: { image: imageReference(Images.prowlarr), port: 9696, health: Probe.httpGet('/ping'), resources: { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi' } },
      bazarr: { image: imageReference(Images.bazarr), port: 6767, health: Probe.httpGet('/api/system/ping'), resources: { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi' }, data: true },
      whisparr: { image: imageReference(Images.whisparr), port: 6969, health: Probe.httpGet('/ping'), resources: { cpu: '200m', memory: '1Gi', memoryLimit: '4Gi' }, nodes: ['k3s3'], data: true },
      sabnzbd: { image: imageReference(Images.sabnzbd), port: 8080, health: Probe.httpGet('/api?mode=version'), resources: { cpu: '2', memory: '1Gi', memoryLimit: '4Gi' }, nodes: ['k3s1', 'k3s2'], writablePaths: ['/incomplete-downloads'], data: true },
      overseerr: { image: imageReference(Images.overseerr), port: 5055, health: Probe.httpGet('/api/v1/status'), resources: { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi' } },
    };

    for (const [name, a] of Object.entries(apps)) {
      const config = new NfsVolume(this, `${name}-config`, { server: NFS_SERVER, path: `/mnt/nvme_storage/${name}`, size: '1Gi' });
      this.apps[name] = new AppWorkload(this, name, {
        image: a.image,
        resources: a.resources,
        ports: [{ name: 'http', port: a.port }],
        healthCheck: a.health,
        security: MEDIA_IDS,
        nodes: a.nodes,
        writablePaths: a.writablePaths,
        gpu: a.gpu,
        internetEgress: true,
        partOf: 'media',
        env: { TZ: 'America/New_York' },
        volumes: {
          config: { mountPath: '/config', source: config.volume },
          ...(a.data ? { data: { mountPath: '/data', source: library.volume } } : {}),
        },
      });
    }

    // every UI on <app>.<domain> through main-gateway; each has its own login, declared per app
    // (the real routes carried no declaration; Whisparr's NodePort 30969 bypassed the gateway and is gone)
    for (const [name, app] of Object.entries(this.apps)) {
      new AppRoute(this, `${name}-route`, { backend: app, auth: RouteAuth.appNative(MEDIA_LOGINS[name]) });
    }

    // who talks to whom (configured in the apps' UIs; the NetworkPolicies follow from these)
    const { sonarr, radarr, lidarr, whisparr, prowlarr, sabnzbd, bazarr, overseerr } = this.apps;
    for (const arr of [sonarr, radarr, lidarr, whisparr]) {
      arr.connectTo(sabnzbd, 8080);
      prowlarr.connectTo(arr, arr.ports[0].port);
    }
    for (const arr of [sonarr, radarr]) {
      bazarr.connectTo(arr, arr.ports[0].port);
      overseerr.connectTo(arr, arr.ports[0].port);
    }

    // Recyclarr syncs TRaSH quality profiles into Sonarr and Radarr nightly. Base URLs come from
    // the app objects; API keys from the Secret recyclarr-api-keys (by reference, never inline).
    const recyclarrConfig = [
      'sonarr:',
      '  sonarr-main:',
      `    base_url: http://${sonarr.host}:8989`,
      '    api_key: !env_var SONARR_API_KEY',
      'radarr:',
      '  radarr-main:',
      `    base_url: http://${radarr.host}:7878`,
      '    api_key: !env_var RADARR_API_KEY',
      '',
    ].join('\n');
    this.apps.recyclarr = new AppWorkload(this, 'recyclarr', {
      kind: WorkloadKind.CRON_JOB,
      schedule: '0 3 * * *',
      image: imageReference(Images.recyclarr),
      args: ['sync'],
      resources: { cpu: '50m', memory: '128Mi', memoryLimit: '512Mi' },
      security: MEDIA_IDS,
      internetEgress: true,
      partOf: 'media',
      config: { main: { mountPath: '/config', files: { 'recyclarr.yml': recyclarrConfig }, writable: true } },
      env: {
        TZ: 'America/New_York',
        SONARR_API_KEY: EnvValue.fromSecret('recyclarr-api-keys', 'sonarr-api-key'),
        RADARR_API_KEY: EnvValue.fromSecret('recyclarr-api-keys', 'radarr-api-key'),
      },
    });
    this.apps.recyclarr.connectTo(sonarr, 8989);
    this.apps.recyclarr.connectTo(radarr, 7878);

    // GPU quota derived from the apps: Jellyfin's QuickSync share, no NVIDIA GPU
    new GpuQuota(this);
  }
}
