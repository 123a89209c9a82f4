// Each booted node holds about 7 inotify instances (systemd 5, logind, dbus), all counted
// against root's fs.inotify.max_user_instances (128 by default): 18 nodes use it up, and the
// next node's systemd cannot start its units. Raise the limit before booting a fleet, and put it
// back once the last fleet on the host is gone: a machine-wide setting is not ours to keep.
// What it was before the first raise is written beside the fleets' state files, so a reaper in
// another process (after a crash) restores it too.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fleetsDir } from './fleet-state.ts';

const procFile = '/proc/sys/fs/inotify/max_user_instances';
const perNode = 10;
const headroom = 256;

interface Raised {
  /** The value before any fleet raised it. */
  previous: number;
  /** The value written last; anything else found at restore was set by someone else since. */
  raisedTo: number;
}

const recordFile = (): string => join(fleetsDir(), 'inotify-raised.json');
const readLimit = (file: string): number => Number(readFileSync(file, 'utf8'));

export function ensureInotifyInstances(nodes: number, limitFile = procFile): void {
  const wanted = headroom + perNode * nodes;
  const current = readLimit(limitFile);
  if (current >= wanted) return;
  const earlier = existsSync(recordFile()) ? (JSON.parse(readFileSync(recordFile(), 'utf8')) as Raised) : undefined;
  const record: Raised = { previous: earlier?.previous ?? current, raisedTo: wanted };
  // Recorded before the write, so a crash in between still leaves the value to restore.
  writeFileSync(recordFile(), `${JSON.stringify(record)}\n`);
  writeFileSync(limitFile, String(wanted));
}

/**
 * Puts the limit back to what it was before the first fleet raised it, once no fleet state file
 * is left on the host (another fleet still running needs the raised value). A value someone
 * else set after our raise is theirs and stays. Returns the value restored, if any.
 */
export function restoreInotifyInstances(limitFile = procFile): number | undefined {
  if (!existsSync(recordFile())) return undefined;
  const others = readdirSync(fleetsDir()).filter((f) => f.endsWith('.state.json'));
  if (others.length > 0) return undefined;
  const { previous, raisedTo } = JSON.parse(readFileSync(recordFile(), 'utf8')) as Raised;
  rmSync(recordFile(), { force: true });
  if (readLimit(limitFile) !== raisedTo) return undefined;
  writeFileSync(limitFile, String(previous));
  return previous;
}
