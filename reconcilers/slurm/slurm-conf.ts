// slurm.conf, cgroup.conf and /etc/default/slurmd for one cluster: pure text from the cluster
// model, identical on every node (slurmctld warns about nodes whose slurm.conf differs). Every
// list is sorted so the same cluster always gives the same bytes, hence the same hash.
import { createHash } from 'node:crypto';
import type { SlurmClusterConfig, SlurmNodeSpec, SlurmPartitionLine } from './types.ts';
import { slurmManagedKeys, slurmRootProgramKeys } from '../../crds/slurmpartition.ts';

export const slurmConfPath = '/etc/slurm/slurm.conf';
export const cgroupConfPath = '/etc/slurm/cgroup.conf';
export const slurmdDefaultsPath = '/etc/default/slurmd';

/** Settings bramble owns; the CRD refuses them in extraConfig at admission, in any case. */
export const managedKeys: readonly string[] = slurmManagedKeys;
const managedLower = new Set(managedKeys.map((k) => k.toLowerCase()));
const rootProgramLower = new Set<string>(slurmRootProgramKeys.map((k) => k.toLowerCase()));

/**
 * Defaults that work on Raspberry Pi OS / Debian bookworm (slurm-wlm 22.05); extraConfig may
 * override these. Why each one:
 * - ProctrackType=proctrack/linuxproc: proctrack/cgroup needs a delegated, writable cgroup
 *   hierarchy, which containers (and the simulated Pis) often lack; linuxproc follows the
 *   process tree and needs nothing. It can lose processes that daemonize, which is acceptable
 *   for a Pi cluster and can be changed here once cgroups are known to work.
 * - TaskPlugin=task/none: no CPU binding, so nothing depends on cgroups or hwloc quirks of the
 *   SoC; task/affinity can be set through extraConfig.
 * - SelectType=select/cons_tres with CR_Core_Memory: cores and memory are consumable, so a
 *   1 GiB Pi is not handed more jobs than it has memory for; DefMemPerCPU (below) keeps a job
 *   that asks for no memory from claiming a whole node.
 * - ReturnToService=2: a node that was DOWN only for not responding (a Pi rebooted) comes back
 *   by itself when its slurmd registers with a valid configuration. Drained nodes stay drained.
 * - MailProg=/bin/true: Raspberry Pi OS Lite has no /bin/mail, and slurmctld logs an error for
 *   every start without it.
 * - Log files in /var/log/slurm, which Debian's packages create owned by slurm.
 */
export const defaultSettings: readonly (readonly [string, string])[] = [
  ['ProctrackType', 'proctrack/linuxproc'],
  ['TaskPlugin', 'task/none'],
  ['SelectType', 'select/cons_tres'],
  ['SelectTypeParameters', 'CR_Core_Memory'],
  ['SchedulerType', 'sched/backfill'],
  ['ReturnToService', '2'],
  ['MpiDefault', 'none'],
  ['MailProg', '/bin/true'],
  ['AccountingStorageType', 'accounting_storage/none'],
  ['JobCompType', 'jobcomp/none'],
  ['JobAcctGatherType', 'jobacct_gather/none'],
  ['SlurmctldLogFile', '/var/log/slurm/slurmctld.log'],
  ['SlurmdLogFile', '/var/log/slurm/slurmd.log'],
  ['SlurmctldDebug', 'info'],
  ['SlurmdDebug', 'info'],
];

/** The keys bramble writes itself, in the order they appear (Debian's package paths). */
function managedSettings(config: SlurmClusterConfig): [string, string][] {
  const c = config.controller;
  return [
    ['ClusterName', config.clusterName],
    // slurmctld compares the name part with its own hostname; the address is how others reach it.
    ['SlurmctldHost', `${c.hostname}(${c.address})`],
    ['AuthType', 'auth/munge'],
    ['CredType', 'cred/munge'],
    ['SlurmUser', 'slurm'],
    ['SlurmctldPort', '6817'],
    ['SlurmdPort', '6818'],
    ['StateSaveLocation', '/var/lib/slurm/slurmctld'],
    ['SlurmdSpoolDir', '/var/lib/slurm/slurmd'],
    ['SlurmctldPidFile', '/run/slurmctld.pid'],
    ['SlurmdPidFile', '/run/slurmd.pid'],
    // No slurmd-to-slurmd fanout (Slurm's documented way is a width of 65533): slurmctld and
    // srun talk to every slurmd directly, so a slurmd whose own line did not change never needs
    // to learn about added or removed nodes, and plan.ts restarts only the affected ones.
    ['TreeWidth', '65533'],
  ];
}

/** Whether extraConfig may set `name` (slurm.conf keys are case-insensitive). */
export function isManagedKey(name: string): boolean {
  return managedLower.has(name.toLowerCase());
}

/** Problems with extraConfig entries, as sentences; empty when they are fine. */
export function extraConfigProblems(entries: readonly { name: string; value: string }[], allowRootPrograms = false): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { name, value } of entries) {
    if (isManagedKey(name)) problems.push(`extraConfig may not set ${name}: bramble manages it`);
    if (!allowRootPrograms && rootProgramLower.has(name.toLowerCase())) {
      problems.push(
        `extraConfig ${name} runs or loads programs as root on every Pi of the cluster; set allowRootPrograms: true (root-equivalent) if that is meant`,
      );
    }
    if (!/^[A-Za-z][A-Za-z0-9]{1,63}$/.test(name))
      problems.push(`extraConfig name ${JSON.stringify(name)} is not a slurm.conf parameter name`);
    // The CRD pattern already holds; this keeps a value from ever breaking the line it is on.
    if (!/^[A-Za-z0-9_,:=/@+%][A-Za-z0-9_,:=/@+%.-]*$/.test(value) || value.includes('..')) {
      problems.push(`extraConfig ${name} has a value that is not one plain word`);
    }
    const lower = name.toLowerCase();
    const before = seen.get(lower);
    if (before !== undefined && before !== value) problems.push(`extraConfig sets ${name} twice with different values`);
    seen.set(lower, value);
  }
  return problems;
}

/** Memory of the smallest node per CPU: what a job that asks for none gets per CPU. */
export function defaultMemPerCpuMiB(nodes: readonly SlurmNodeSpec[]): number | undefined {
  const ratios = nodes.filter((n) => n.cpus > 0).map((n) => Math.floor(n.realMemoryMiB / n.cpus));
  return ratios.length ? Math.max(1, Math.min(...ratios)) : undefined;
}

export function nodeLine(node: SlurmNodeSpec): string {
  return `NodeName=${node.name} NodeAddr=${node.address} CPUs=${node.cpus} RealMemory=${node.realMemoryMiB} State=UNKNOWN`;
}

export function partitionLine(p: SlurmPartitionLine): string {
  // A partition with no nodes is legal in slurm.conf ("Nodes=" empty) but 22.05 warns; omit it.
  const nodes = [...p.nodes].sort();
  return [
    `PartitionName=${p.name}`,
    ...(nodes.length ? [`Nodes=${nodes.join(',')}`] : []),
    `Default=${p.default ? 'YES' : 'NO'}`,
    `MaxTime=${p.maxTime}`,
    `State=${p.state}`,
  ].join(' ');
}

export function controllerLine(config: SlurmClusterConfig): string {
  return `SlurmctldHost=${config.controller.hostname}(${config.controller.address})`;
}

export function renderSlurmConf(config: SlurmClusterConfig): string {
  const extra = new Map(config.extraConfig.map((e) => [e.name.toLowerCase(), e] as const));
  const settings: [string, string][] = [];
  for (const [name, value] of defaultSettings) {
    const override = extra.get(name.toLowerCase());
    settings.push([name, override?.value ?? value]);
    extra.delete(name.toLowerCase());
  }
  const memPerCpu = defaultMemPerCpuMiB(config.nodes);
  const memOverride = extra.get('defmempercpu') ?? extra.get('defmempernode');
  if (memPerCpu !== undefined && !memOverride) settings.push(['DefMemPerCPU', String(memPerCpu)]);
  const rest = [...extra.values()].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  const lines = [
    '# Generated by bramble from the SlurmPartitions of this cluster. Do not edit: it is rewritten.',
    ...managedSettings(config).map(([k, v]) => `${k}=${v}`),
    ...settings.map(([k, v]) => `${k}=${v}`),
    ...rest.map((e) => `${e.name}=${e.value}`),
    ...[...config.nodes].sort((a, b) => (a.name < b.name ? -1 : 1)).map(nodeLine),
    ...[...config.partitions].sort((a, b) => (a.name < b.name ? -1 : 1)).map(partitionLine),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * cgroup.conf: slurmd 22.05 initialises a cgroup plugin even with proctrack/linuxproc, and its
 * autodetection refuses hybrid v1/v2 hosts ("Hybrid mode is not supported"). Naming the plugin
 * for what the node mounts avoids that; Raspberry Pi OS bookworm is pure v2.
 */
export function renderCgroupConf(mode: 'v1' | 'v2'): string {
  return `# Generated by bramble.\nCgroupPlugin=cgroup/${mode}\n`;
}

/** slurmd finds its NodeName from -N instead of the hostname, which many Pis leave as "raspberrypi". */
export function renderSlurmdDefaults(nodeName: string): string {
  return `# Generated by bramble.\nSLURMD_OPTIONS="-N ${nodeName}"\n`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
