// A network change on one Pi, like `netplan try`: the try script arms the Pi's own rollback timer
// and schedules the switch (network-scripts.ts); bramble then keeps trying the change's address
// and confirms there. Not reached within the timer: the Pi restores itself, and bramble goes
// back to the old address and reads the Pi's state to report what happened. Never both lost:
// bramble stops confirming before the Pi's timer fires, so a confirm can not race a rollback.
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import { maskSecrets, tail } from '../shared/mask-secrets.ts';
import { reachabilityFailure } from '../shared/ssh-failure.ts';
import { confirmScript, networkStateDir, switchDelaySeconds, tryScript } from './network-scripts.ts';
import { shellQuote } from '../../ssh/quote.ts';
import type { NetworkAction } from './network-plan.ts';

export interface NetworkTiming {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTiming: NetworkTiming = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type TryOutcome =
  | { outcome: 'confirmed'; address: string; elapsedMs: number }
  /** Nothing was switched: the try script refused or failed before arming. */
  | { outcome: 'failed'; message: string }
  | { outcome: 'rolledBack'; message: string; elapsedMs: number }
  /** Neither address answered well after the timer: reported as unreachable. */
  | { outcome: 'lost'; message: string };

const confirmPollMs = 1_000;
const confirmExecTimeoutMs = 8_000;
/** Stop confirming this long before the Pi's timer fires: a late confirm could otherwise land mid-rollback. */
const confirmMarginMs = 3_000;
/** How long after the timer bramble keeps trying the old address. */
const rollbackGraceMs = 60_000;

type Try = Extract<NetworkAction, { kind: 'try' }>;

function describeFailure(error: unknown): string {
  const failure = reachabilityFailure(error);
  if (!failure) throw error;
  return failure.message;
}

/** Runs the confirm script at `target`: 'confirmed', the phase the Pi reports instead, or undefined when not yet. */
export async function confirmAt(
  executor: Executor,
  target: SshTarget,
  iface: string,
  token: string,
  staticIp: string | undefined,
): Promise<{ result: 'confirmed' | 'notYet' | 'ended'; detail: string }> {
  const exec = await executor.exec(target, 'sh -s', {
    asRoot: true,
    stdin: confirmScript(iface, token, staticIp),
    timeoutMs: confirmExecTimeoutMs,
  });
  const out = exec.stdout.trim();
  if (exec.code === 0 && out === 'confirmed') return { result: 'confirmed', detail: out };
  if (exec.code === 3) return { result: 'ended', detail: out };
  return { result: 'notYet', detail: out || tail(maskSecrets(exec.stderr, [target.privateKey]), 256) };
}

async function readState(executor: Executor, target: SshTarget, iface: string): Promise<string> {
  const exec = await executor.exec(target, `cat ${shellQuote(`${networkStateDir}/${iface}.state`)}`, {
    asRoot: true,
    timeoutMs: confirmExecTimeoutMs,
  });
  return exec.stdout.trim();
}

export async function tryNetworkChange(
  executor: Executor,
  target: SshTarget,
  action: Try,
  timing: NetworkTiming = realTiming,
): Promise<TryOutcome> {
  const { network, token } = action.change;
  const iface = network.interface;
  const armed = await executor.exec(target, 'sh -s', { asRoot: true, stdin: tryScript(action.change), timeoutMs: 60_000 });
  if (armed.code !== 0 || armed.stdout.trim() !== 'armed') {
    return {
      outcome: 'failed',
      message: `network change not started: ${tail(maskSecrets(armed.stderr, [target.privateKey]), 512).trim() || `exited ${armed.code ?? armed.signal ?? '?'}`}`,
    };
  }
  const started = timing.now();
  const timerMs = network.rollbackAfterSeconds * 1000;
  const next: SshTarget = { ...target, host: action.reachAt };
  let lastSeen = 'not tried';
  await timing.sleep(switchDelaySeconds * 1000 + 500);
  while (timing.now() - started < timerMs - confirmMarginMs) {
    try {
      const confirmed = await confirmAt(executor, next, iface, token, action.staticIp);
      if (confirmed.result === 'confirmed') return { outcome: 'confirmed', address: action.reachAt, elapsedMs: timing.now() - started };
      // "confirmed" here: an earlier confirm went through but its answer was lost.
      if (confirmed.result === 'ended' && confirmed.detail === 'confirmed')
        return { outcome: 'confirmed', address: action.reachAt, elapsedMs: timing.now() - started };
      lastSeen = confirmed.detail;
      if (confirmed.result === 'ended') break;
    } catch (error) {
      lastSeen = describeFailure(error);
    }
    await timing.sleep(confirmPollMs);
  }
  // Not confirmed: the Pi's timer restores the old network. Wait it out, then ask the old address.
  const rollbackAt = started + timerMs + 1_000;
  if (timing.now() < rollbackAt) await timing.sleep(rollbackAt - timing.now());
  let oldSeen = 'not tried';
  while (timing.now() - rollbackAt < rollbackGraceMs) {
    try {
      const state = await readState(executor, target, iface);
      if (state === `rolled-back ${token}`) {
        return {
          outcome: 'rolledBack',
          elapsedMs: timing.now() - started,
          message: `not confirmed at ${action.reachAt} within ${network.rollbackAfterSeconds}s (last: ${lastSeen}); the Pi restored its previous network and answers at ${target.host} again`,
        };
      }
      oldSeen = `state ${state || 'missing'}`;
    } catch (error) {
      oldSeen = describeFailure(error);
    }
    await timing.sleep(confirmPollMs * 2);
  }
  return {
    outcome: 'lost',
    message: `network change not confirmed at ${action.reachAt} (last: ${lastSeen}), and the old address ${target.host} did not answer after the rollback timer (last: ${oldSeen})`,
  };
}
