// SlurmPartition in the destructive-spec suite (issue 15): the cluster converges (what installing
// Slurm adds is declared), a partition of the same cluster name in another namespace on the same
// Pis is refused naming the owner and its delete touches nothing, a controller move is refused
// and changes nothing, and deleting the last partition stops the daemons and removes only the
// Pis' bramble-owner markers (packages, files and the marked state stay).
import assert from 'node:assert/strict';
import { parse, stringify } from 'yaml';
import { waitFor } from '../../e2e/wait.ts';
import { slurmYaml, type FaultFleet } from '../../e2e/converged-fleet.ts';
import type { Declared } from '../inventory.ts';
import type { DestructiveCase } from './case.ts';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface Partition {
  status?: { conditions?: Condition[]; stateSave?: { node: string; path: string; clusterUid: string } };
  metadata: { uid: string };
}

const allNodes = ['pi0', 'pi1', 'pi2', 'pi3'];

async function partition(ff: FaultFleet, namespace: string): Promise<Partition> {
  return JSON.parse(await ff.kubectl(['get', 'slurmpartition', 'batch', '-n', namespace, '-o', 'json'])) as Partition;
}

async function waitReady(ff: FaultFleet, namespace: string, reason: string, timeoutMs: number): Promise<Partition> {
  let last = '';
  await waitFor(
    `${namespace}/batch Ready ${reason}`,
    timeoutMs,
    async () => {
      const c = (await partition(ff, namespace)).status?.conditions?.find((x) => x.type === 'Ready');
      last = `${c?.reason}: ${c?.message}`;
      return c?.reason === reason;
    },
    1000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last: ${last}`);
  });
  return partition(ff, namespace);
}

function withController(controller: string): string {
  const p = parse(slurmYaml()) as { spec: Record<string, unknown> };
  p.spec.controller = controller;
  return stringify(p);
}

const everywhere = (d: Declared): Record<string, Declared> => Object.fromEntries(allNodes.map((n) => [n, d]));
/** Installing and starting munge and Slurm: packages, their configuration, users, state and the files bramble writes. */
const installTrees = ['/usr/**', '/etc/**', '/var/**', '/lib/**', '/srv/**'];

export const cases: DestructiveCase[] = [
  {
    name: 'a Slurm cluster converges and records and marks its StateSaveLocation',
    async run(ctx) {
      await ctx.ff.kubectl(['apply', '-n', ctx.namespace, '-f', '-'], slurmYaml());
      const p = await waitReady(ctx.ff, ctx.namespace, 'SlurmReady', 480_000);
      assert.deepEqual(p.status?.stateSave, { node: 'pi0', path: '/var/lib/slurm/slurmctld', clusterUid: p.metadata.uid });
      for (const n of allNodes)
        assert.equal(await ctx.ff.onNode(n, 'cat /var/lib/slurm/bramble-owner'), `${ctx.namespace}/seed ${p.metadata.uid}`);
      assert.equal(await ctx.ff.onNode('pi0', 'cat /var/lib/slurm/slurmctld/bramble-owner'), `${ctx.namespace}/seed ${p.metadata.uid}`);
      return {
        declared: everywhere({ added: installTrees, changed: installTrees, removed: ['/var/cache/**', '/var/lib/apt/**', '/etc/**'] }),
      };
    },
  },
  {
    name: "another namespace's Slurm cluster of the same name on the same Pis is refused naming the owner; its delete touches nothing",
    async run(ctx) {
      const owner = await partition(ctx.ff, ctx.namespace);
      await ctx.ff.kubectl(['apply', '-n', ctx.otherNamespace, '-f', '-'], slurmYaml());
      const p = await waitReady(ctx.ff, ctx.otherNamespace, 'ClusterOwnedByAnother', 120_000);
      const message = p.status?.conditions?.find((c) => c.type === 'Ready')?.message ?? '';
      assert.match(message, new RegExp(`belongs to Slurm cluster ${ctx.namespace}/seed \\(SlurmPartition uid ${owner.metadata.uid}`));
      await ctx.ff.kubectl(['delete', 'slurmpartition', 'batch', '-n', ctx.otherNamespace, '--timeout=120s']);
      assert.equal(await ctx.ff.onNode('pi0', 'systemctl is-active slurmctld'), 'active', "the owner's controller still runs");
      await waitReady(ctx.ff, ctx.namespace, 'SlurmReady', 120_000);
      return { declared: {} };
    },
  },
  {
    name: 'moving the controller of a converged cluster is refused and changes nothing',
    async run(ctx) {
      await ctx.ff.kubectl(['apply', '-n', ctx.namespace, '-f', '-'], withController('pi1'));
      const p = await waitReady(ctx.ff, ctx.namespace, 'ControllerMoveRefused', 120_000);
      assert.match(p.status?.conditions?.find((c) => c.type === 'Ready')?.message ?? '', /from pi0 to pi1/);
      assert.notEqual(await ctx.ff.onNode('pi1', 'systemctl is-active slurmctld || true'), 'active');
      await ctx.ff.kubectl(['apply', '-n', ctx.namespace, '-f', '-'], slurmYaml());
      await waitReady(ctx.ff, ctx.namespace, 'SlurmReady', 120_000);
      return { declared: {} };
    },
  },
  {
    name: "deleting the last partition stops the daemons and removes only the Pis' markers",
    async run(ctx) {
      await ctx.ff.kubectl(['delete', 'slurmpartition', 'batch', '-n', ctx.namespace, '--timeout=180s']);
      for (const n of allNodes)
        assert.equal(await ctx.ff.onNode(n, '[ -e /var/lib/slurm/bramble-owner ] && echo present || echo gone'), 'gone', n);
      assert.match(
        await ctx.ff.onNode('pi0', 'cat /var/lib/slurm/slurmctld/bramble-owner'),
        new RegExp(`^${ctx.namespace}/seed `),
        'the state keeps its marker',
      );
      // systemctl disable --now: the unit's wants link goes and Debian's sysv links turn from start to kill.
      const daemons = ['slurmctld', 'slurmd'];
      const runlevels = ['rc2.d', 'rc3.d', 'rc4.d', 'rc5.d'];
      const stopped: Declared = {
        removed: [
          '/var/lib/slurm/bramble-owner',
          ...daemons.map((d) => `/etc/systemd/system/multi-user.target.wants/${d}.service`),
          ...runlevels.flatMap((r) => daemons.map((d) => `/etc/${r}/S01${d}`)),
        ],
        added: [...runlevels.flatMap((r) => daemons.map((d) => `/etc/${r}/K01${d}`)), '/var/lib/slurm/**', '/var/spool/**'],
        // What slurmctld and slurmd save as they stop (job state, node state).
        changed: ['/var/lib/slurm/**', '/var/spool/**'],
      };
      return { declared: everywhere(stopped) };
    },
  },
];
