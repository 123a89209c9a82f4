// Runs `promtool check metrics` (Debian package `prometheus`, installed by
// scripts/setup/40-prometheus.sh) on exposition text; returns its findings.
import { spawnSync } from 'node:child_process';

export function promtoolAvailable(): boolean {
  return spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function promtoolCheckMetrics(text: string): { ok: boolean; findings: string } {
  const res = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  const findings = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim();
  return { ok: res.status === 0 && findings === '', findings };
}
