import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { EXAMPLES } from '../../examples';
import { buildGpuTimeSlicing } from '../../examples/gpu-time-slicing/main';
import { renderClusterTree } from '../../lib';
import { createValidator } from '../schema/validator';

jest.setTimeout(60_000);

describe('example gpu-time-slicing', () => {
  const cluster = buildGpuTimeSlicing(new App({ outdir: '/nonexistent' }));
  const s = cluster.synthesize();
  const tree = renderClusterTree(cluster, s);
  const file = (path: string) => YAML.parse(tree.get(path)!);

  test('is registered and passes its own policies (the device plugin and DCGM only with their exemptions)', () => {
    expect(EXAMPLES.find((e) => e.name === 'gpu-time-slicing')?.build).toBe(buildGpuTimeSlicing);
    expect(s.errors).toEqual([]);
    expect(s.findings.filter((f) => !f.exemption)).toEqual([]);
    expect([...new Set(s.findings.map((f) => f.name))].sort()).toEqual(['dcgm-exporter', 'nvidia-device-plugin']);
  });

  test('the apps request the renamed shared resource, with the quota derived from them', () => {
    const ollama = file('llm/ollama/deployment-ollama.yaml');
    expect(ollama.spec.template.spec.containers[0].resources).toEqual({ limits: { memory: '24Gi', 'nvidia.com/gpu.shared': 1 }, requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu.shared': 1 } });
    expect(ollama.spec.template.spec.tolerations).toEqual([{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }]);
    expect(file('llm/namespace/resourcequota-gpu.yaml').spec.hard).toEqual({ 'requests.nvidia.com/gpu.shared': 2 });
    expect(YAML.parse(file('nvidia-gpu/nvidia-device-plugin/configmap-nvidia-device-plugin-configs.yaml').data['rtx-shared']).sharing.timeSlicing)
      .toEqual({ renameByDefault: true, failRequestsGreaterThanOne: true, resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] });
  });

  test('the README\'s budget row is what REPORT.md says', () => {
    const row = s.report.find((r) => r.title === 'GPU budgets')!.lines.find((l) => l.startsWith('| gpu-node'));
    expect(row).toBe('| gpu-node | 1× RTX 3090 | nvidia.com/gpu.shared | time-sliced ×4 (config "rtx-shared") | 4 | 2 | llm/ollama, llm/whisper | 20Gi / 24Gi |');
    expect(tree.get('REPORT.md')).toContain('## GPU budgets');
  });

  test('every object validates', () => {
    const v = createValidator();
    expect(s.objects.flatMap((o) => v.validate(o.manifest))).toEqual([]);
  });
});
