// Writes a file on a Pi only when it differs, atomically, in one round trip: stdin carries the
// content's sha256 on its first line, then the content; the remote script compares hash, mode and
// owner, and when anything differs writes a temp file in the same directory, checks the hash, sets
// mode and owner, and renames it over the target. A failed write leaves the old file as it was.
// The digest never goes into the command line: the files written are secrets (the MinIO env file,
// the munge key), and any local user could read a digest in the process list and test guesses.
import { createHash } from 'node:crypto';
import type { ExecOptions, Executor, SshTarget } from './executor.ts';
import { sh } from './quote.ts';

export interface RemoteFile {
  /** Absolute path on the Pi. */
  path: string;
  content: string | Buffer;
  /** Permission bits, e.g. 0o644. */
  mode?: number;
  /** User name or numeric id; root by default. */
  owner?: string;
  /** Group name or numeric id; root by default. */
  group?: string;
}

export class RemoteFileError extends Error {
  constructor(
    readonly path: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`writing ${path} failed (exit ${code ?? 'by signal'}): ${stderr.trim()}`);
    this.name = 'RemoteFileError';
  }
}

const accountName = /^(?:[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?|\d{1,10})$/;

// `set --` reuses the positional parameters for stat's fields once the arguments are saved.
// The EXIT trap removes the temp file on any failure; TERM (the executor's timeout) goes
// through it too. The hash of what arrived is checked before the rename, so a cut-off stdin
// never replaces the file.
const script = `set -eu
target=$1 mode=$2 owner=$3 group=$4
IFS= read -r want
if [ -f "$target" ] && [ ! -L "$target" ]; then
  set -- $(stat -c '%a %u %g %U %G' -- "$target")
  if [ "$1" = "$mode" ] && { [ "$2" = "$owner" ] || [ "$4" = "$owner" ]; } &&
     { [ "$3" = "$group" ] || [ "$5" = "$group" ]; } &&
     [ "$(sha256sum < "$target" | cut -d ' ' -f 1)" = "$want" ]; then
    cat > /dev/null
    echo unchanged
    exit 0
  fi
fi
tmp=$(mktemp -- "$(dirname -- "$target")/.bramble-write.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
trap 'exit 143' TERM INT HUP
cat > "$tmp"
if [ "$(sha256sum < "$tmp" | cut -d ' ' -f 1)" != "$want" ]; then
  echo 'content arrived incomplete' >&2
  exit 65
fi
chown -- "$owner:$group" "$tmp"
chmod -- "$mode" "$tmp"
sync -- "$tmp"
mv -f -T -- "$tmp" "$target"
trap - EXIT
echo changed`;

/**
 * Makes `file.path` hold exactly `file.content` with the mode and owner asked, writing only when
 * something differs. Returns true when the file was written. Runs as root unless told otherwise.
 */
export async function writeFileIfChanged(
  executor: Executor,
  target: SshTarget,
  file: RemoteFile,
  options: Pick<ExecOptions, 'timeoutMs' | 'asRoot'> = {},
): Promise<boolean> {
  const mode = file.mode ?? 0o644;
  const owner = file.owner ?? 'root';
  const group = file.group ?? 'root';
  if (!file.path.startsWith('/') || file.path.includes('\0')) throw new Error(`not an absolute path: ${file.path}`);
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new Error(`not a file mode: ${mode}`);
  if (!accountName.test(owner) || !accountName.test(group)) throw new Error(`not a user or group name: ${owner}:${group}`);

  const content = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
  const hash = createHash('sha256').update(content).digest('hex');
  const command = sh`sh -c ${script} bramble-write ${file.path} ${mode.toString(8)} ${owner} ${group}`;
  const stdin = Buffer.concat([Buffer.from(`${hash}\n`), content]);
  const result = await executor.exec(target, command, { ...options, asRoot: options.asRoot ?? true, stdin });
  const verdict = result.stdout.trim();
  if (result.code === 0 && verdict === 'changed') return true;
  if (result.code === 0 && verdict === 'unchanged') return false;
  throw new RemoteFileError(file.path, result.code, result.stderr);
}

/** The digest and content a writeFileIfChanged stdin carries (for the fakes at the SSH edge). */
export function splitFileStdin(stdin: Buffer): { sha256: string; content: Buffer } {
  const newline = stdin.indexOf(0x0a);
  return { sha256: stdin.subarray(0, newline).toString('utf8'), content: stdin.subarray(newline + 1) };
}
