// Runs the playbook against the fleet the way a person would (ansible-playbook over SSH), under
// GNU time for the CPU of its whole process tree, sampling the tree's RSS for the peak.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gnuTimeFormat, parseGnuTime } from '../lib/gnu-time.ts';
import { samplePeakRss } from '../lib/process-tree.ts';
import { renderAnsibleCfg, renderInventory, type InventoryHost } from './inventory.ts';
import { parseRecap, type Recap } from './recap.ts';

const playbook = fileURLToPath(new URL('./playbook.yml', import.meta.url));

export interface PlaybookRun {
  forks: number;
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  recap: Recap;
}

export interface AnsibleTarget {
  hosts: InventoryHost[];
  privateKeyPath: string;
  knownHosts: string;
}

export async function runPlaybook(target: AnsibleTarget, forks: number): Promise<PlaybookRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-ansible-'));
  try {
    const knownHostsPath = join(dir, 'known_hosts');
    writeFileSync(knownHostsPath, target.knownHosts);
    writeFileSync(join(dir, 'inventory.ini'), renderInventory(target.hosts, target.privateKeyPath));
    writeFileSync(join(dir, 'ansible.cfg'), renderAnsibleCfg({ forks, knownHostsPath }));
    const timeFile = join(dir, 'time');
    const child = spawn(
      '/usr/bin/time',
      ['-f', gnuTimeFormat, '-o', timeFile, 'ansible-playbook', '-i', join(dir, 'inventory.ini'), playbook],
      {
        cwd: dir,
        // The control socket dir and local temp files stay inside this run's directory.
        env: {
          ...process.env,
          ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
          ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
          ANSIBLE_SSH_CONTROL_PATH_DIR: join(dir, 'cp'),
          ANSIBLE_NOCOLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const peak = samplePeakRss(child.pid as number);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15 * 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(timer);
    const peakRssBytes = peak.stop();
    const recap = parseRecap(output);
    if (code !== 0 || recap.failed > 0 || recap.unreachable > 0) {
      // The recap's tail lists hosts that went fine; what failed is on the fatal/ERROR lines.
      const why = output.split('\n').filter((l) => /^(fatal|ERROR)|^\S+\s+: .*(failed=[1-9]|unreachable=[1-9])/.test(l));
      throw new Error(`ansible-playbook exited ${code}: ${why.slice(0, 20).join('\n') || output.slice(-1500)}`);
    }
    const times = parseGnuTime(readFileSync(timeFile, 'utf8'));
    return { forks, wallMs: times.wallMs, cpuMs: times.cpuMs, peakRssBytes, recap };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
