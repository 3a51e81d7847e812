import { App } from 'cdk8s';
import { buildHomelab } from '../../stacks/homelab';

describe('homelab stack', () => {
  const cluster = buildHomelab(new App({ outdir: '/nonexistent' }));
  const s = cluster.synthesize();
  const manifests = s.objects.map((o) => o.manifest);
  const workloads = manifests.filter((m) => m.kind === 'Deployment' && m.metadata.namespace === 'media');

  test('passes its own policies: no errors, no warnings, every finding exempted with a reason', () => {
    expect(s.errors).toEqual([]);
    expect(s.findings.filter((f) => !f.exemption)).toEqual([]);
    // the GPU node agents' exemptions are narrow: listed one by one in test/gpu/homelab-gpu.test.ts
    expect(s.findings.filter((f) => f.namespace === 'nvidia-gpu').every((f) => ['nvidia-device-plugin', 'dcgm-exporter'].includes(f.name!))).toBe(true);
  });

  test('deploys every media app, Plex included (the real kustomization left it out)', () => {
    expect(workloads.map((m) => m.metadata.name).sort()).toEqual(['bazarr', 'jellyfin', 'lidarr', 'overseerr', 'plex', 'prowlarr', 'radarr', 'sabnzbd', 'sonarr', 'whisparr']);
  });

  test('Recyclarr syncs nightly as a CronJob, with API keys from a Secret and base URLs from the app objects', () => {
    const cj = manifests.find((m) => m.kind === 'CronJob' && m.metadata.name === 'recyclarr')!;
    expect(cj.spec.schedule).toBe('0 3 * * *');
    const env = cj.spec.jobTemplate.spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'SONARR_API_KEY')).toEqual({ name: 'SONARR_API_KEY', valueFrom: { secretKeyRef: { name: 'recyclarr-api-keys', key: 'sonarr-api-key' } } });
    const cfg = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'recyclarr-main')!;
    expect(cfg.data['recyclarr.yml']).toContain('base_url: http://sonarr.media.svc.cluster.local:8989');
  });

  test('no media app runs as root, privileged, with a writable root or a floating tag', () => {
    for (const m of workloads) {
      const pod = m.spec.template.spec;
      const c = pod.containers[0];
      expect([m.metadata.name, pod.securityContext.runAsUser, c.securityContext.privileged, c.securityContext.readOnlyRootFilesystem, /:(latest|main|rolling)$/.test(c.image)])
        .toEqual([m.metadata.name, 1000, false, true, false]);
      expect(c.readinessProbe).toBeDefined();
    }
  });

  test('config and library come from pre-bound NFS volumes on the R730', () => {
    const pv = manifests.find((m) => m.kind === 'PersistentVolume' && m.metadata.name === 'media-sonarr-config')!;
    expect(pv.spec).toEqual({
      capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: '', mountOptions: ['nfsvers=4.1', 'hard'],
      nfs: { server: '192.168.10.100', path: '/mnt/nvme_storage/sonarr' }, claimRef: { namespace: 'media', name: 'sonarr-config' },
    });
    const sonarr = workloads.find((m) => m.metadata.name === 'sonarr')!;
    expect(sonarr.spec.template.spec.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.persistentVolumeClaim.claimName)).toEqual(['sonarr-config', 'media-library']);
  });

  test('Jellyfin stays on k3s1 and the download client on the small nodes', () => {
    const nodesOf = (name: string) => workloads.find((m) => m.metadata.name === name)!.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values;
    expect(nodesOf('jellyfin')).toEqual(['k3s1']);
    expect(nodesOf('sabnzbd')).toEqual(['k3s1', 'k3s2']);
  });

  test('prowlarr may reach the *arr apps, and they may reach sabnzbd, through NetworkPolicies', () => {
    const np = manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'sabnzbd')!;
    expect(np.spec.ingress.map((r: any) => r.from[0].podSelector.matchLabels['app.kubernetes.io/name']).sort()).toEqual(['lidarr', 'radarr', 'sonarr', 'whisparr']);
  });
});
