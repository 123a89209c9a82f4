// Puts the simulated Pis in the state every contender starts from: the local apt source, the
// python3-apt Ansible's apt module needs (Raspberry Pi OS ships it; the image does not), and a
// reset that undoes the workload so each first run does the same work. Not timed.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Fleet } from '../../test/fleet/fleet.ts';
import { resetScript } from './workload.ts';

const debsDir = join(process.env.BRAMBLE_CACHE ?? '/var/cache/bramble', 'bench-debs');

async function mustExec(fleet: Fleet, node: string, command: string): Promise<void> {
  const r = await fleet.exec(node, command, { timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`${node}: ${command.split('\n')[0]}: ${r.stderr.slice(-500)}`);
}

async function eachNode(fleet: Fleet, run: (node: string) => Promise<void>, limit = 4): Promise<void> {
  const queue = fleet.nodes.map((n) => n.name);
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let node = queue.shift(); node; node = queue.shift()) await run(node);
    }),
  );
}

export async function prepareFleet(fleet: Fleet): Promise<void> {
  if (!existsSync(join(debsDir, '.done'))) throw new Error(`no python3-apt packages in ${debsDir}: run bash scripts/bench-setup.sh`);
  const debs = readdirSync(debsDir).filter((f) => f.endsWith('.deb'));
  await eachNode(fleet, async (node) => {
    for (const deb of debs) copyFileSync(join(debsDir, deb), join(fleet.rootDir(node), 'var/tmp', deb));
    await mustExec(
      fleet,
      node,
      [
        `echo 'deb [trusted=yes] ${fleet.aptRepoUrl} ./' > /etc/apt/sources.list.d/local.list`,
        'apt-get update -qq',
        `DEBIAN_FRONTEND=noninteractive dpkg -i ${debs.map((d) => `/var/tmp/${d}`).join(' ')} >/dev/null`,
        `rm -f ${debs.map((d) => `/var/tmp/${d}`).join(' ')}`,
      ].join(' && '),
    );
  });
}

export async function resetFleet(fleet: Fleet): Promise<void> {
  await eachNode(fleet, (node) => mustExec(fleet, node, resetScript(node)));
}
