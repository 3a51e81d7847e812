import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { buildHomelab } from '../../stacks/homelab';
import { createValidator } from '../schema/validator';

jest.setTimeout(60_000);

describe('homelab GPU platform and ai namespace', () => {
  const cluster = buildHomelab(new App({ outdir: '/nonexistent' }));
  const s = cluster.synthesize();
  const manifests = s.objects.map((o) => o.manifest);
  const get = (kind: string, name: string, namespace?: string) => {
    const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name && (namespace === undefined || m.metadata.namespace === namespace));
    if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
    return found[0];
  };
  const pod = (name: string, namespace: string) => get('Deployment', name, namespace).spec.template.spec;

  test('the T4 on k3s3 is time-sliced ×4 by the config its label selects; other NVIDIA nodes get whole GPUs', () => {
    const data = get('ConfigMap', 'nvidia-device-plugin-configs', 'nvidia-gpu').data;
    expect(YAML.parse(data['t4-time-sliced']).sharing).toEqual({ timeSlicing: { renameByDefault: false, failRequestsGreaterThanOne: true, resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] } });
    expect(YAML.parse(data['whole-gpu']).sharing).toBeUndefined();
    const ds = get('DaemonSet', 'nvidia-device-plugin', 'nvidia-gpu').spec.template.spec;
    expect(ds.containers.find((c: any) => c.name === 'config-manager').env.find((e: any) => e.name === 'DEFAULT_CONFIG').value).toBe('whole-gpu');
    expect(ds.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['k3s3']);
    expect(ds.volumes[0].hostPath).toEqual({ path: '/var/lib/kubelet/device-plugins', type: 'Directory' });
  });

  test('RuntimeClass nvidia is adopted from K3s v1.32, not synthesized', () => {
    expect(manifests.filter((m) => m.kind === 'RuntimeClass')).toEqual([]);
  });

  test('Ollama and Automatic1111 each take one time-sliced GPU on k3s3 with their GPU memory declared; Open WebUI takes none', () => {
    for (const [name, memory] of [['ollama', '6Gi'], ['automatic1111', '8Gi']]) {
      const d = get('Deployment', name, 'ai');
      const spec = d.spec.template.spec;
      expect([name, spec.runtimeClassName, spec.containers[0].resources.requests['nvidia.com/gpu'], spec.containers[0].resources.limits['nvidia.com/gpu'], d.spec.template.metadata.annotations['hardened-homelab.io/gpu-memory'], d.spec.strategy.type])
        .toEqual([name, 'nvidia', 1, 1, memory, 'Recreate']);
      expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['k3s3']);
    }
    const webui = pod('open-webui', 'ai');
    expect([webui.runtimeClassName, Object.keys(webui.containers[0].resources.limits)]).toEqual([undefined, ['memory']]);
  });

  test('no AI pod is privileged, runs as root or sets NVIDIA_VISIBLE_DEVICES; images are pinned and ports real', () => {
    for (const [name, port, image] of [['ollama', 11434, 'docker.io/ollama/ollama:0.9.0'], ['open-webui', 8080, 'ghcr.io/open-webui/open-webui:v0.6.15'], ['automatic1111', 7860, 'docker.io/universonic/stable-diffusion-webui:v1.10.1']] as const) {
      const c = pod(name, 'ai').containers[0];
      expect([name, c.image, c.ports[0].containerPort, c.securityContext.privileged, c.securityContext.runAsNonRoot, (c.env ?? []).some((e: any) => e.name === 'NVIDIA_VISIBLE_DEVICES')])
        .toEqual([name, image, port, false, true, false]);
    }
  });

  test('Open WebUI reaches Ollama through its Service, and Ollama admits only Open WebUI', () => {
    const env = pod('open-webui', 'ai').containers[0].env;
    expect(env.find((e: any) => e.name === 'OLLAMA_BASE_URL')).toEqual({ name: 'OLLAMA_BASE_URL', value: 'http://ollama.ai.svc.cluster.local:11434' });
    expect(env.find((e: any) => e.name === 'WEBUI_SECRET_KEY')).toEqual({ name: 'WEBUI_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'open-webui', key: 'secret-key' } } });
    expect(get('NetworkPolicy', 'ollama', 'ai').spec.ingress.map((r: any) => r.from[0].podSelector.matchLabels['app.kubernetes.io/name'])).toEqual(['open-webui']);
  });

  test('Automatic1111 runs without insecure extension access, its state under /data', () => {
    expect(pod('automatic1111', 'ai').containers[0].args).toEqual(['--listen', '--port', '7860', '--api', '--data-dir', '/data', '--xformers', '--medvram', '--skip-prepare-environment']);
  });

  test('the ai GPU quota admits both GPU apps (the real one allowed 1) and no Intel GPU; media\'s admits Jellyfin\'s share and no NVIDIA GPU', () => {
    expect(get('ResourceQuota', 'gpu', 'ai').spec.hard).toEqual({ 'requests.gpu.intel.com/i915': 0, 'requests.nvidia.com/gpu': 2 });
    expect(get('ResourceQuota', 'gpu', 'media').spec.hard).toEqual({ 'requests.gpu.intel.com/i915': 1, 'requests.nvidia.com/gpu': 0 });
  });

  test('Jellyfin takes one of the 10 QuickSync shares of k3s1, with the host\'s video and render groups', () => {
    const spec = pod('jellyfin', 'media');
    expect(spec.containers[0].resources.limits['gpu.intel.com/i915']).toBe(1);
    expect(spec.securityContext.supplementalGroups).toEqual([44, 109]);
    expect(get('GpuDevicePlugin', 'intel-gpu-plugin').spec).toEqual({ image: 'docker.io/intel/intel-gpu-plugin:0.36.0', sharedDevNum: 10, logLevel: 2, nodeSelector: { 'intel.feature.node.kubernetes.io/gpu': 'true' } });
  });

  test('the Intel operator waits for Node Feature Discovery, and the GpuDevicePlugin for the operator', () => {
    expect(get('HelmRelease', 'intel-device-plugins-operator').spec.dependsOn).toEqual([{ name: 'node-feature-discovery', namespace: 'node-feature-discovery' }, { name: 'cert-manager', namespace: 'cert-manager' }]);
  });

  test('DCGM runs on k3s3 without privilege or added capabilities, scraped by Prometheus, with GPU alerts', () => {
    const c = get('DaemonSet', 'dcgm-exporter', 'nvidia-gpu').spec.template.spec.containers[0];
    expect([c.securityContext.privileged, c.securityContext.capabilities, (c.env ?? []).some((e: any) => e.name === 'NVIDIA_VISIBLE_DEVICES')]).toEqual([false, { drop: ['ALL'] }, false]);
    expect(get('PrometheusRule', 'dcgm-exporter').spec.groups[0].rules.map((r: any) => r.alert)).toEqual(['GpuTemperatureHigh', 'GpuTemperatureCritical', 'GpuMemoryNearlyFull', 'GpuMetricsMissing']);
  });

  test('the GPU node agents are exempt from exactly these rules, each with a reason; nothing else in the GPU namespaces is', () => {
    const exempt = s.findings.filter((f) => f.exemption && ['nvidia-gpu', 'intel-device-plugins', 'node-feature-discovery', 'ai'].includes(f.namespace ?? ''));
    const byObject = new Map<string, Set<string>>();
    for (const f of exempt) byObject.set(f.name!, (byObject.get(f.name!) ?? new Set()).add(f.ruleId));
    expect(Object.fromEntries([...byObject].map(([k, v]) => [k, [...v].sort()]))).toEqual({
      'nvidia-device-plugin': ['HK-GPU-07', 'HK-PRB-01', 'HK-PRB-02', 'HK-SEC-03', 'HK-SEC-04', 'HK-SEC-12', 'HK-SEC-20'],
      'dcgm-exporter': ['HK-GPU-07', 'HK-SEC-03', 'HK-SEC-04', 'HK-SEC-12'],
      // the allow-all ingress policy UpstreamChart gives each chart's pods (its ports are the chart's)
      'intel-device-plugins-operator-upstream': ['HK-NET-12'],
      'node-feature-discovery-upstream': ['HK-NET-12'],
    });
    expect(exempt.every((f) => (f.exemption ?? '').length >= 10)).toBe(true);
    expect(s.findings.filter((f) => f.ruleId.startsWith('HK-GPU-') && !f.exemption)).toEqual([]);
  });

  test('REPORT.md gets the GPU budget: 2 of 4 T4 slices, 14Gi of 16Gi declared; 1 of 10 QuickSync shares on k3s1', () => {
    const section = s.report.find((r) => r.title === 'GPU budgets')!;
    expect(section.lines.filter((l) => l.startsWith('| k3s'))).toEqual([
      '| k3s3 | 1× Tesla T4 | nvidia.com/gpu | time-sliced ×4 (config "t4-time-sliced") | 4 | 2 | ai/ollama, ai/automatic1111 | 14Gi / 16Gi |',
      '| k3s1 | 1× UHD Graphics 630 (QuickSync) | gpu.intel.com/i915 | shared by 10 (intel-gpu-plugin sharedDevNum) | 10 | 1 | media/jellyfin | – |',
      '| k3s2 | 1× UHD Graphics 630 (QuickSync) | gpu.intel.com/i915 | shared by 10 (intel-gpu-plugin sharedDevNum) | 10 | 0 | – | – |',
    ]);
  });

  test('every GPU object validates against its schema', () => {
    const validator = createValidator();
    const gpuObjects = s.objects.filter((o) => ['nvidia-gpu', 'intel-device-plugins', 'node-feature-discovery', 'ai'].includes(o.folder)).map((o) => o.manifest);
    expect(gpuObjects.length).toBeGreaterThan(40);
    expect(gpuObjects.flatMap((m) => validator.validate(m))).toEqual([]);
  });
});
