// Reads what slurmObserveScript printed into a typed observation of one host. Pure.
import { parseSections, sectionText, type Sections } from '../shared/parse-sections.ts';
import * as pattern from '../../crds/patterns.ts';
import { bootStateProbe, isBooting } from '../shared/boot-state.ts';
import { slurmSectionLimits } from './observe-script.ts';
import { parseScontrolNodes, type ScontrolNode } from './parse-scontrol.ts';
import { controllerAnswers, parseSinfoPartitions, parseSqueueCounts, type JobCounts, type SinfoPartition } from './parse-sinfo.ts';
import type { SlurmNodeSpec } from './types.ts';

export interface ServiceState {
  active: boolean;
  enabled: boolean;
}

export interface ControllerObservation {
  answers: boolean;
  nodes: ScontrolNode[];
  partitions: SinfoPartition[];
  jobs: Map<string, JobCounts>;
  /** NodeName lines of the slurm.conf on the controller now. */
  deployedNodes: SlurmNodeSpec[];
}

export interface HostObservation {
  /** `hostname -s`, when it is a valid host name (an RFC 1123 label). */
  hostname?: string;
  /** What the Pi printed instead, quoted and cut, for the message. */
  invalidHostname?: string;
  cgroup: 'v1' | 'v2';
  installed: Set<string>;
  mungeKey?: { owner: string; group: string; mode: string; sha256: string };
  /** sha256 of each file bramble writes, by path; absent files are missing. */
  files: Map<string, string>;
  services: Map<string, ServiceState>;
  ctldStamp?: string;
  slurmdStamp?: string;
  /** /var/lib/slurm/bramble-owner and the StateSaveLocation's marker, unparsed (see ownership.ts). */
  owner?: string;
  stateOwner?: string;
  controller?: ControllerObservation;
  /** systemd is still booting the host (see ../shared/boot-state.ts). */
  booting?: boolean;
}

function lines(sections: Sections, name: string): string[] {
  return (sectionText(sections, name) ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

const hostnamePattern = new RegExp(pattern.dnsLabel);
const nodeNamePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const nodeAddrPattern = /^[A-Za-z0-9]([A-Za-z0-9.:-]{0,251}[A-Za-z0-9])?$/;

/** NodeName lines of the controller's slurm.conf; they are written back while a node leaves, so only well-formed ones count. */
export function parseDeployedNodes(text: string): SlurmNodeSpec[] {
  const out: SlurmNodeSpec[] = [];
  for (const line of text.split('\n')) {
    const pairs = new Map(
      line
        .trim()
        .split(/\s+/)
        .map((t) => [t.slice(0, t.indexOf('=')).toLowerCase(), t.slice(t.indexOf('=') + 1)] as const),
    );
    const name = pairs.get('nodename');
    const cpus = Number(pairs.get('cpus'));
    const mem = Number(pairs.get('realmemory'));
    const address = pairs.get('nodeaddr');
    if (!name || !address || !Number.isInteger(cpus) || !Number.isInteger(mem)) continue;
    if (!nodeNamePattern.test(name) || !nodeAddrPattern.test(address) || cpus < 0 || mem < 0) continue;
    out.push({ name, address, cpus, realMemoryMiB: mem });
  }
  return out;
}

export function parseHostObservation(blob: string, nonce: string, isController: boolean): HostObservation {
  const sections = parseSections(blob, nonce, slurmSectionLimits);
  const installed = new Set<string>();
  for (const line of lines(sections, 'packages')) {
    const [name, status] = line.split('\t');
    if (name && status?.startsWith('ii')) installed.add(name);
  }
  const files = new Map<string, string>();
  for (const line of lines(sections, 'files')) {
    const [path, hash] = line.split(' ');
    if (path && hash) files.set(path, hash);
  }
  const services = new Map<string, ServiceState>();
  for (const line of lines(sections, 'services')) {
    const [name, active, enabled] = line.split(' ');
    if (name) services.set(name, { active: active === 'active', enabled: enabled === 'enabled' });
  }
  const key = lines(sections, 'munge-key');
  const [owner, group, mode] = (key[0] ?? '').split(' ');
  const keyHash = (key[1] ?? '').split(' ')[0];
  const observation: HostObservation = {
    cgroup: sectionText(sections, 'cgroupfs') === 'cgroup2fs' ? 'v2' : 'v1',
    installed,
    files,
    services,
    booting: isBooting(sectionText(sections, bootStateProbe[0])),
  };
  // Text from the Pi that goes into slurm.conf (SlurmctldHost=) is checked first: a name with a
  // newline or a space would add a line or a parameter on every node.
  const hostname = sectionText(sections, 'hostname');
  if (hostname && hostnamePattern.test(hostname)) observation.hostname = hostname;
  else if (hostname) observation.invalidHostname = JSON.stringify(hostname.slice(0, 80));
  if (owner && group && mode && keyHash) observation.mungeKey = { owner, group, mode, sha256: keyHash };
  const ctldStamp = sectionText(sections, 'stamp-slurmctld');
  if (ctldStamp) observation.ctldStamp = ctldStamp;
  const slurmdStamp = sectionText(sections, 'stamp-slurmd');
  if (slurmdStamp) observation.slurmdStamp = slurmdStamp;
  const ownerMark = sectionText(sections, 'owner');
  if (ownerMark) observation.owner = ownerMark;
  const stateOwner = sectionText(sections, 'state-owner');
  if (stateOwner) observation.stateOwner = stateOwner;
  if (isController) {
    const answers = controllerAnswers(sectionText(sections, 'ping') ?? '');
    observation.controller = {
      answers,
      nodes: answers ? parseScontrolNodes(sectionText(sections, 'nodes') ?? '') : [],
      partitions: answers ? parseSinfoPartitions(sectionText(sections, 'partitions') ?? '') : [],
      jobs: answers ? parseSqueueCounts(sectionText(sections, 'jobs') ?? '') : new Map(),
      deployedNodes: parseDeployedNodes(sectionText(sections, 'deployed-nodes') ?? ''),
    };
  }
  return observation;
}
