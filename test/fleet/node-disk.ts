// A node's disk: an overlay on the shared base image, so each node starts as a fresh copy and
// keeps what it writes across power cycles. Per-node files are written before the first boot.
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun } from './run-command.ts';
import { record, type FleetState } from './fleet-state.ts';
import { isMounted } from './host-resources.ts';
import type { NodeLayout } from './layout.ts';

/** uid/gid of the `pi` user made by test/fleet/image/customize.sh. */
const piUid = 1000;

export interface NodeDisk {
  /** The node's root directory as the host sees it (the overlay's merged view). */
  root: string;
  dir: string;
}

export async function mountNodeDisk(state: FleetState, node: NodeLayout, baseRoot: string): Promise<NodeDisk> {
  const dir = join(state.dir, 'nodes', node.name);
  const [upper, work, root] = ['upper', 'work', 'root'].map((d) => join(dir, d)) as [string, string, string];
  for (const d of [upper, work, root]) mkdirSync(d, { recursive: true });
  record(state, 'mounts', root);
  if (!isMounted(root)) {
    await mustRun('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${baseRoot},upperdir=${upper},workdir=${work}`, root]);
  }
  return { root, dir };
}

export function writeNodeIdentity(disk: NodeDisk, hostname: string, authorizedKey: string): void {
  writeFileSync(join(disk.root, 'etc/hostname'), `${hostname}\n`);
  // Like a fresh Raspberry Pi OS: only the node itself; bramble adds the others later.
  writeFileSync(
    join(disk.root, 'etc/hosts'),
    `127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\nff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n\n127.0.1.1\t${hostname}\n`,
  );
  writeAuthorizedKey(join(disk.root, 'root/.ssh'), authorizedKey, 0);
  writeAuthorizedKey(join(disk.root, 'home/pi/.ssh'), authorizedKey, piUid);
}

function writeAuthorizedKey(sshDir: string, key: string, uid: number): void {
  mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  chownSync(sshDir, uid, uid);
  const file = join(sshDir, 'authorized_keys');
  writeFileSync(file, `${key.trim()}\n`, { mode: 0o600 });
  chownSync(file, uid, uid);
}

/** The node's ed25519 host public key as "ssh-ed25519 AAAA…" (no comment), once it exists. */
export function readHostKey(disk: NodeDisk): string | undefined {
  const file = join(disk.root, 'etc/ssh/ssh_host_ed25519_key.pub');
  if (!existsSync(file)) return undefined;
  const [type, blob] = readFileSync(file, 'utf8').trim().split(/\s+/);
  return type && blob ? `${type} ${blob}` : undefined;
}
