// What every fault case reads while a fault is on: the apply a fault must land in, the Events
// and sshd logins since a moment, and a sampler that records every moment an unaffected resource
// was not Ready (so "stays Ready" is checked throughout, not only at the end).
import type { FaultFleet } from '../e2e/converged-fleet.ts';
import type { Call } from '../e2e/call-log.ts';
import { waitFor } from '../e2e/wait.ts';

/** Whether a call is an apply (a step script) rather than an observe or a file write. */
export const isApply = (c: Call): boolean => c.stdin.includes('run_step ');

const sameCall = (a: Call, b: Call): boolean => a.operator === b.operator && a.at === b.at && a.host === b.host && a.command === b.command;

/**
 * Polls the call log until an apply to `host` that began after `since` is running (and, given
 * `script`, whose step script matches it), and returns it.
 */
export async function applyInFlight(ff: FaultFleet, host: string, since: number, script = /./, timeoutMs = 180_000): Promise<Call> {
  let found: Call | undefined;
  await waitFor(
    `an apply to ${host} matching ${script} to start`,
    timeoutMs,
    async () => {
      found = ff.calls().find((c) => c.host === host && c.at >= since && isApply(c) && script.test(c.stdin) && !c.end);
      return found !== undefined;
    },
    25,
  );
  return found!;
}

/** The same call read again once it has ended. */
export async function endOf(ff: FaultFleet, call: Call, timeoutMs: number): Promise<NonNullable<Call['end']>> {
  let end: Call['end'];
  await waitFor('the interrupted apply to end', timeoutMs, async () => {
    end = ff.calls().find((c) => sameCall(c, call))?.end;
    return end !== undefined;
  });
  return end!;
}

export interface TimedEvent {
  reason: string;
  type: string;
  note?: string;
  regarding?: { name?: string; kind?: string };
  eventTime?: string;
  series?: { lastObservedTime?: string };
  deprecatedLastTimestamp?: string;
}

/** Events about `name` last seen at or after `since` (whole seconds or better). */
export async function eventsSince(ff: FaultFleet, kind: string, name: string, since: number): Promise<TimedEvent[]> {
  const items = (await ff.events()) as TimedEvent[];
  const floor = Math.floor(since / 1000) * 1000;
  return items.filter((e) => {
    if (e.regarding?.name !== name || (e.regarding?.kind ?? '').toLowerCase() !== kind.toLowerCase()) return false;
    const times = [e.series?.lastObservedTime, e.eventTime, e.deprecatedLastTimestamp]
      .filter((t): t is string => !!t)
      .map((t) => Date.parse(t));
    return times.some((t) => t >= floor);
  });
}

/**
 * sshd's "Accepted publickey" lines on `node` after the last "Server listening" line at or after
 * `since`: logins the sshd started then accepted (read inside the Pi, from its journal).
 */
export async function loginsAfterRestart(
  ff: FaultFleet,
  node: string,
  since: number,
): Promise<{ restartedAt: number | undefined; logins: string[] }> {
  const out = await ff.onNode(node, `journalctl -u ssh.service --no-pager -o short-unix --since @${Math.floor(since / 1000)}`);
  const lines = out.split('\n');
  let restart = -1;
  lines.forEach((l, i) => {
    if (/Server listening on/.test(l)) restart = i;
  });
  const restartedAt = restart >= 0 ? Number(lines[restart]!.split(' ')[0]) * 1000 : undefined;
  return { restartedAt, logins: lines.slice(restart + 1).filter((l) => /Accepted publickey/.test(l)) };
}

/**
 * Samples every resource's Ready in the background until stopped. A resource `affected` names may
 * do as it likes; any other one seen not Ready is recorded. A sample the control plane could not
 * answer (it is down on purpose in some cases) is counted apart.
 */
export class ReadinessWatch {
  readonly violations: string[] = [];
  samples = 0;
  unanswered = 0;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly ff: FaultFleet,
    private readonly affected: (kind: string, name: string) => boolean,
    everyMs = 1_000,
  ) {
    this.loop = (async () => {
      while (!this.stopped) {
        const at = new Date().toISOString();
        const r = await this.ff.readiness().catch(() => undefined);
        if (r) {
          this.samples++;
          for (const x of r)
            if (!this.affected(x.kind, x.name) && x.ready !== 'True')
              this.violations.push(`${at} ${x.kind}/${x.name}=${x.ready}(${x.reason}: ${x.message})`);
        } else {
          this.unanswered++;
        }
        await new Promise((res) => setTimeout(res, everyMs));
      }
    })();
  }

  async stop(): Promise<this> {
    this.stopped = true;
    await this.loop;
    return this;
  }
}
