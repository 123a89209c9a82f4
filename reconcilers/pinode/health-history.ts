// The health history in status.health: the firmware's and the kernel's records reset at every
// boot, so bramble keeps, per problem, when it was first and last seen and how many boots showed
// it. A boot is known by its boot id (or its boot time): the same boot seen again on a resync
// does not count twice, a reboot whose since-boot bit is set again counts one more. Pure.
import type { HealthHistoryEntry, HealthProblem, PiNodeHealthStatus } from '../../crds/pinode-health.ts';
import type { PiNodeFacts } from './pinode-types.ts';

/** eMMC life_time level 9 = 80-90% of its rated life used; pre_eol_info 2 = 80% of the reserve used. */
export const emmcLifeTimeHighLevel = 9;
export const emmcPreEolWarningLevel = 2;
/** Writes per day are estimated only once the Pi has been up this long (a boot writes a burst). */
export const writesEstimateMinUptimeSeconds = 3600;

const flagProblems: Record<string, HealthProblem> = {
  'under-voltage-now': 'UnderVoltage',
  'under-voltage-occurred': 'UnderVoltage',
  'frequency-capped-now': 'FrequencyCapped',
  'frequency-capped-occurred': 'FrequencyCapped',
  'throttled-now': 'Throttled',
  'throttled-occurred': 'Throttled',
  'soft-temp-limit-now': 'SoftTempLimit',
  'soft-temp-limit-occurred': 'SoftTempLimit',
};

/** Every problem this observe shows, now or earlier in this boot. */
export function problemsSeen(facts: PiNodeFacts): Set<HealthProblem> {
  const seen = new Set<HealthProblem>();
  for (const flag of facts.throttledFlags ?? []) {
    const problem = flagProblems[flag];
    if (problem) seen.add(problem);
  }
  const h = facts.health;
  if ((h?.underVoltageMessages ?? 0) > 0) seen.add('UnderVoltage');
  if ((h?.readOnlyMounts?.length ?? 0) > 0 || (h?.readOnlyRemountMessages ?? 0) > 0) seen.add('ReadOnlyRemount');
  if ((h?.ext4Errors ?? 0) > 0) seen.add('Ext4Errors');
  if ((h?.emmcLifeTimeLevel ?? 0) >= emmcLifeTimeHighLevel || (h?.emmcPreEolLevel ?? 0) >= emmcPreEolWarningLevel) seen.add('EmmcWearHigh');
  return seen;
}

/** What names this boot: the kernel's boot id, else the boot time by the controller's clock. */
function bootOf(facts: PiNodeFacts): string | undefined {
  return facts.bootId ?? facts.bootTime;
}

function historyWith(previous: readonly HealthHistoryEntry[], seen: Set<HealthProblem>, boot: string, now: string): HealthHistoryEntry[] {
  const byProblem = new Map(previous.map((e) => [e.problem, e]));
  for (const problem of seen) {
    const before = byProblem.get(problem);
    byProblem.set(
      problem,
      before
        ? { ...before, lastSeen: now, boots: before.boots + (before.lastBoot === boot ? 0 : 1), lastBoot: boot }
        : { problem, firstSeen: now, lastSeen: now, boots: 1, lastBoot: boot },
    );
  }
  return [...byProblem.values()];
}

function writesPerDay(facts: PiNodeFacts): number | undefined {
  const bytes = facts.health?.bytesWrittenSinceBoot;
  const uptime = facts.uptimeSeconds;
  if (bytes === undefined || uptime === undefined || uptime < writesEstimateMinUptimeSeconds) return undefined;
  return Math.round((bytes / uptime) * 86_400);
}

/** The history after one observe; `facts` carry bootTime already (status.ts withBootTime). */
export function nextHealth(previous: PiNodeHealthStatus | undefined, facts: PiNodeFacts, now: Date): PiNodeHealthStatus | undefined {
  const boot = bootOf(facts);
  const history = boot
    ? historyWith(previous?.history ?? [], problemsSeen(facts), boot, now.toISOString().replace('.000Z', 'Z'))
    : (previous?.history ?? []);
  const estimate = writesPerDay(facts) ?? previous?.writesPerDayBytes;
  const health: PiNodeHealthStatus = {};
  if (history.length > 0) health.history = history;
  if (estimate !== undefined) health.writesPerDayBytes = estimate;
  return Object.keys(health).length > 0 ? health : undefined;
}
