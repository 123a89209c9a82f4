// The control plane's files hold every Secret in the clear (state.db and its -wal/-shm), the
// admin token, the CA key and kubeconfigs: each is made private (directory 0700, file 0600) on
// every start, whatever mode it was left with, or the start is refused with the reason.
import { chmodSync, closeSync, constants, existsSync, fchmodSync, fstatSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

function refuse(path: string, mode: number, wanted: number, err: unknown): Error {
  const why = err instanceof Error ? err.message : String(err);
  return new Error(
    `${path} has mode ${octal(mode)} and could not be made private (${octal(wanted)}): ${why}. ` +
      'It holds secrets: fix its owner or mode, or use another --data-dir.',
  );
}

function narrow(path: string, wanted: number): void {
  const { mode } = statSync(path);
  if ((mode & 0o777) === wanted) return;
  try {
    chmodSync(path, wanted);
  } catch (err) {
    throw refuse(path, mode, wanted, err);
  }
}

/** Creates `dir` (and parents) or, when it exists, narrows its mode to 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  narrow(dir, DIR_MODE);
}

/** Narrows an existing file's mode to 0600 (nothing happens when it does not exist). */
export function ensurePrivateFile(file: string): void {
  if (existsSync(file)) narrow(file, FILE_MODE);
}

/** Creates the file 0600 if it is missing (empty), or narrows its mode: before SQLite opens it. */
export function touchPrivateFile(file: string): void {
  closeSync(openSync(file, constants.O_WRONLY | constants.O_CREAT, FILE_MODE));
  ensurePrivateFile(file);
}

/**
 * Writes `content` to `file` with mode 0600: an existing file (which keeps its mode on a plain
 * write) is narrowed first, through the same descriptor, before a byte of the secret lands in it.
 */
export function writePrivateFile(file: string, content: string): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new Error(`${file} is a symbolic link: refusing to write secrets through it; name the real file`);
    }
    throw err;
  }
  try {
    const { mode } = fstatSync(fd);
    if ((mode & 0o777) !== FILE_MODE) {
      try {
        fchmodSync(fd, FILE_MODE);
      } catch (err) {
        throw refuse(file, mode, FILE_MODE, err);
      }
    }
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}
