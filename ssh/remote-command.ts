// What is actually sent for a command: wrapped so that it dies on the Pi when its time is up
// (even if the connection is gone by then) and, when asked, runs as root through sudo.
import { shellQuote } from './quote.ts';

export interface WrapOptions {
  /** The SSH user; root needs no sudo. */
  user: string;
  asRoot: boolean;
  timeoutMs: number;
  /** After the timeout's TERM, how long before KILL. */
  killAfterMs: number;
}

// Runs "$3" under coreutils `timeout` (TERM at "$1", KILL "$2" later), which puts the command in
// a new process group, pgid = its pid. `timeout` stops waiting as soon as its direct child dies,
// so descendants that ignored TERM would outlive it: once it is gone, whatever is left in its
// group is killed. A TERM sent to the channel is forwarded the same way. A command that died of
// a signal is re-raised so SSH reports the signal, not 128+n (124 is the timeout's own).
// Background jobs get /dev/null as stdin, so stdin is handed over on fd 3.
const wrapper = `exec 3<&0
timeout -k "$2" "$1" sh -c "$3" <&3 3<&- &
t=$!
exec 3<&-
trap 'kill -TERM "$t" 2>/dev/null' TERM HUP INT
while :; do
  wait "$t"
  s=$?
  kill -0 "$t" 2>/dev/null || break
done
kill -9 "-$t" 2>/dev/null
trap - TERM HUP INT
case "$s" in
  129|130|131|134|137|138|139|140|141|142|143) kill -"$((s - 128))" "$$" ;;
esac
exit "$s"`;

/**
 * `exec sh -c <wrapper> bramble-run <T> <K> <command>`, under `sudo -n` when root is needed and
 * the user is not root (`-n`: fail instead of waiting for a password that never comes).
 */
export function wrapRemoteCommand(command: string, options: WrapOptions): string {
  if (command.includes('\0')) throw new Error('a command cannot contain NUL');
  const sudo = options.asRoot && options.user !== 'root' ? 'sudo -n ' : '';
  const args = [seconds(options.timeoutMs), seconds(options.killAfterMs), command].map(shellQuote).join(' ');
  return `exec ${sudo}sh -c ${shellQuote(wrapper)} bramble-run ${args}`;
}

/**
 * How a command ends when the remote timeout stopped it: exit 124 (it died of TERM) or SIGKILL
 * (it had to be killed). Either can also happen on its own (an `exit 124`, the OOM killer),
 * so the caller also checks that the timeout had passed.
 */
export function endedLikeRemoteTimeout(code: number | null, signal: string | null): boolean {
  return code === 124 || code === 137 || signal === 'SIGKILL' || signal === 'KILL';
}

function seconds(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) throw new Error('a timeout must be a positive number of milliseconds');
  return `${(Math.ceil(ms) / 1000).toFixed(3)}s`;
}
