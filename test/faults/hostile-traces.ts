// What a Pi would show if a hostile value had got through to it: a new SSH login in sshd's
// journal, a new command run through sudo (every root command bramble sends goes through
// `sudo -n`, and sudo journals each one with its command line, so this counts per command even
// when the operator reuses a pooled connection that sshd logged only once), and the run's marker
// in a file name or a journal line. Read inside the Pi as root, not over SSH, so looking leaves
// no trace of its own.

export type OnNode = (node: string, command: string) => Promise<string>;

export interface PiEvidence {
  /** sshd "Accepted publickey" lines so far. */
  logins: number;
  /** sudo "COMMAND=" lines so far. */
  sudoCommands: number;
}

async function count(onNode: OnNode, node: string, journal: string, fixed: string): Promise<number> {
  const out = await onNode(node, `journalctl ${journal} --no-pager -o cat | grep -c -F -- '${fixed}' || true`);
  return Number(out);
}

export async function piEvidence(onNode: OnNode, node: string): Promise<PiEvidence> {
  return {
    logins: await count(onNode, node, '-u ssh.service', 'Accepted publickey'),
    sudoCommands: await count(onNode, node, '_COMM=sudo', 'COMMAND='),
  };
}

/** Files whose name holds `marker` and journal lines that mention it, on one Pi. */
export async function markerTraces(onNode: OnNode, node: string, marker: string): Promise<string[]> {
  if (!/^[a-z0-9-]+$/.test(marker)) throw new Error(`marker ${marker} is not a plain word`);
  const files = await onNode(
    node,
    // Not -xdev: /tmp and /run are mounts of their own in the Pi.
    `find / \\( -path /proc -o -path /sys -o -path /dev -o -path /usr -o -path /var/lib/dpkg \\) -prune -o -name '*${marker}*' -print 2>/dev/null || true`,
  );
  const journal = await onNode(node, `journalctl --no-pager -o cat | grep -F -- '${marker}' || true`);
  return [
    ...files
      .split('\n')
      .filter(Boolean)
      .map((f) => `${node}: file ${f}`),
    ...journal
      .split('\n')
      .filter(Boolean)
      .map((l) => `${node}: journal ${l}`),
  ];
}
