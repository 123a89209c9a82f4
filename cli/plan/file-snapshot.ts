// Reads the current content of the files a plan would write, in one read-only exec per host, so
// `bramble plan` can show real diffs. A symbolic link is never followed (a user could point
// ~/.ssh/authorized_keys at /etc/shadow and have a root read print it) and only regular files
// up to a size limit are read.
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import { shellQuote } from '../../ssh/quote.ts';
import { markerOf } from '../../reconcilers/shared/step-script.ts';

export const snapshotMaxBytes = 256 * 1024;

/** Recognised by test/e2e/counting-executor.ts as a read-only command. */
export const snapshotTag = 'bramble-plan-file-snapshot';

export type FileSnapshot = { kind: 'file'; text: string; truncated: boolean } | { kind: 'absent' } | { kind: 'not-a-file'; what: string };

export function snapshotScript(paths: readonly string[], nonce: string): string {
  return [
    `# ${snapshotTag}`,
    'LC_ALL=C; export LC_ALL',
    `M=${shellQuote(markerOf(nonce))}`,
    'snap() {',
    '  if [ -L "$1" ]; then printf \'%s %s link\\n\' "$M" "$2"',
    `  elif [ -f "$1" ]; then printf '%s %s file\\n' "$M" "$2"; head -c ${snapshotMaxBytes + 1} "$1" | base64`,
    '  elif [ -e "$1" ]; then printf \'%s %s other\\n\' "$M" "$2"',
    '  else printf \'%s %s absent\\n\' "$M" "$2"; fi',
    '}',
    ...paths.map((p, i) => `snap ${shellQuote(p)} ${i}`),
    'printf \'%s end\\n\' "$M"',
    '',
  ].join('\n');
}

/** Pure: the snapshot of each path, in order. Throws when the output was cut short. */
export function parseSnapshot(stdout: string, paths: readonly string[], nonce: string): FileSnapshot[] {
  const marker = `${markerOf(nonce)} `;
  const found = new Map<number, { kind: string; body: string[] }>();
  let current: { kind: string; body: string[] } | undefined;
  let ended = false;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(marker)) {
      current?.body.push(line);
      continue;
    }
    const [index, kind] = line.slice(marker.length).split(' ');
    if (index === 'end') {
      ended = true;
      break;
    }
    current = { kind: kind ?? '', body: [] };
    found.set(Number(index), current);
  }
  if (!ended) throw new Error('the file snapshot did not finish');
  return paths.map((_, i) => {
    const entry = found.get(i);
    if (!entry || entry.kind === 'absent') return { kind: 'absent' };
    if (entry.kind === 'link') return { kind: 'not-a-file', what: 'a symbolic link (not followed)' };
    if (entry.kind !== 'file') return { kind: 'not-a-file', what: 'not a regular file' };
    const bytes = Buffer.from(entry.body.join(''), 'base64');
    const truncated = bytes.length > snapshotMaxBytes;
    return { kind: 'file', text: bytes.subarray(0, snapshotMaxBytes).toString('utf8'), truncated };
  });
}

export const snapshotTimeoutMs = 30_000;

export async function snapshotFiles(
  executor: Executor,
  target: SshTarget,
  paths: readonly string[],
  nonce: string,
): Promise<FileSnapshot[]> {
  if (paths.length === 0) return [];
  const exec = await executor.exec(target, 'sh -s', { asRoot: true, stdin: snapshotScript(paths, nonce), timeoutMs: snapshotTimeoutMs });
  return parseSnapshot(exec.stdout, paths, nonce);
}
