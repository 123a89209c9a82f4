// A fifth, test-only kind, `Greeting` (group test.bramble.dev): it writes spec.message into a
// file on each of its hosts, and removes it again on delete. It is the four functions of the
// contract and nothing else (validate, observe, plan, report, for reconcile and for delete),
// run by the real engine: what adding a kind to bramble takes. Its hosts are stand-ins: a host
// is a name, and its file a path on the machine the test runs on (the executor replaces SSH).
import type { ReconcileResult } from '../../reconcilers/contract.ts';
import type { Resource } from '../../crds/resource.ts';
import type { Condition } from '../../crds/conditions.ts';
import type { ResourceType } from '../../controllers/resource-type.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import { shellQuote } from '../../ssh/quote.ts';
import { stop, type DeleteResult, type Kind, type KindPlan, type Stages } from '../../reconcilers/shared/engine.ts';
import { notReady, driftCheckIntervalMs } from '../../reconcilers/shared/not-ready.ts';
import { observeHosts } from '../../reconcilers/shared/observe-hosts.ts';
import { observeFrame, probeLines } from '../../reconcilers/shared/observe-frame.ts';
import { parseSections, sectionText } from '../../reconcilers/shared/parse-sections.ts';
import { statusWith } from '../../reconcilers/shared/status-verdict.ts';
import type { Run } from '../../reconcilers/shared/run.ts';
import type { FileWrite, HostWork } from '../../reconcilers/shared/phased-apply.ts';

export interface GreetingSpec {
  message: string;
  /** Per host (by name), the file to greet in. */
  files: { host: string; path: string }[];
}

export interface GreetingStatus {
  conditions?: Condition[];
  observedGeneration?: number;
  /** bramble's record: the files it wrote, the only ones a delete removes. */
  greeted?: { host: string; path: string }[];
}

export type Greeting = Resource<GreetingSpec, GreetingStatus>;
type GreetingRun = Run<Greeting, GreetingStatus>;
type Files = GreetingSpec['files'];

export const greetingType: ResourceType = {
  group: 'test.bramble.dev',
  version: 'v1',
  kind: 'Greeting',
  plural: 'greetings',
  namespaced: true,
};

/** What a host shows: its file's content and the marker beside it (the owning object's UID). */
interface Seen {
  content?: string;
  marker?: string;
}

/** A stand-in target per host: the test's executor runs everything on this machine. */
const targetsOf = (files: Files) =>
  new Map<string, SshTarget>(
    files.map((f) => [f.host, { host: f.host, port: 22, user: 'root', privateKey: '', hostKey: { policy: 'TrustOnFirstUse' } }]),
  );
const markerPath = (path: string) => `${path}.bramble-owner`;

async function observeFiles(
  run: GreetingRun,
  files: Files,
): Promise<Map<string, Seen> | ReturnType<typeof stop<ReconcileResult<GreetingStatus>>>> {
  const pathOf = new Map(files.map((f) => [f.host, f.path]));
  const o = await observeHosts(run, targetsOf(files), (host) => ({
    script: (nonce) =>
      observeFrame(
        probeLines([
          ['content', `test -f ${shellQuote(pathOf.get(host) ?? '')} && { echo yes; cat -- ${shellQuote(pathOf.get(host) ?? '')}; }`],
          ['marker', `cat -- ${shellQuote(markerPath(pathOf.get(host) ?? ''))}`],
        ]),
        nonce,
      ),
    parse: (stdout, nonce) => {
      const s = parseSections(stdout, nonce);
      const content = sectionText(s, 'content');
      return {
        ...(content?.startsWith('yes\n') ? { content: content.slice(4) } : {}),
        ...(sectionText(s, 'marker') ? { marker: sectionText(s, 'marker')?.trim() } : {}),
      };
    },
    timeoutMs: 10_000,
  }));
  if (o.failures.length) return stop(notReady(run, 'HostsUnreachable', o.failures.join('; ')));
  return o.observed;
}

interface Planned extends KindPlan<GreetingStatus> {
  greeted: Files;
}

const reconcile: Stages<Greeting, GreetingStatus, ReconcileResult<GreetingStatus>, Files, Map<string, Seen>, Planned> = {
  validate(run) {
    const { message, files } = run.obj.spec;
    const bad = files.filter((f) => !f.path.startsWith('/')).map((f) => f.path);
    if (message.includes('\n') || bad.length)
      return stop(
        notReady(run, 'InvalidSpec', `one line of message, absolute paths only${bad.length ? `: ${bad.join(', ')}` : ''}`, {
          stalled: true,
        }),
      );
    return files;
  },
  observe: observeFiles,
  plan(run, seen) {
    const uid = run.obj.metadata.uid ?? '';
    const { message, files } = run.obj.spec;
    // Overwrite only a file this object's marker claims, or none at all.
    const foreign = files.filter((f) => seen.get(f.host)?.content !== undefined && seen.get(f.host)?.marker !== uid);
    if (foreign.length)
      return stop(
        notReady(
          run,
          'NotOurs',
          `files bramble did not write: ${foreign.map((f) => `${f.host}:${f.path}`).join(', ')}; nothing was changed`,
          { stalled: true },
        ),
      );
    const write = (path: string, content: string, name: string): FileWrite => ({
      file: { path, content, mode: 0o644 },
      step: { name, description: `write ${path}`, eventReason: 'Greeted' },
    });
    const work = files
      .filter((f) => seen.get(f.host)?.content !== `${message}\n`)
      .map((f) => [f.host, [write(markerPath(f.path), `${uid}\n`, 'marker'), write(f.path, `${message}\n`, 'greeting')]] as const);
    return { targets: targetsOf(files), secrets: [], phases: [new Map<string, HostWork>(work)], greeted: files };
  },
  report(run, _seen, { greeted }, outcome) {
    if (outcome.failure)
      return notReady(run, 'StepFailed', `step ${outcome.failure.step} on ${outcome.failure.host} failed: ${outcome.failure.message}`, {
        stalled: true,
      });
    const status = statusWith(run.sctx, { ready: ['True', 'Greeted', `${greeted.length} file(s) greet`] }, { greeted });
    return { status, events: run.events, requeueAfterMs: driftCheckIntervalMs };
  },
};

const finalize: Stages<Greeting, GreetingStatus, DeleteResult<GreetingStatus>, Files, Map<string, Seen>, Planned> = {
  validate(run) {
    const greeted = run.obj.status?.greeted ?? [];
    // Only what the record names is ever removed.
    if (!greeted.length) return stop({ status: run.obj.status ?? {}, events: [], done: true });
    return greeted;
  },
  observe: observeFiles,
  plan(run, seen) {
    const uid = run.obj.metadata.uid ?? '';
    const files = (run.obj.status?.greeted ?? []).filter((f) => seen.get(f.host)?.marker === uid);
    const remove = (path: string) => ({
      name: 'remove',
      description: `remove ${path}`,
      command: `rm -f -- ${shellQuote(path)} ${shellQuote(markerPath(path))}`,
      mutating: true as const,
      timeoutMs: 10_000,
      eventReason: 'GreetingRemoved',
    });
    return {
      targets: targetsOf(files),
      secrets: [],
      phases: [new Map<string, HostWork>(files.map((f) => [f.host, [remove(f.path)]]))],
      greeted: files,
    };
  },
  report(run, _seen, _planned, outcome) {
    if (outcome.failure) return { ...notReady(run, 'CleanupFailed', outcome.failure.message, { stalled: true }), done: false };
    return { status: run.obj.status ?? {}, events: run.events, done: true };
  },
};

export const greetingKind = {
  kind: 'Greeting',
  finalizer: 'test.bramble.dev/greeting-cleanup',
  reconcile,
  finalize,
} satisfies Kind<GreetingSpec, GreetingStatus>;
