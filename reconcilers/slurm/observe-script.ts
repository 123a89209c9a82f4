// The one read-only script a Slurm observe sends to each host (as root, over `sh -s`): what is
// installed and running, hashes of the files bramble writes, and — on the controller — what
// Slurm itself says. Sections are framed by a per-run marker (see ../shared/parse-sections.ts).
import { observeFrame, probeLines, sectionLimits, type Probe } from '../shared/observe-frame.ts';
import { bootStateProbe } from '../shared/boot-state.ts';
import { cgroupConfPath, slurmConfPath, slurmdDefaultsPath } from './slurm-conf.ts';
import { hostOwnerPath, stateOwnerPath } from './ownership.ts';

export const slurmPackages = ['munge', 'slurm-client', 'slurmctld', 'slurmd'] as const;
export const mungeKeyPath = '/etc/munge/munge.key';
export const ctldStampPath = '/var/lib/slurm/bramble-slurmctld.applied';
export const slurmdStampPath = '/var/lib/slurm/bramble-slurmd.applied';
export const managedFiles = [slurmConfPath, cgroupConfPath, slurmdDefaultsPath] as const;

/** Every Slurm client call is bounded: a silent slurmctld must not hold the observe. */
const slurmCall = (command: string) => `command -v scontrol >/dev/null && timeout 20 ${command}`;

const hostProbes: Probe[] = [
  ['hostname', 'hostname -s || uname -n'],
  ['cgroupfs', 'stat -fc %T /sys/fs/cgroup'],
  ['packages', `dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\n' ${slurmPackages.join(' ')}`],
  ['munge-key', `[ -f ${mungeKeyPath} ] && stat -c '%U %G %a' ${mungeKeyPath} && sha256sum < ${mungeKeyPath}`],
  ['files', `for f in ${managedFiles.join(' ')}; do [ -f "$f" ] && printf '%s %s\\n' "$f" "$(sha256sum < "$f" | cut -d ' ' -f 1)"; done`],
  [
    'services',
    `for s in munge slurmd slurmctld; do printf '%s %s %s\\n' "$s" "$(systemctl is-active "$s")" "$(systemctl is-enabled "$s")"; done`,
  ],
  ['stamp-slurmctld', `cat ${ctldStampPath}`],
  ['stamp-slurmd', `cat ${slurmdStampPath}`],
  // Whose cluster this Pi and its StateSaveLocation are (ownership.ts); the first line only.
  ['owner', `head -n 1 ${hostOwnerPath}`],
  ['state-owner', `head -n 1 ${stateOwnerPath}`],
  bootStateProbe,
];

/** What Slurm prints about a big cluster: about 700 bytes per node line, 40 per job. */
const slurmListLimitBytes = 1024 * 1024;

const controllerProbes: Probe[] = [
  ['deployed-nodes', `grep '^NodeName=' ${slurmConfPath}`, slurmListLimitBytes],
  ['ping', slurmCall('scontrol ping')],
  ['nodes', slurmCall('scontrol show node -o'), slurmListLimitBytes],
  ['partitions', slurmCall("sinfo -h -o '%R|%a'")],
  ['jobs', slurmCall("squeue -h -o '%i|%P|%T|%N'"), slurmListLimitBytes],
];

/** The sections with their own bound, for parse-observed.ts. */
export const slurmSectionLimits = sectionLimits(controllerProbes);

export function slurmObserveScript(isController: boolean, nonce: string): string {
  return observeFrame(probeLines([...hostProbes, ...(isController ? controllerProbes : [])]), nonce);
}
