// The one rule for where bramble may keep or mount people's data on a Pi (Gluster brick and
// mount paths, MinIO drive paths). The schema holds it as a CEL rule, so `kubectl apply` refuses a
// system path before any controller sees it; the reconcilers call dataPathProblem() on the same
// patterns, so a hand-made or older object is refused too. Chosen as a deny-list of the system
// trees (plus the directories other disks are mounted under) rather than an allow-list of data
// roots: Pi owners mount USB disks anywhere (/data, /storage, /mnt/usb1), and every one of those
// stays valid. Homes outside /home are known only on the Pi: see homeConflicts().

/** Trees that belong to the operating system: a data path may be neither one of them nor inside one. */
export const systemTrees = [
  'bin',
  'boot',
  'dev',
  'etc',
  'home',
  'lib',
  'lib32',
  'lib64',
  'libexec',
  'libx32',
  'lost+found',
  'opt',
  'proc',
  'root',
  'run',
  'sbin',
  'snap',
  'sys',
  'tmp',
  'usr',
  'var',
] as const;

/** Directories other disks are mounted under: fine as parents of a data path, never as one. */
export const mountRoots = ['mnt', 'media', 'srv'] as const;

const treeAlternatives = systemTrees.map((t) => t.replace('+', '[+]')).join('|');

/** RE2 and JavaScript: a path equal to or below a system tree. */
export const systemTreePattern = `^/(${treeAlternatives})(/.*)?$`;

/** RE2 and JavaScript: "/" itself or a mount root itself. */
export const mountRootPattern = `^/(${mountRoots.join('|')})?/?$`;

export const dataPathRuleText =
  'Not a system path: not /, /mnt, /media or /srv themselves, and not in or below ' +
  `${systemTrees.map((t) => `/${t}`).join(', ')} (any user's home is refused on the Pi too).`;

/** The CEL rule every data-path field carries (message shown by kubectl apply). */
export const dataPathCelRule = {
  rule: `!self.matches('${systemTreePattern}') && !self.matches('${mountRootPattern}')`,
  messageExpression: `self + ' is a system path; data must live elsewhere, e.g. /srv/<name>, /mnt/<disk>/<name> or /data/<name>'`,
} as const;

const systemTree = new RegExp(systemTreePattern);
const mountRoot = new RegExp(mountRootPattern);

/** Why `path` may not hold data, or undefined when it may. Same answer as the schema's rule. */
export function dataPathProblem(path: string): string | undefined {
  if (systemTree.test(path) || mountRoot.test(path)) return `${path} is a system path (${dataPathRuleText})`;
  return undefined;
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir.replace(/\/+$/, '')}/`);
}

/**
 * Data paths that are a home directory (from the Pi's passwd), inside one, or hold one: a drive
 * chowned there or a volume mounted over it locks its user out, and a delete would remove it.
 * Homes "/" and "/nonexistent" (system accounts) are ignored.
 */
export function homeConflicts(paths: readonly string[], homes: readonly string[]): { path: string; home: string }[] {
  const real = homes.filter((h) => h.startsWith('/') && h !== '/' && h !== '/nonexistent');
  const out: { path: string; home: string }[] = [];
  for (const path of paths) {
    const home = real.find((h) => within(path, h) || within(h, path));
    if (home) out.push({ path, home });
  }
  return out;
}
