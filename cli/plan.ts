// `bramble plan -f FILE` (or a directory of them): what bramble would do to each Pi for the resources in FILE, against
// the Pis' real current state, changing nothing (like `ansible --check --diff`).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { UsageError, type FlagValues } from '../controllers/command-line.ts';
import type { Command } from './command.ts';
import { loadKubeConfig, type KubeConfig } from '../controllers/kubeconfig.ts';
import { Ssh2Executor } from '../ssh/ssh2-executor.ts';
import type { Executor } from '../ssh/executor.ts';
import { readManifestPath, type ManifestFiles } from './plan/manifest-files.ts';
import { clusterSource } from './plan/cluster-source.ts';
import { runPlan } from './plan/plan-run.ts';
import { renderPlan, summaryOf, type PlanResult } from './plan/render.ts';

export const PLAN_USAGE = `Usage: bramble plan -f FILE|DIRECTORY [--kubeconfig PATH]
  Shows, per Pi, the steps bramble would run for the PiNodes, SlurmPartitions, GlusterVolumes and
  MinioPools in FILE (multi-document YAML, - for stdin; a directory: its .yaml, .yml and .json
  files, as kubectl apply -f reads it) against each Pi's current state, with a
  diff for every file a step writes. Only read-only commands reach the Pis; nothing is applied and
  nothing is written to the cluster. SSH keys, munge keys and MinIO credentials come from Secrets in FILE, else from the cluster named
  by --kubeconfig or KUBECONFIG (which also supplies PiNodes a partition selects and their
  status). Progress goes to stderr, the plan to stdout. Exit 0 when every host was planned, 1
  when one could not be (unreachable, host key mismatch, missing Secret), 2 on bad usage.
`;

export interface PlanOptions {
  file: string;
  kubeconfig?: string;
}

/** `-f` is kubectl's spelling of --filename. */
export const PLAN_FLAGS = { filename: { type: 'string', short: 'f' }, kubeconfig: { type: 'string' } } as const;

/** Pure: parsed flags to options. */
export function planOptions(flags: FlagValues): PlanOptions {
  if (typeof flags.filename !== 'string') throw new UsageError('plan needs -f FILE');
  return { file: flags.filename, ...(typeof flags.kubeconfig === 'string' ? { kubeconfig: flags.kubeconfig } : {}) };
}

export interface PlanDependencies extends ManifestFiles {
  executor: Executor;
  progress: (line: string) => void;
  /** The cluster's kubeconfig, when one is configured. */
  kubeConfig?: KubeConfig;
}

export async function planFromFile(options: PlanOptions, deps: PlanDependencies): Promise<PlanResult> {
  const namespace = deps.kubeConfig?.namespace ?? 'default';
  const manifest = readManifestPath(options.file, deps, namespace);
  const cluster = deps.kubeConfig ? clusterSource(deps.kubeConfig) : undefined;
  try {
    return await runPlan({
      manifest,
      executor: deps.executor,
      progress: deps.progress,
      ...(cluster ? { cluster } : {}),
    });
  } finally {
    cluster?.close();
  }
}

export const planCommand: Command = {
  summary: 'show what bramble would change on each Pi for FILE (-f FILE), changing nothing',
  usage: PLAN_USAGE,
  flags: PLAN_FLAGS,
  run: ({ values }) => plan(planOptions(values)),
};

async function plan(options: PlanOptions): Promise<void> {
  // loadKubeConfig() without a path reads KUBECONFIG the way kubectl does (a list of files).
  const useCluster = options.kubeconfig !== undefined || Boolean(process.env.KUBECONFIG);
  const executor = new Ssh2Executor();
  try {
    const result = await planFromFile(options, {
      executor,
      progress: (line) => process.stderr.write(`${line}\n`),
      ...(useCluster ? { kubeConfig: loadKubeConfig(options.kubeconfig) } : {}),
      readFile: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
      listDirectory: (path) => (statSync(path, { throwIfNoEntry: false })?.isDirectory() ? readdirSync(path) : undefined),
    });
    process.stdout.write(renderPlan(result));
    if (summaryOf(result).failed > 0) process.exitCode = 1;
  } finally {
    await executor.close();
  }
}
