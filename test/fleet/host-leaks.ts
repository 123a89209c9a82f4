// What a fleet left on the host after its teardown, found by looking at the host itself rather
// than at the fleet's state file (a leak is exactly what the state file failed to record or
// cleanup failed to remove): network namespaces, veths, the bridge, cgroups, nspawn machines,
// processes rooted in a node's disk, mounts, directories and the state file. Fleet tests call it
// after teardown and expect an empty list.
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fleetLayout } from './layout.ts';
import { fleetsDir, stateFile } from './fleet-state.ts';
import { cgroupHierarchies, mountPoints } from './host-resources.ts';

const list = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

function processes(): { pid: string; argv: string[]; root: string }[] {
  return list('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        let root = '';
        try {
          root = readlinkSync(`/proc/${pid}/root`);
        } catch {
          // a kernel thread or a process of another user namespace: no root to read
        }
        return [{ pid, argv, root }];
      } catch {
        return []; // exited while we looked
      }
    });
}

/** One line per thing fleet `name` left behind on this host; empty when it left nothing. */
export function hostLeaks(name: string): string[] {
  const { tag, bridge } = fleetLayout(name, 1);
  const dir = join(fleetsDir(), name);
  const leaks: string[] = [];
  const ofNode =
    (prefix: string) =>
    (s: string): boolean =>
      s.startsWith(prefix) && /^\d+$/.test(s.slice(prefix.length));
  for (const ns of list('/run/netns')) if (ofNode(`bramble-${name}-pi`)(ns)) leaks.push(`network namespace ${ns}`);
  for (const link of list('/sys/class/net')) {
    if (ofNode(`bv${tag}-`)(link)) leaks.push(`veth ${link}`);
    if (link === bridge) leaks.push(`bridge ${link}`);
  }
  for (const hierarchy of cgroupHierarchies) {
    const cgroup = join(hierarchy, 'bramble-fleet', name);
    if (existsSync(cgroup)) leaks.push(`cgroup ${cgroup}`);
  }
  for (const p of processes()) {
    const nspawn = p.argv.some((a) => a.endsWith('systemd-nspawn')) && p.argv.some(ofNode(`--machine=${name}-pi`));
    if (nspawn) leaks.push(`nspawn machine (pid ${p.pid}): ${p.argv.find((a) => a.startsWith('--machine='))}`);
    else if (p.root === dir || p.root.startsWith(`${dir}/`)) leaks.push(`process ${p.pid} (${p.argv[0]}) rooted in ${p.root}`);
  }
  for (const m of mountPoints()) if (m === dir || m.startsWith(`${dir}/`)) leaks.push(`mount ${m}`);
  for (const d of list('/run/systemd/nspawn/propagate'))
    if (ofNode(`${name}-pi`)(d)) leaks.push(`nspawn directory /run/systemd/nspawn/propagate/${d}`);
  if (existsSync(dir)) leaks.push(`directory ${dir}`);
  if (existsSync(stateFile(name))) leaks.push(`state file ${stateFile(name)}`);
  return leaks;
}
