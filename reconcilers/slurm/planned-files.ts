// Pure: the files a host's Slurm steps write inside their scripts, with the content they write,
// for `bramble plan`'s diffs (the munge key goes over stdin as a file write and is never shown).
import type { PlannedFile } from '../contract.ts';
import type { Phase } from '../shared/phased-apply.ts';
import { renderCgroupConf, renderSlurmdDefaults, cgroupConfPath, slurmConfPath, slurmdDefaultsPath } from './slurm-conf.ts';
import type { HostObservation } from './parse-observed.ts';

export function slurmFilesOf(
  phases: readonly Phase[],
  confText: string,
  observed: ReadonlyMap<string, HostObservation>,
): Map<string, PlannedFile[]> {
  const out = new Map<string, PlannedFile[]>();
  for (const phase of phases) {
    for (const [host, work] of phase) {
      const o = observed.get(host);
      if (!o) continue;
      const content: Record<string, [string, string]> = {
        'slurm-conf': [slurmConfPath, confText],
        'cgroup-conf': [cgroupConfPath, renderCgroupConf(o.cgroup)],
        'slurmd-defaults': [slurmdDefaultsPath, renderSlurmdDefaults(host)],
      };
      for (const item of work) {
        if ('file' in item) continue;
        const file = content[item.name];
        if (file) out.set(host, [...(out.get(host) ?? []), { step: item.name, path: file[0], content: file[1] }]);
      }
    }
  }
  return out;
}
