// The destructive-spec suite (issue 15): on four simulated Pis with Ready PiNodes (in two
// namespaces, for name collisions), each case in ./destructive/*-cases.ts applies specs that are
// refused, never converge, collide, are edited or aim at system paths, then deletes them. Every
// Pi's disk is inventoried before and after each case (path, type, mode, owner, size, checksum:
// see inventory.ts); the only differences allowed are what the case declared bramble would
// create or remove. The summary line gives cases, files compared and unexpected changes.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { FaultFleet } from '../e2e/converged-fleet.ts';
import { diffInventories, takeInventory, undeclared, type Change, type Declared, type Inventory } from './inventory.ts';
import { volatile, type DestructiveCase } from './destructive/case.ts';

const caseDir = new URL('./destructive/', import.meta.url);
const caseFiles = readdirSync(caseDir)
  .filter((f) => f.endsWith('-cases.ts'))
  .sort();
const cases: DestructiveCase[] = [];
for (const file of caseFiles) {
  const mod = (await import(new URL(file, caseDir).href)) as { cases: DestructiveCase[] };
  cases.push(...mod.cases);
}

const otherNamespace = 'team-b';
let ff: FaultFleet;
const totals = { cases: 0, filesCompared: 0, unexpected: 0 };

before(
  async () => {
    // The operator runs under the Deployment's heap cap (manifests/deployment.yaml), so memory cases measure what a pod would.
    ff = await FaultFleet.start({ name: 'destructive', subnet: '10.213.60.0/24', resyncMs: 8_000, deploy: 'pinodes', heapCapMiB: 160 });
    // The same Pis as PiNodes of a second namespace, so two resources of one name can meet there.
    await ff.kubectl(['create', 'namespace', otherNamespace]);
    const secret = JSON.parse(await ff.kubectl(['get', 'secret', 'bramble-ssh-key', '-o', 'json'])) as {
      type: string;
      data: Record<string, string>;
    };
    await ff.kubectl(
      ['apply', '-n', otherNamespace, '-f', '-'],
      stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bramble-ssh-key' }, type: secret.type, data: secret.data }),
    );
    await ff.kubectl(['apply', '-n', otherNamespace, '-f', '-'], ff.piNodeYaml());
    await ff.kubectl(['wait', '-n', otherNamespace, '--for=condition=Ready', 'pinode', '--all', '--timeout=240s']);
  },
  { timeout: 900_000 },
);

after(
  async () => {
    console.log(
      `ℹ destructive specs: ${totals.cases} cases, ${totals.filesCompared} files compared, ${totals.unexpected} unexpected changes`,
    );
    await ff?.close();
  },
  { timeout: 120_000 },
);

async function inventories(): Promise<Map<string, Inventory>> {
  const entries = await Promise.all(
    ff.fleet.nodes.map(async (n) => [n.name, await takeInventory(ff.fleet.rootDir(n.name), ff.fleet.upperDir(n.name))] as const),
  );
  return new Map(entries);
}

function merge(...all: (Declared | undefined)[]): Declared {
  const pick = (k: keyof Declared) => all.flatMap((d) => d?.[k] ?? []);
  return { added: pick('added'), removed: pick('removed'), changed: pick('changed') };
}

function describe(changes: readonly Change[]): string {
  const shown = changes.slice(0, 40).map((c) => `  ${c.kind} ${c.path}${c.detail ? ` (${c.detail})` : ''}`);
  return [...shown, ...(changes.length > shown.length ? [`  … and ${changes.length - shown.length} more`] : [])].join('\n');
}

void test("the inventory sees a change made behind bramble's back (the check can fail)", async () => {
  const before = await inventories();
  await ff.onNode('pi1', 'chmod 0640 /etc/timezone && touch /etc/bramble-inventory-probe');
  const after = await inventories();
  const changes = diffInventories(before.get('pi1')!, after.get('pi1')!);
  const found = undeclared(changes, volatile).map((c) => `${c.kind} ${c.path}`);
  assert.ok(found.includes('changed /etc/timezone'), describe(changes));
  assert.ok(found.includes('added /etc/bramble-inventory-probe'), describe(changes));
  await ff.onNode('pi1', 'chmod 0644 /etc/timezone && rm -f /etc/bramble-inventory-probe');
});

for (const c of cases) {
  void test(c.name, { timeout: 600_000 }, async () => {
    await ff.waitCallsBegunBeforeNow(120_000);
    const before = await inventories();
    const outcome = await c.run({ ff, namespace: 'default', otherNamespace });
    await ff.waitCallsBegunBeforeNow(120_000);
    const after = await inventories();
    const problems: string[] = [];
    for (const [node, a] of before) {
      const changes = diffInventories(a, after.get(node)!);
      const bad = undeclared(changes, merge(volatile, outcome.declared['*'], outcome.declared[node]));
      totals.filesCompared += a.size;
      totals.unexpected += bad.length;
      if (bad.length) problems.push(`${node}: ${bad.length} change(s) not declared by the case:\n${describe(bad)}`);
    }
    totals.cases++;
    if (outcome.notes?.length) console.log(`ℹ ${c.name}: ${outcome.notes.join('; ')}`);
    assert.equal(problems.length, 0, problems.join('\n'));
  });
}
