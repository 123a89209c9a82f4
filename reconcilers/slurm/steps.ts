// The steps a Slurm plan is made of. Each command checks, changes, then verifies, and every
// value reaches the shell through shellQuote (via `sh`). Contents of files bramble writes are
// not secret (the munge key never goes through a step: see apply.ts).
import { raw, sh } from '../../ssh/quote.ts';
import { failFunction, replaceFileFunction } from '../shared/shell-snippets.ts';
import type { Step } from '../shared/step.ts';
import { ctldStampPath, slurmdStampPath } from './observe-script.ts';
import { leftSelectorReason } from './cluster.ts';

const serviceTimeoutMs = 120_000;
const installTimeoutMs = 15 * 60_000;

function step(name: string, description: string, command: string, eventReason: string, timeoutMs = serviceTimeoutMs): Step {
  return { name, description, command, mutating: true, timeoutMs, eventReason };
}

export function packagesStep(missing: readonly string[]): Step {
  const installed = `dpkg-query -W -f='\${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^.i'`;
  return step(
    'packages',
    `install missing packages: ${missing.join(', ')}`,
    [
      failFunction,
      'set --',
      sh`for p in ${missing}; do ${raw(installed)} || set -- "$@" "$p"; done`,
      '[ "$#" -eq 0 ] && exit 0',
      'export DEBIAN_FRONTEND=noninteractive',
      'inst() { apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"; }',
      'inst "$@" || { apt-get update -q -o DPkg::Lock::Timeout=300 && inst "$@"; } || fail "apt-get install failed"',
      sh`for p in ${missing}; do ${raw(installed)} || fail "package $p is still not installed"; done`,
    ].join('\n'),
    'PackagesInstalled',
    installTimeoutMs,
  );
}

/** Writes a managed file when its hash differs. */
export function fileStep(name: string, path: string, content: string, hash: string): Step {
  return step(
    name,
    `write ${path}`,
    [
      replaceFileFunction,
      failFunction,
      sh`[ -f ${path} ] && [ "$(sha256sum < ${path} | cut -d ' ' -f 1)" = ${hash} ] && exit 0`,
      sh`printf '%s' ${content} | replace_file ${path} 0644 root:root || fail ${`cannot write ${path}`}`,
      sh`[ "$(sha256sum < ${path} | cut -d ' ' -f 1)" = ${hash} ] || fail ${`${path} does not hold what was written`}`,
    ].join('\n'),
    'SlurmConfigWritten',
  );
}

export function serviceStartStep(service: string, restart: boolean, why: string): Step {
  const verb = restart ? 'restart' : 'start';
  return step(
    `${service}-${verb}`,
    `${verb} ${service}: ${why}`,
    [
      failFunction,
      sh`systemctl enable -q ${service} || fail ${`cannot enable ${service}`}`,
      sh`systemctl ${raw(verb)} ${service} || fail ${`cannot ${verb} ${service}`}`,
      sh`systemctl is-active -q ${service} || fail ${`${service} is not running after ${verb}`}`,
    ].join('\n'),
    restart ? 'ServiceRestarted' : 'ServiceStarted',
  );
}

export function serviceStopStep(service: string, why: string): Step {
  return step(
    `${service}-stop`,
    `stop ${service}: ${why}`,
    [
      failFunction,
      sh`systemctl disable -q --now ${service} || fail ${`cannot stop ${service}`}`,
      sh`! systemctl is-active -q ${service} || fail ${`${service} still runs`}`,
    ].join('\n'),
    'ServiceStopped',
  );
}

/** (Re)starts slurmctld or slurmd and records what it now runs with, so a retry knows. */
export function daemonStep(daemon: 'slurmctld' | 'slurmd', restart: boolean, stamp: string, why: string): Step {
  const path = daemon === 'slurmctld' ? ctldStampPath : slurmdStampPath;
  const start = serviceStartStep(daemon, restart, why);
  return { ...start, command: [start.command, sh`printf '%s\\n' ${stamp} > ${path}`].join('\n') };
}

export function reconfigureStep(stamp: string): Step {
  return step(
    'slurm-reconfigure',
    'scontrol reconfigure: partitions or settings changed, nodes did not',
    [failFunction, 'scontrol reconfigure || fail "scontrol reconfigure failed"', sh`printf '%s\\n' ${stamp} > ${ctldStampPath}`].join('\n'),
    'SlurmReconfigured',
  );
}

export function drainStep(node: string): Step {
  return step(
    `drain:${node}`,
    `drain ${node}: it left the selector; it is removed once its jobs finish`,
    [failFunction, sh`scontrol update nodename=${node} state=drain reason=${leftSelectorReason} || fail ${`cannot drain ${node}`}`].join(
      '\n',
    ),
    'NodeDraining',
  );
}

/** Undrains a node bramble drained, and only if the drain is still bramble's (not a person's). */
export function resumeStep(node: string): Step {
  return step(
    `resume:${node}`,
    `resume ${node}: selected again after bramble drained it`,
    [
      failFunction,
      sh`scontrol show node ${node} -o | grep -q ' Reason=bramble:' || exit 0`,
      sh`scontrol update nodename=${node} state=resume || fail ${`cannot resume ${node}`}`,
    ].join('\n'),
    'NodeResumed',
  );
}

/** Writes a bramble-owner marker (ownership.ts): the Pi, or the StateSaveLocation, is this cluster's. */
export function markStep(name: 'mark-host' | 'mark-state', path: string, mark: string): Step {
  const dir = path.slice(0, path.lastIndexOf('/'));
  return step(
    name,
    `mark ${path} as Slurm cluster ${mark.split(' ')[0] ?? ''}'s`,
    [
      failFunction,
      sh`mkdir -p ${dir} || fail ${`cannot create ${dir}`}`,
      sh`printf '%s\\n' ${mark} > ${path}`,
      sh`[ "$(head -n 1 ${path})" = ${mark} ] || fail ${`${path} does not hold the marker`}`,
    ].join('\n'),
    'SlurmOwnerMarked',
  );
}

/** Releases a Pi that left the cluster (or whose cluster was deleted): its marker goes, nothing else. */
export function unmarkStep(path: string): Step {
  return step(
    'unmark-host',
    `remove ${path}: the Pi no longer belongs to the cluster`,
    [failFunction, sh`rm -f ${path} || fail ${`cannot remove ${path}`}`].join('\n'),
    'SlurmOwnerReleased',
  );
}
