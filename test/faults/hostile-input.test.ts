// Hostile input never reaches a shell (issue 11), end to end: through the real kubectl into the
// embedded control plane, with the operator as `bramble run` composes it watching, and two
// simulated Pis whose PiNodes have converged. Every identifier-like field of every kind gets the
// battery of hostile-values.ts; each value must be refused at `kubectl apply` with the field
// named, nothing may be stored, and the Pis must show no new SSH login, no new root command and
// no trace of the run's marker. The values are applied for real, not with --dry-run: a value the
// schema let through would be stored, reconciled and seen on a Pi, which is what the Pi-side
// checks are there to catch (the last test proves they would).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { E2eEnvironment } from '../e2e/environment.ts';
import { waitFor } from '../e2e/wait.ts';
import { systemSsh } from '../fleet/system-ssh.ts';
import { kindDefinitions } from '../../crds/kinds.ts';
import { toOpenApi } from '../../crds/schema-kit.ts';
import {
  apiVersion,
  baseObjects,
  fieldSpecs,
  leafOf,
  notFed,
  specLeaves,
  withValue,
  type FieldSpec,
  type FleetFacts,
} from './hostile-fields.ts';
import { hostileValues, type HostileValue } from './hostile-values.ts';
import { applyBatch, applyHostileNames, mapLimit, nameOf, type Kubectl } from './hostile-apply.ts';
import { markerTraces, piEvidence, type PiEvidence } from './hostile-traces.ts';

// Long enough that no resync falls inside the test: every SSH command after the fleet settles
// would have been caused by something the test applied.
const resyncMs = 600_000;
const marker = `pwn-${randomBytes(4).toString('hex')}`;
const control = `ctl-${randomBytes(4).toString('hex')}`;
const kinds = ['PiNode', 'SlurmPartition', 'GlusterVolume', 'MinioPool'] as const;
const plural = { PiNode: 'pinodes', SlurmPartition: 'slurmpartitions', GlusterVolume: 'glustervolumes', MinioPool: 'miniopools' } as const;

let env: E2eEnvironment;
let facts: FleetFacts;
let kubectl: Kubectl;
let beforeBattery: Record<string, PiEvidence> = {};
let callsBeforeBattery = 0;
let fed = 0;
const fedPerKind = { PiNode: 0, SlurmPartition: 0, GlusterVolume: 0, MinioPool: 0 };
const fieldsFed = new Set<string>();

const onNode = (node: string, command: string): Promise<string> => env.onNode(node, command);

async function evidence(): Promise<Record<string, PiEvidence>> {
  const out: Record<string, PiEvidence> = {};
  for (const n of env.fleet.nodes) out[n.name] = await piEvidence(onNode, n.name);
  return out;
}

/** Waits until the operator has sent nothing for a few seconds and nothing is in flight. */
async function operatorQuiet(): Promise<void> {
  await waitFor('the operator to go quiet', 60_000, async () => {
    const calls = env.counter.calls;
    const last = calls[calls.length - 1];
    return calls.every((c) => c.done) && (!last || Date.now() - (last.at + last.durationMs) > 3_000);
  });
}

async function storedNames(): Promise<string[]> {
  const out = await env.kubectl(['get', kinds.map((k) => plural[k]).join(','), '-o', 'name']);
  return out.split('\n').filter(Boolean).sort();
}

before(async () => {
  env = await E2eEnvironment.start({ name: 'hostile', nodes: 2, subnet: '10.213.46.0/24', resyncMs });
  kubectl = (args, stdin) => env.cp.kubectl(args, stdin);
  await env.kubectl(['apply', '-f', '-'], env.piNodeYaml());
  await env.kubectl(['wait', '--for=condition=Ready', 'pinode', '--all', '--timeout=180s']);
  facts = { nodes: env.fleet.nodes, artifactHost: new URL(env.fleet.aptRepoUrl).host };
  await operatorQuiet();
});

after(async () => {
  await env?.close();
});

test('every spec field of every kind is either fed or listed, with why, as not fed', () => {
  const specs = fieldSpecs(facts);
  const fedLeaves = new Set(specs.map((f) => `${f.kind} ${leafOf(f)}`));
  const leaves = kindDefinitions.flatMap((d) => specLeaves(toOpenApi(d.spec)).map((leaf) => `${d.kind} ${leaf}`));
  assert.deepEqual(
    leaves.filter((l) => !fedLeaves.has(l) && notFed[l] === undefined),
    [],
    'fields neither fed nor listed',
  );
  assert.deepEqual(
    [...fedLeaves].filter((l) => !leaves.includes(l)),
    [],
    'fed paths that are not fields',
  );
  assert.deepEqual(
    Object.keys(notFed).filter((l) => !leaves.includes(l)),
    [],
    'listed paths that are not fields',
  );
});

test('the Pi-side checks see a login, a root command and a marker caused on purpose', async () => {
  const [pi] = env.fleet.nodes;
  assert.ok(pi);
  const was = await piEvidence(onNode, pi.name);
  assert.deepEqual(await markerTraces(onNode, pi.name, control), [], 'the control marker is new');
  const r = await systemSsh({
    address: pi.address,
    user: 'pi',
    identity: env.fleet.clientKey.privateKeyPath,
    knownHosts: `${pi.address} ${pi.hostKey}\n`,
    command: `sudo -n sh -c 'logger -t hostile-probe ${control} && touch /tmp/${control}'`,
  });
  assert.equal(r.code, 0, r.stderr);
  await waitFor('the deliberate login in the journal', 10_000, async () => {
    const now = await piEvidence(onNode, pi.name);
    return now.logins === was.logins + 1 && now.sudoCommands === was.sudoCommands + 1;
  });
  const traces = await markerTraces(onNode, pi.name, control);
  assert.ok(
    traces.some((t) => t.includes(`file /tmp/${control}`)),
    `the file is found: ${traces.join('\n')}`,
  );
  assert.ok(
    traces.some((t) => t.includes('journal') && t.includes(control)),
    `the journal line is found: ${traces.join('\n')}`,
  );
  await onNode(pi.name, `rm /tmp/${control}`);
  for (const n of env.fleet.nodes)
    assert.deepEqual(await markerTraces(onNode, n.name, marker), [], `${n.name} holds no trace of ${marker} yet`);
});

test("the base object of every kind is valid, so a refusal is the hostile value's doing", async () => {
  const bases = baseObjects(facts);
  const r = await kubectl(['apply', '--dry-run=server', '-f', '-'], kinds.map((k) => JSON.stringify(bases[k])).join('\n'));
  assert.equal(r.code, 0, r.stderr);
  for (const k of kinds)
    assert.match(r.stdout, new RegExp(`^${k.toLowerCase()}\\.bramble\\.dev/hostile-base created \\(server dry run\\)$`, 'm'));
  // Dry run goes through the same admission as a real write (controlplane/objects.ts validates
  // before it looks at dryRun), which the next test does not rely on: it writes for real.
  const bad = withValue(bases.PiNode, 'spec.hostname', `$(touch /tmp/${marker})`);
  const dry = await kubectl(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(bad));
  assert.match(dry.stderr, /is invalid: spec\.hostname: /);
});

test('every hostile value in every identifier-like spec field is refused at kubectl apply, naming the field', async () => {
  beforeBattery = await evidence();
  callsBeforeBattery = env.counter.calls.length;
  const bases = baseObjects(facts);
  const specs = fieldSpecs(facts);
  const problems: string[] = [];
  const started = Date.now();
  await mapLimit(specs, 3, async (spec: FieldSpec, i) => {
    const values: { label: string; value: unknown }[] = [
      ...hostileValues(marker, spec.valid).filter((v: HostileValue) => !spec.legitimate?.labels.includes(v.label)),
      ...(spec.extra ?? []),
    ];
    const objects = values.map((v, j) => {
      const obj = withValue(bases[spec.kind], spec.path, v.value);
      (obj.metadata as { name: string }).name = `hx-${i}-${j}`;
      return obj;
    });
    const result = await applyBatch(kubectl, objects);
    values.forEach((v, j) => {
      const name = nameOf(objects[j] as Record<string, unknown>);
      const what = `${spec.kind} ${spec.path} ${v.label} ${JSON.stringify(v.value).slice(0, 80)}`;
      const line = result.refusal(name);
      if (result.written(name)) problems.push(`ACCEPTED: ${what}`);
      else if (!line) problems.push(`no refusal from kubectl for ${what}`);
      else if (!line.includes(`${spec.reported ?? spec.path}: `))
        problems.push(`refused without naming ${spec.reported ?? spec.path}: ${what}: ${line.slice(0, 300)}`);
    });
    fed += values.length;
    fedPerKind[spec.kind] += values.length;
    fieldsFed.add(`${spec.kind} ${spec.path}`);
  });
  assert.deepEqual(problems, [], `${problems.length} hostile values not refused at their field`);
  assert.deepEqual(await storedNames(), env.fleet.nodes.map((n) => `pinode.bramble.dev/${n.name}`).sort(), 'nothing hostile was stored');
  process.stderr.write(
    `# figure: ${specs.length} spec fields over ${kinds.length} kinds, ${fed} hostile values fed, all refused naming the field, in ${Date.now() - started} ms\n`,
  );
});

test('every hostile metadata.name is refused at kubectl apply, and by the control plane naming metadata.name', async () => {
  const bases = baseObjects(facts);
  const values = hostileValues(marker, 'hostile-name');
  const problems: string[] = [];
  await mapLimit(kinds, 2, async (kind) => {
    const objects = values.map((v) => {
      const obj = structuredClone(bases[kind]);
      (obj.metadata as { name: string }).name = v.value;
      return obj;
    });
    const r = await applyHostileNames(kubectl, objects);
    if (r.written.length > 0) problems.push(`${kind}: ACCEPTED ${r.written.join('; ')}`);
    if (r.applyRefusals !== values.length) problems.push(`${kind}: kubectl apply refused ${r.applyRefusals} of ${values.length}`);
    if (r.createRefusals.length !== values.length)
      problems.push(`${kind}: the control plane refused ${r.createRefusals.length} of ${values.length} on create`);
    for (const line of r.createRefusals) {
      if (!line.includes('metadata.name: ')) problems.push(`${kind}: refused without naming metadata.name: ${line.slice(0, 300)}`);
    }
  });
  fed += kinds.length * values.length;
  for (const kind of kinds) {
    fedPerKind[kind] += values.length;
    fieldsFed.add(`${kind} metadata.name`);
  }
  assert.deepEqual(problems, [], `${problems.length} problems with hostile names`);
  assert.deepEqual(await storedNames(), env.fleet.nodes.map((n) => `pinode.bramble.dev/${n.name}`).sort(), 'nothing hostile was stored');
  process.stderr.write(`# figure: ${kinds.length} kinds x ${values.length} hostile metadata.name values, all refused\n`);
});

test('no Pi shows a new login, a new root command or the marker after the battery', async () => {
  assert.ok(Object.keys(beforeBattery).length === env.fleet.nodes.length, 'the battery ran');
  // A stored object would be picked up by the operator's watch within milliseconds; wait well past that.
  await new Promise((r) => setTimeout(r, 5_000));
  assert.deepEqual(
    env.counter.calls.slice(callsBeforeBattery).map((c) => `${c.host} ${c.kind}`),
    [],
    'the operator sent no command',
  );
  assert.deepEqual(await evidence(), beforeBattery, 'no new SSH login or sudo command on any Pi');
  const traces: string[] = [];
  for (const n of env.fleet.nodes) traces.push(...(await markerTraces(onNode, n.name, marker)));
  assert.deepEqual(traces, [], `no trace of ${marker} on any Pi`);
  assert.deepEqual(
    readdirSync(tmpdir()).filter((f) => f.includes(marker)),
    [],
    'nor on this machine',
  );
  assert.equal(existsSync(`/tmp/${marker}`), false);
  const perKind = kinds
    .map((k) => `${k} ${[...fieldsFed].filter((f) => f.startsWith(`${k} `)).length} fields/${fedPerKind[k]} values`)
    .join(', ');
  process.stderr.write(
    `# figure: ${fieldsFed.size} fields over ${kinds.length} kinds (${perKind}), ${fed} hostile values, all refused at apply; 0 new logins, 0 new root commands, 0 marker traces on ${env.fleet.nodes.length} Pis\n`,
  );
});

test('an object the control plane accepts does reach its Pi, so the checks above can fail', async () => {
  const pi = env.fleet.nodes[1];
  assert.ok(pi);
  const was = await piEvidence(onNode, pi.name);
  const mark = env.counter.calls.length;
  // A valid PiNode for the second Pi through the same path as the battery. It logs in as root,
  // so the operator opens a new connection (its pool is per host and user) that sshd must log,
  // and it asks for a user named like a marker, which the marker search must then find.
  const userMarker = `usr-${randomBytes(4).toString('hex')}`;
  assert.deepEqual(await markerTraces(onNode, pi.name, userMarker), []);
  const obj = {
    apiVersion,
    kind: 'PiNode',
    metadata: { name: 'hostile-control' },
    spec: {
      address: pi.address,
      ssh: { user: 'root', privateKeySecretRef: { name: 'bramble-ssh-key' }, hostKey: pi.hostKey },
      hostname: pi.name,
      users: [{ name: userMarker }],
    },
  };
  const result = await applyBatch(kubectl, [obj]);
  assert.ok(result.written('hostile-control'), `accepted: ${result.stdout} ${result.stderr}`);
  await waitFor(
    'the operator to log in to the Pi for the accepted object',
    60_000,
    async () => (await piEvidence(onNode, pi.name)).logins > was.logins,
  );
  assert.ok(
    env.counter.since(mark).some((c) => c.host === pi.address),
    'and the counting executor saw its commands',
  );
  await waitFor(
    'the marker-named user to leave traces on the Pi',
    60_000,
    async () => (await markerTraces(onNode, pi.name, userMarker)).length > 0,
    2_000,
  );
  await env.kubectl(['delete', 'pinode', 'hostile-control', '--wait=false']);
});
