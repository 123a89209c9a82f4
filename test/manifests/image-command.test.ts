// The image's command, proven without a Docker engine: install exactly what the image installs
// into an empty directory, copy exactly what it copies, then run its ENTRYPOINT from there
// against the embedded control plane until /readyz answers 200 on the health port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stageImage } from './image-stage.ts';
import { loadCatalog } from './metric-catalog.ts';
import { freePort } from '../free-port.ts';

async function status(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined;
  }
}

void test(
  'the image entrypoint, installed as the image installs it, serves /readyz on the embedded control plane',
  {
    timeout: 20 * 60_000,
  },
  async () => {
    const stage = stageImage();
    if (stage.installed)
      process.stderr.write(`image-command: npm ci --omit=dev took ${Math.round(stage.installMs / 1000)} s (cached for next runs)\n`);
    const dataDir = mkdtempSync(join(tmpdir(), 'bramble-image-run-'));
    const [health, metrics, api] = [await freePort(), await freePort(), await freePort()];
    const [command, ...args] = stage.entrypoint;
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dataDir, NODE_ENV: 'production', TMPDIR: dataDir };
    // As the image's USER when this runs as root: the app directory is root's, so like the
    // image's read-only root filesystem nothing can be written there; only the data dir can.
    const asImageUser =
      stage.user && process.getuid?.() === 0
        ? ['setpriv', `--reuid=${stage.user.uid}`, `--regid=${stage.user.gid}`, '--clear-groups', '--']
        : [];
    if (asImageUser.length > 0) chownSync(dataDir, stage.user!.uid, stage.user!.gid);
    const argv = [...asImageUser, command === 'node' ? process.execPath : command!];
    const child = spawn(
      argv[0]!,
      [
        ...argv.slice(1),
        ...args,
        '--data-dir',
        dataDir,
        '--listen',
        `127.0.0.1:${api}`,
        '--health-probe-bind-address',
        `127.0.0.1:${health}`,
        '--metrics-bind-address',
        `127.0.0.1:${metrics}`,
      ],
      { cwd: stage.dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let exitCode: number | null | undefined;
    void exited.then((c) => (exitCode = c));
    try {
      const started = Date.now();
      let ready: number | undefined;
      while (Date.now() - started < 120_000 && exitCode === undefined) {
        ready = await status(`http://127.0.0.1:${health}/readyz`);
        if (ready === 200) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(exitCode, undefined, `the entrypoint exited (${exitCode}) before it was ready:\n${output}`);
      assert.equal(ready, 200, `/readyz never answered 200 within 120 s:\n${output}`);
      process.stderr.write(`image-command: /readyz 200 after ${Date.now() - started} ms\n`);
      assert.equal(await status(`http://127.0.0.1:${health}/healthz`), 200);
      if (asImageUser.length > 0) {
        const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        assert.equal(Number(uid), stage.user!.uid, 'runs as the image user');
      }
      const text = await (await fetch(`http://127.0.0.1:${metrics}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
      assert.match(text, /^# HELP /m, 'the metrics port serves Prometheus text');
      // The live endpoint exposes the catalogued families the rules and dashboard query. Slurm,
      // Gluster and MinIO gauges come with their reconcilers and are left out until then.
      const exposed = new Set([...text.matchAll(/^# HELP (\S+) /gm)].map((m) => m[1]!));
      const expected = Object.keys(loadCatalog().metrics).filter((n) => !/^bramble_(slurm|gluster|minio)_/.test(n));
      assert.deepEqual(
        expected.filter((n) => !exposed.has(n)),
        [],
        'catalogued metrics missing from the live /metrics',
      );
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
      assert.notEqual(code, 'timeout', 'stops within 15 s of SIGTERM');
      assert.equal(code, 0, `a clean stop on SIGTERM:\n${output}`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);
