// Each booted node holds about 7 inotify instances (systemd 5, logind, dbus), all counted
// against root's fs.inotify.max_user_instances (128 by default): 18 nodes use it up, and the
// next node's systemd cannot start its units. Raise the limit before booting a fleet.
import { readFileSync, writeFileSync } from 'node:fs';

const limitFile = '/proc/sys/fs/inotify/max_user_instances';
const perNode = 10;
const headroom = 256;

export function ensureInotifyInstances(nodes: number): void {
  const wanted = headroom + perNode * nodes;
  const current = Number(readFileSync(limitFile, 'utf8'));
  if (current < wanted) writeFileSync(limitFile, String(wanted));
}
