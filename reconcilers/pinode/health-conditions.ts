// PowerHealthy and StorageHealthy from one observe's facts and the kept history. They describe
// the Pi's hardware, not whether bramble configured it, so they never make Ready False (a Pi
// that is under-volted is still configured); status.ts sets them beside Reachable and Configured.
// A Warning Event when one turns False with a new reason. Pure.
import { findCondition } from '../../crds/conditions.ts';
import type { HealthProblem, PiNodeHealthStatus } from '../../crds/pinode-health.ts';
import type { ReconcileEvent } from '../contract.ts';
import type { ConditionValue } from '../shared/status-verdict.ts';
import { emmcLifeTimeHighLevel, emmcPreEolWarningLevel } from './health-history.ts';
import type { PiNodeFacts, PiNodeStatus } from './pinode-types.ts';

export const healthConditionTypes = ['PowerHealthy', 'StorageHealthy'] as const;

const words: Record<HealthProblem, string> = {
  UnderVoltage: 'under-voltage',
  FrequencyCapped: 'frequency capping',
  Throttled: 'throttling',
  SoftTempLimit: 'the soft temperature limit',
  ReadOnlyRemount: 'a read-only remount',
  Ext4Errors: 'ext4 errors',
  EmmcWearHigh: 'high eMMC wear',
};

/** "; history: under-voltage on 2 boots, first 2026-…, last 2026-…" for the given problems. */
function historyNote(health: PiNodeHealthStatus | undefined, problems: readonly HealthProblem[]): string {
  const parts = (health?.history ?? [])
    .filter((e) => problems.includes(e.problem))
    .map((e) => `${words[e.problem]} on ${e.boots} boot${e.boots === 1 ? '' : 's'}, first ${e.firstSeen}, last ${e.lastSeen}`);
  return parts.length > 0 ? `; history: ${parts.join('; ')}` : '';
}

const powerProblems: HealthProblem[] = ['UnderVoltage', 'FrequencyCapped', 'Throttled', 'SoftTempLimit'];
const storageProblems: HealthProblem[] = ['ReadOnlyRemount', 'Ext4Errors', 'EmmcWearHigh'];

function powerVerdict(facts: PiNodeFacts): ConditionValue {
  const flags = new Set(facts.throttledFlags ?? []);
  const messages = facts.health?.underVoltageMessages ?? 0;
  const bits = facts.throttled ? ` (get_throttled ${facts.throttled})` : '';
  if (flags.has('under-voltage-now'))
    return ['False', 'UnderVoltage', `the firmware reports under-voltage now${bits}; replace the power supply or cable`];
  if (flags.has('under-voltage-occurred') || messages > 0) {
    return [
      'False',
      'UnderVoltageSinceBoot',
      `under-voltage occurred since boot${bits}, ${messages} kernel message${messages === 1 ? '' : 's'}; replace the power supply or cable`,
    ];
  }
  if (flags.has('throttled-now') || flags.has('frequency-capped-now'))
    return ['False', 'Throttled', `the CPU is throttled or frequency-capped now${bits}; check cooling`];
  if (flags.has('soft-temp-limit-now')) return ['False', 'SoftTempLimit', `the soft temperature limit is active now${bits}; check cooling`];
  if (flags.has('throttled-occurred') || flags.has('frequency-capped-occurred') || flags.has('soft-temp-limit-occurred')) {
    return ['False', 'ThrottledSinceBoot', `the CPU was throttled or frequency-capped since boot${bits}; check cooling`];
  }
  if (facts.throttled) return ['True', 'PowerOK', `no under-voltage or throttling since boot${bits}`];
  if (facts.health?.underVoltageMessages === 0)
    return ['True', 'NoUnderVoltageLogged', 'no vcgencmd on the Pi; the kernel logged no under-voltage since boot'];
  return ['Unknown', 'NotReported', 'the Pi reports neither vcgencmd get_throttled nor a kernel log'];
}

function storageVerdict(facts: PiNodeFacts): ConditionValue {
  const h = facts.health;
  if (!h) return ['Unknown', 'NotReported', 'the Pi reported no mounts, ext4 or block device statistics'];
  if ((h.readOnlyMounts?.length ?? 0) > 0)
    return ['False', 'ReadOnlyRemount', `mounted read-only: ${(h.readOnlyMounts ?? []).join(', ')}; the card or disk may be failing`];
  if ((h.readOnlyRemountMessages ?? 0) > 0)
    return ['False', 'ReadOnlyRemount', `the kernel remounted a filesystem read-only ${h.readOnlyRemountMessages} time(s) since boot`];
  if ((h.ext4Errors ?? 0) > 0)
    return ['False', 'Ext4Errors', `ext4 recorded ${h.ext4Errors} error(s); run fsck and plan to replace the card`];
  if ((h.emmcLifeTimeLevel ?? 0) >= emmcLifeTimeHighLevel || (h.emmcPreEolLevel ?? 0) >= emmcPreEolWarningLevel) {
    return [
      'False',
      'EmmcWearHigh',
      `eMMC life_time level ${h.emmcLifeTimeLevel ?? '?'} of 11, pre_eol_info ${h.emmcPreEolLevel ?? '?'}; replace the storage soon`,
    ];
  }
  return ['True', 'StorageOK', 'no read-only mounts, ext4 errors or eMMC wear reported'];
}

/** The two conditions, each message followed by the history of its problems. */
export function healthConditions(
  facts: PiNodeFacts,
  health: PiNodeHealthStatus | undefined,
): Record<(typeof healthConditionTypes)[number], ConditionValue> {
  const [ps, pr, pm] = powerVerdict(facts);
  const [ss, sr, sm] = storageVerdict(facts);
  return {
    PowerHealthy: [ps, pr, pm + historyNote(health, powerProblems)],
    StorageHealthy: [ss, sr, sm + historyNote(health, storageProblems)],
  };
}

/** A Warning when a health condition turns False with a reason it did not have before (counts in messages change every observe). */
export function healthEvents(previous: PiNodeStatus | undefined, current: PiNodeStatus): ReconcileEvent[] {
  return healthConditionTypes.flatMap((type) => {
    const now = findCondition(current.conditions, type);
    const before = findCondition(previous?.conditions, type);
    if (now?.status !== 'False' || (before?.status === 'False' && before.reason === now.reason)) return [];
    return [{ type: 'Warning' as const, reason: now.reason, message: now.message }];
  });
}
