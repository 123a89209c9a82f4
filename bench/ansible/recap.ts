// Reads ansible-playbook's PLAY RECAP: what the run did per host, summed. Pure.

export interface Recap {
  hosts: number;
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
}

export function parseRecap(output: string): Recap {
  const start = output.lastIndexOf('PLAY RECAP');
  if (start < 0) throw new Error(`no PLAY RECAP in ansible output: ${output.slice(-400)}`);
  const recap: Recap = { hosts: 0, ok: 0, changed: 0, unreachable: 0, failed: 0 };
  for (const line of output.slice(start).split('\n').slice(1)) {
    const m = /^\S+\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/.exec(line.trim());
    if (!m) continue;
    recap.hosts++;
    recap.ok += Number(m[1]);
    recap.changed += Number(m[2]);
    recap.unreachable += Number(m[3]);
    recap.failed += Number(m[4]);
  }
  return recap;
}
