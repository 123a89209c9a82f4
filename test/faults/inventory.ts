// An inventory of a simulated Pi's disk — every path outside /proc /sys /dev /run /tmp and the
// journal, with its type, mode, owner, size and content checksum — and the difference between
// two of them. The destructive-spec suite takes one before and one after each case: the only
// differences allowed are what the case declared bramble creates or removes.
//
// Read from the host through the node's overlay: the merged view gives every path's metadata,
// and the content of a file can differ from the shared base image only if the node wrote it, in
// which case it sits in the overlay's upper directory. So files in the upper directory are
// hashed, and every other file's content is the image's (hash "image"); changing a file (even
// its mode) copies it up, so the comparison sees every content change without hashing the image.
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';

export interface Entry {
  /** f file, d directory, l symlink, o other (fifo, socket, device). */
  type: 'f' | 'd' | 'l' | 'o';
  mode: string;
  owner: string;
  size: number;
  /** sha256 of a file the node wrote, "image" for a file as the base image has it; the target of a link. */
  content: string;
}

export type Inventory = Map<string, Entry>;

/** Left out of every inventory: kernel and runtime filesystems, scratch space, the journal. */
export const excludedTrees = ['/proc', '/sys', '/dev', '/run', '/tmp', '/var/log/journal'];

export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /** For "changed": what differs, e.g. "mode 755→700, content". */
  detail: string;
}

function excluded(path: string): boolean {
  return excludedTrees.some((t) => path === t || path.startsWith(`${t}/`));
}

function typeOf(st: Stats): Entry['type'] {
  if (st.isFile()) return 'f';
  if (st.isDirectory()) return 'd';
  if (st.isSymbolicLink()) return 'l';
  return 'o';
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Paths (as the node sees them) of regular files in the upper directory, with their sha256. */
async function upperHashes(upper: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of readdirSync(dir)) {
      const path = `${rel}/${name}`;
      if (excluded(path)) continue;
      const full = join(dir, name);
      const st = lstatSync(full);
      if (st.isDirectory()) await walk(full, path);
      else if (st.isFile()) out.set(path, await sha256(full));
    }
  };
  await walk(upper, '');
  return out;
}

/**
 * The inventory of one node's disk. `root` is the node's merged root as the host sees it, `upper`
 * its overlay upper directory. Filesystems mounted inside the node (FUSE mounts) are not in the
 * merged view, so a Gluster mount's content is inventoried where it lives: in the bricks.
 */
export async function takeInventory(root: string, upper: string): Promise<Inventory> {
  const written = await upperHashes(upper);
  const inventory: Inventory = new Map();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir)) {
      const path = `${rel}/${name}`;
      if (excluded(path)) continue;
      const full = join(dir, name);
      const st = lstatSync(full);
      const type = typeOf(st);
      const content = type === 'l' ? readlinkSync(full) : type === 'f' ? (written.get(path) ?? 'image') : '';
      inventory.set(path, {
        type,
        mode: (st.mode & 0o7777).toString(8),
        owner: `${st.uid}:${st.gid}`,
        size: type === 'd' ? 0 : st.size,
        content,
      });
      if (type === 'd') walk(full, path);
    }
  };
  walk(root, '');
  return inventory;
}

function entryDiff(a: Entry, b: Entry): string {
  const parts: string[] = [];
  if (a.type !== b.type) parts.push(`type ${a.type}→${b.type}`);
  if (a.mode !== b.mode) parts.push(`mode ${a.mode}→${b.mode}`);
  if (a.owner !== b.owner) parts.push(`owner ${a.owner}→${b.owner}`);
  if (a.size !== b.size) parts.push(`size ${a.size}→${b.size}`);
  if (a.content !== b.content) parts.push('content');
  return parts.join(', ');
}

/** Every path added, removed or changed from `before` to `after`, sorted by path. */
export function diffInventories(before: Inventory, after: Inventory): Change[] {
  const changes: Change[] = [];
  for (const [path, a] of before) {
    const b = after.get(path);
    if (!b) changes.push({ path, kind: 'removed', detail: '' });
    else {
      const detail = entryDiff(a, b);
      if (detail) changes.push({ path, kind: 'changed', detail });
    }
  }
  for (const path of after.keys()) if (!before.has(path)) changes.push({ path, kind: 'added', detail: '' });
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/**
 * What a case declares: path rules for what bramble may create, remove or change on a node.
 * A rule is a path, a path ending in "/**" (that directory and everything below it), or "**" then
 * the end of a path (that file in any directory).
 */
export interface Declared {
  added?: readonly string[];
  removed?: readonly string[];
  changed?: readonly string[];
}

export function matches(rule: string, path: string): boolean {
  if (rule.startsWith('**/')) return path.endsWith(rule.slice(2));
  if (rule.endsWith('/**')) {
    const dir = rule.slice(0, -3);
    return path === dir || path.startsWith(`${dir}/`);
  }
  return rule === path;
}

/** The changes no rule declares. */
export function undeclared(changes: readonly Change[], declared: Declared): Change[] {
  return changes.filter((c) => !(declared[c.kind] ?? []).some((r) => matches(r, c.path)));
}
