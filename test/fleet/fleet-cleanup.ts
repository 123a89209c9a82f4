// Removes everything a fleet's state file records: its nspawn machines (and every process left
// in their cgroups), overlay mounts, network namespaces, bridge, cgroups and directories. Used
// by teardown and to clean up after a crashed run; it never touches anything not recorded. The
// last fleet gone puts the inotify limit back (inotify-limit.ts).
import { existsSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCommand } from './run-command.ts';
import { stateFile, type FleetState } from './fleet-state.ts';
import { restoreInotifyInstances } from './inotify-limit.ts';
import { cgroupHierarchies, cgroupPids, isAlive, isMounted, isNspawnOf, mountPoints, sleep } from './host-resources.ts';

const poweroffGraceMs = 20_000;

export async function cleanupFleet(state: FleetState): Promise<void> {
  const problems: string[] = [];
  const attempt = async (what: string, step: () => Promise<void> | void): Promise<void> => {
    try {
      await step();
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  };

  await Promise.all(Object.values(state.machines).map(({ pid, machine }) => attempt(`stop ${machine}`, () => stopNspawn(pid, machine))));
  for (const cgroup of state.cgroups) await attempt(`kill cgroup ${cgroup}`, () => killCgroup(cgroup));
  for (const mount of state.mounts) await attempt(`unmount ${mount}`, () => unmount(mount));
  for (const ns of state.netns) await attempt(`delete netns ${ns}`, () => deleteNetns(ns));
  if (state.bridge) {
    const bridge = state.bridge;
    await attempt(`delete bridge ${bridge}`, () => deleteLink(bridge));
  }
  for (const cgroup of state.cgroups) await attempt(`remove cgroup ${cgroup}`, () => removeCgroup(cgroup));
  for (const dir of state.nspawnDirs) await attempt(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  await attempt(`remove ${state.dir}`, () => {
    const stillMounted = mountPoints().filter((m) => m === state.dir || m.startsWith(`${state.dir}/`));
    if (stillMounted.length > 0) throw new Error(`still mounted: ${stillMounted.join(', ')}`);
    rmSync(state.dir, { recursive: true, force: true });
  });
  if (problems.length > 0) {
    throw new Error(`fleet ${state.name} was not fully cleaned up (state kept in ${stateFile(state.name)}):\n  ${problems.join('\n  ')}`);
  }
  rmSync(stateFile(state.name), { force: true });
  restoreInotifyInstances();
}

/** SIGTERM makes nspawn power the container off; SIGKILL only if that does not finish. */
export async function stopNspawn(pid: number, machine: string, graceMs = poweroffGraceMs): Promise<void> {
  if (!isNspawnOf(pid, machine)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isNspawnOf(pid, machine)) {
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid) && Date.now() < deadline + 5_000) await sleep(50);
  }
}

async function killCgroup(cgroup: string): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const pids = cgroupPids(cgroup);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleep(100);
  }
  throw new Error(`processes still alive: ${cgroupPids(cgroup).join(' ')}`);
}

async function unmount(path: string): Promise<void> {
  if (!isMounted(path)) return;
  const result = await runCommand('umount', [path]);
  if (result.code !== 0 && isMounted(path)) {
    // Busy: detach it now; the kernel frees it when the last user goes.
    const lazy = await runCommand('umount', ['--lazy', path]);
    if (lazy.code !== 0) throw new Error(lazy.stderr.trim());
  }
}

async function deleteNetns(name: string): Promise<void> {
  if (!existsSync(join('/run/netns', name))) return;
  // The node's end of its veth pair goes first, which removes the host's end with it: a node whose
  // NetworkManager ran with CAP_NET_ADMIN leaves its namespace alive in the kernel for minutes after
  // its last process, and with it the host's end on the bridge. No eth0 (never made) is not an error.
  await runCommand('ip', ['-n', name, 'link', 'delete', 'eth0']);
  const result = await runCommand('ip', ['netns', 'delete', name]);
  if (result.code !== 0) throw new Error(result.stderr.trim());
}

async function deleteLink(name: string): Promise<void> {
  if (!existsSync(join('/sys/class/net', name))) return;
  const result = await runCommand('ip', ['link', 'delete', name]);
  if (result.code !== 0) throw new Error(result.stderr.trim());
}

function removeCgroup(cgroup: string): void {
  const removeTree = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) removeTree(join(dir, entry.name));
    }
    rmdirSync(dir);
  };
  for (const hierarchy of cgroupHierarchies) {
    removeTree(join(hierarchy, cgroup));
    // The shared parent (bramble-fleet/) goes too once no other fleet uses it.
    try {
      rmdirSync(dirname(join(hierarchy, cgroup)));
    } catch {
      // another fleet is running, or it is already gone
    }
  }
}
