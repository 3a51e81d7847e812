import { Construct } from 'constructs';
import { AppWorkload, Cluster, Distro, Namespace, Probe } from '../../lib';

/** The FastAPI app of seed 001, kept in a ConfigMap as the real deployment did. */
export const APP_PY = `from fastapi import FastAPI

app = FastAPI(title="sophia-backend")


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}
`;

/**
 * The seed-001 "sophia" backend done right. The real Deployment ran `python:3.11-slim` as root,
 * `pip install`ed FastAPI at every start (offline or rate-limited: CrashLoopBackOff) and had
 * first tried to `cp` its code out of a read-only ConfigMap. Here:
 *
 * - the dependencies are in the image, built once from `Dockerfile` next to this file;
 * - the code is the ConfigMap mounted read-only at `/app-source` and executed in place by
 *   uvicorn (`--app-dir`): no copy, no install, no shell;
 * - it runs as a non-root user with a read-only root filesystem (Python writes no bytecode);
 * - a startup probe gives the import time before readiness and liveness take over.
 */
export function buildSophiaBackend(scope: Construct): Cluster {
  const cluster = new Cluster(scope, 'sophia', {
    profile: {
      distro: Distro.K3S,
      version: 'v1.32.5+k3s1',
      nodes: [{ name: 'gh200', allocatable: { cpu: '64', memory: '460Gi' } }],
    },
  });
  const ns = new Namespace(cluster, 'sophia-ai-prod');
  new AppWorkload(ns, 'sophia-backend', {
    image: 'ghcr.io/ai-cherry/sophia-backend-runtime:3.11.9-fastapi0.111.0',
    resources: { cpu: '250m', memory: '512Mi', memoryLimit: '1Gi' },
    ports: [{ name: 'http', port: 8000 }],
    command: ['uvicorn', 'app:app', '--app-dir', '/app-source', '--host', '0.0.0.0', '--port', '8000'],
    env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    config: { source: { mountPath: '/app-source', files: { 'app.py': APP_PY } } },
    probes: {
      startup: Probe.httpGet('/health', { periodSeconds: 5, failureThreshold: 12 }),
      readiness: Probe.httpGet('/health'),
      liveness: Probe.tcpSocket(),
    },
  });
  return cluster;
}
