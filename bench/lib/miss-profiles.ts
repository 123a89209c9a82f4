// Where the time goes for a missed target: the phases of bramble's round that the missed targets
// measure, their CPU profiles written as .cpuprofile files (the format `node --cpu-prof` writes;
// open them in Chrome DevTools or speedscope) and the functions with most self time printed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Profiler } from 'node:inspector';
import { summariseProfile } from './cpu-profile.ts';
import type { BramblePhase } from './bramble-round.ts';
import type { Target } from './summary.ts';

/** The phases to profile: each phase measured by at least one missed target, once. Pure. */
export function phasesOfMisses(targets: readonly Target[]): BramblePhase[] {
  return [...new Set(targets.filter((t) => !t.met && Number.isFinite(t.value)).map((t) => t.phase))];
}

/** Writes each phase's profile to `dir` and returns the lines to print: the top functions by self time. */
export function reportProfiles(
  dir: string,
  label: string,
  profiles: Partial<Record<BramblePhase, Profiler.Profile>>,
  targets: readonly Target[],
  top = 8,
): string[] {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (const [phase, profile] of Object.entries(profiles) as [BramblePhase, Profiler.Profile][]) {
    const file = `${label}-${phase}.cpuprofile`;
    writeFileSync(join(dir, file), JSON.stringify(profile));
    const missed = targets
      .filter((t) => !t.met && t.phase === phase)
      .map((t) => t.name)
      .join('; ');
    const summary = summariseProfile(profile, [], top);
    lines.push(`profile of the ${phase} phase (missed: ${missed}), ${summary.busySamples} busy samples of 1 ms, bench/results/${file}:`);
    for (const f of summary.topSelf) lines.push(`    ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}${f.at ? `  ${f.at}` : ''}`);
  }
  return lines;
}
