// The engine's optional parts: afterApply runs after an apply that did not fail and before report
// (a stop from it is the result; a preview never reaches it), a plan may leave the applied Events'
// wording to its report, a connection lost mid-apply says so in the failure, and a kind without a
// finalizer gives a reconciler without one. The executor runs the real step scripts in this
// machine's shell; only the transport is a stand-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition } from '../../crds/conditions.ts';
import type { Resource } from '../../crds/resource.ts';
import { UnreachableError } from '../../ssh/errors.ts';
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import type { ReconcileContext, ReconcileResult } from '../contract.ts';
import { createKindReconciler, previewKind, stop, type Kind, type KindPlan } from './engine.ts';
import { LocalShellExecutor } from './local-shell-executor.ts';
import type { PhasedApplyOutcome } from './phased-apply.ts';
import type { Step } from './step.ts';

interface Status {
  conditions?: Condition[];
  observedGeneration?: number;
  said?: string;
}
type Obj = Resource<{ commands: string[]; stopAfter?: boolean; wording?: 'engine' | 'report' }, Status>;

const target: SshTarget = { host: 'h1', port: 22, user: 'root', privateKey: 'PRIVATE-KEY-TEXT', hostKey: { policy: 'TrustOnFirstUse' } };
const step = (command: string, i: number): Step => ({
  name: `s${i}`,
  description: `run ${command}`,
  command,
  mutating: true,
  timeoutMs: 10_000,
  eventReason: 'Ran',
});

interface Seen {
  calls: string[];
  outcome?: PhasedApplyOutcome;
  after?: string;
}

/** A kind whose plan is its spec's commands on one host, and whose afterApply records that it ran. */
function echoKind(seen: Seen): Kind<Obj['spec'], Status> {
  const reconcile = {
    validate: () => 'ok',
    observe: () => Promise.resolve('observed'),
    plan: (run: { obj: Obj }): KindPlan<Status> => ({
      targets: new Map([['h1', target]]),
      phases: [new Map([['h1', run.obj.spec.commands.map(step)]])],
      secrets: [],
      ...(run.obj.spec.wording ? { appliedEvents: run.obj.spec.wording } : {}),
    }),
    afterApply: (run: { obj: Obj }, _o: unknown, _p: unknown, outcome: PhasedApplyOutcome) => {
      seen.calls.push(`afterApply after ${outcome.applied.length} applied`);
      if (run.obj.spec.stopAfter) return Promise.resolve(stop({ status: { said: 'stopped after apply' }, events: [] }));
      return Promise.resolve('moved');
    },
    report(run: { events: ReconcileResult<Status>['events'] }, _o: unknown, _p: unknown, outcome: PhasedApplyOutcome, after?: unknown) {
      seen.calls.push('report');
      seen.outcome = outcome;
      seen.after = after as string | undefined;
      return { status: { said: `${outcome.applied.length} applied` }, events: run.events };
    },
  };
  return { kind: 'Echo', reconcile };
}

const obj = (spec: Obj['spec']): Obj => ({ apiVersion: 'test/v1', kind: 'Echo', metadata: { name: 'e', namespace: 'default' }, spec });
const ctx = (executor: Executor): ReconcileContext => ({
  executor,
  view: { getSecret: () => undefined, list: () => [], get: () => undefined },
  clock: { now: () => new Date('2026-01-01T00:00:00Z') },
  log: { debug() {}, info() {}, warn() {}, error() {} },
});

void test('afterApply runs after a successful apply and before report, which gets what it returned', async () => {
  const seen: Seen = { calls: [] };
  const executor = new LocalShellExecutor();
  const result = await createKindReconciler(echoKind(seen)).reconcile(obj({ commands: ['true', ':'] }), ctx(executor));
  assert.deepEqual(seen.calls, ['afterApply after 2 applied', 'report']);
  assert.equal(seen.after, 'moved');
  assert.equal(executor.calls.length, 1, 'a run of steps is one exec');
  assert.deepEqual(result.status, { said: '2 applied' });
  assert.deepEqual(
    result.events.map((e) => e.message),
    ['run true (h1)', 'run : (h1)'],
    'by default the engine words the applied Events, one per change',
  );
});

void test('a failed step skips afterApply; a stop from afterApply is the result', async () => {
  const seen: Seen = { calls: [] };
  const kind = echoKind(seen);
  await createKindReconciler(kind).reconcile(obj({ commands: ['true', 'false', 'true'] }), ctx(new LocalShellExecutor()));
  assert.deepEqual(seen.calls, ['report']);
  assert.equal(seen.after, undefined);
  assert.equal(seen.outcome?.failure?.step, 's1');

  seen.calls.length = 0;
  const stopped = await createKindReconciler(kind).reconcile(obj({ commands: ['true'], stopAfter: true }), ctx(new LocalShellExecutor()));
  assert.deepEqual(seen.calls, ['afterApply after 1 applied']);
  assert.deepEqual(stopped.status, { said: 'stopped after apply' });
});

void test('a plan may leave the applied Events to its report: none are gathered for it', async () => {
  const seen: Seen = { calls: [] };
  const result = await createKindReconciler(echoKind(seen)).reconcile(
    obj({ commands: ['true'], wording: 'report' }),
    ctx(new LocalShellExecutor()),
  );
  assert.deepEqual(result.events, []);
  assert.deepEqual(
    seen.outcome?.applied.map((a) => [a.host, a.step.name]),
    [['h1', 's0']],
  );
});

void test('a connection lost during the apply is a failure that carries the transport reason', async () => {
  const seen: Seen = { calls: [] };
  const executor: Executor = {
    exec: () => Promise.reject(new UnreachableError('h1:22', 'connect ECONNREFUSED h1:22 PRIVATE-KEY-TEXT')),
    close: () => Promise.resolve(),
  };
  await createKindReconciler(echoKind(seen)).reconcile(obj({ commands: ['true'] }), ctx(executor));
  assert.deepEqual(seen.outcome?.failure, {
    host: 'h1',
    step: 's0',
    message: 'Unreachable: connect ECONNREFUSED h1:22 ***',
    transport: { reason: 'Unreachable', message: 'connect ECONNREFUSED h1:22 ***', needsAttention: false },
  });
});

void test('a preview stops before apply and never reaches afterApply; a kind without a finalizer has no finalize', async () => {
  const seen: Seen = { calls: [] };
  const executor = new LocalShellExecutor();
  const preview = await previewKind(echoKind(seen), obj({ commands: ['true'] }), ctx(executor));
  assert.ok('planned' in preview);
  assert.deepEqual(seen.calls, []);
  assert.equal(executor.calls.length, 0);
  const reconciler = createKindReconciler(echoKind(seen));
  assert.equal(reconciler.finalizer, undefined);
  assert.equal(reconciler.finalize, undefined);
});
