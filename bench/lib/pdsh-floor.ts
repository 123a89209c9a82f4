// The floor: what `pdsh -R ssh -f N` costs for the same number of SSH round trips bramble needs,
// doing the same work with no checks (the one-liners bramble replaces). CPU of its tree through
// GNU time, as for Ansible.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gnuTimeFormat, parseGnuTime } from './gnu-time.ts';
import { samplePeakRss } from './process-tree.ts';

export interface PdshTarget {
  addresses: string[];
  privateKeyPath: string;
  knownHosts: string;
}

export interface PdshRun {
  roundTrips: number;
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
}

async function pdshOnce(
  target: PdshTarget,
  dir: string,
  command: string,
): Promise<{ wallMs: number; cpuMs: number; peakRssBytes: number }> {
  const knownHostsPath = join(dir, 'known_hosts');
  writeFileSync(knownHostsPath, target.knownHosts);
  const timeFile = join(dir, 'time');
  const n = target.addresses.length;
  const child = spawn(
    '/usr/bin/time',
    ['-f', gnuTimeFormat, '-o', timeFile, 'pdsh', '-R', 'ssh', '-f', String(n), '-l', 'pi', '-w', target.addresses.join(','), command],
    {
      env: {
        ...process.env,
        PDSH_SSH_ARGS: `-i ${target.privateKeyPath} -o UserKnownHostsFile=${knownHostsPath} -o StrictHostKeyChecking=yes -o BatchMode=yes -l%u %h`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const peak = samplePeakRss(child.pid as number);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const peakRssBytes = peak.stop();
  if (code !== 0) throw new Error(`pdsh exited ${code}: ${output.slice(-1500)}`);
  return { ...parseGnuTime(readFileSync(timeFile, 'utf8')), peakRssBytes };
}

/** Runs the commands one after another, each on every host at once. */
export async function runPdsh(target: PdshTarget, commands: readonly string[]): Promise<PdshRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-pdsh-'));
  try {
    const run: PdshRun = { roundTrips: commands.length, wallMs: 0, cpuMs: 0, peakRssBytes: 0 };
    for (const command of commands) {
      const r = await pdshOnce(target, dir, command);
      run.wallMs += r.wallMs;
      run.cpuMs += r.cpuMs;
      run.peakRssBytes = Math.max(run.peakRssBytes, r.peakRssBytes);
    }
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
