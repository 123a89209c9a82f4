// The MinIO observe script and the drive steps run by a real `sh` with the real tools, on drive
// directories made under a temp directory (running as root here, the service user is root so the
// chowns succeed; the checks are the same): what observe reports of a drive (marker, deployment,
// entries), that the drives step marks only what is free, and that the delete step removes only
// a drive that still carries this pool's marker and deployment.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { LocalShellExecutor } from '../shared/local-shell-executor.ts';
import { firstFailure, runSteps } from '../shared/run-steps.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import type { Step } from '../shared/step.ts';
import { minioObserveScript } from './observe-script.ts';
import { parseNodeObservation } from './parse-observed.ts';
import { deleteDriveStep, drivesStep } from './steps.ts';

const target: SshTarget = { host: 'local', port: 22, user: 'root', privateKey: 'unused', hostKey: { policy: 'TrustOnFirstUse' } };
const owner = { uid: '9d0e4f3a-0000-4000-8000-00000000000a', name: 'lab/objects' };
const deployment = '6f1c2b5e-0d4a-4c1e-9a3b-7e2d1f0c9b8a';
const user = userInfo().username;

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'minio-drives-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function observe(paths: string[]) {
  const nonce = 'obsm0001';
  const r = await new LocalShellExecutor().exec(target, 'sh -s', {
    stdin: minioObserveScript({ apiPort: 1, serviceUser: user, drivePaths: paths }, nonce),
  });
  return parseNodeObservation(r.stdout, nonce);
}

async function run(steps: Step[]): Promise<string | undefined> {
  return firstFailure(steps, await runSteps(new LocalShellExecutor(), target, steps, 'stepm001'), [])?.message;
}

const formatJson = (id: string) =>
  `{\n  "version": "1",\n  "format": "xl",\n  "id": "${id}",\n  "xl": { "version": "3", "this": "00000000-1111-4222-8333-444444444444" }\n}\n`;

void test("observe reports each drive: absent, empty, foreign files, MinIO's deployment ID, bramble's marker, a symbolic link", async (t) => {
  const dir = scratch(t);
  const [absent, empty, foreign, formatted, marked, link] = ['absent', 'empty', 'foreign', 'formatted', 'marked', 'link'].map((n) =>
    join(dir, n),
  ) as [string, string, string, string, string, string];
  mkdirSync(empty);
  mkdirSync(join(empty, 'lost+found'));
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'photo.jpg'), 'x');
  mkdirSync(join(formatted, '.minio.sys'), { recursive: true });
  writeFileSync(join(formatted, '.minio.sys', 'format.json'), formatJson(deployment));
  mkdirSync(marked);
  writeFileSync(join(marked, '.bramble-owner'), `uid=${owner.uid}\nname=${owner.name}\ncreated=yes\n`);
  symlinkSync('/etc', link);
  const o = await observe([absent, empty, foreign, formatted, marked, link]);
  const by = new Map(o.drives.map((d) => [d.path, d]));
  assert.deepEqual([by.get(absent)?.exists, by.get(absent)?.entries], [false, 0]);
  assert.deepEqual(
    [by.get(empty)?.exists, by.get(empty)?.entries, by.get(empty)?.marker],
    [true, 0, undefined],
    'lost+found does not count',
  );
  assert.equal(by.get(foreign)?.entries, 1);
  assert.equal(by.get(formatted)?.deploymentId, deployment);
  assert.deepEqual(by.get(marked)?.marker, { ...owner, created: true });
  assert.equal(by.get(marked)?.entries, 0);
  assert.deepEqual([by.get(link)?.symlink, by.get(link)?.exists], [true, false]);
  assert.ok(o.homes.includes('/root'));
  assert.equal(o.serviceUser?.uid, userInfo().uid);
});

void test("the drives step creates and marks a new drive (0600, root), marks an empty one, and refuses foreign files and another pool's marker", async (t) => {
  const dir = scratch(t);
  const fresh = join(dir, 'fresh');
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  assert.equal(await run([drivesStep([fresh, empty], user, owner)]), undefined);
  const marker = join(fresh, '.bramble-owner');
  assert.equal(readFileSync(marker, 'utf8'), `uid=${owner.uid}\nname=${owner.name}\ncreated=yes\n`);
  assert.equal(statSync(marker).mode & 0o777, 0o600);
  assert.match(readFileSync(join(empty, '.bramble-owner'), 'utf8'), /created=no/);
  assert.equal(await run([drivesStep([fresh, empty], user, owner)]), undefined, 'marked drives: the step is idempotent');

  const foreign = join(dir, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'photo.jpg'), 'x');
  assert.match((await run([drivesStep([foreign], user, owner)])) ?? '', /is not empty and carries no marker of this pool; left alone/);
  assert.equal(existsSync(join(foreign, '.bramble-owner')), false);
  assert.equal(await run([drivesStep([foreign], user, owner, [foreign])]), undefined, 'adopted when the plan says so');

  assert.match(
    (await run([drivesStep([fresh], user, { uid: 'someone-else', name: 'team-b/objects' })])) ?? '',
    /carries another resource's marker/,
  );
});

void test("the delete step removes a drive only while it carries this pool's marker and deployment, keeps lost+found and a mount point", async (t) => {
  const dir = scratch(t);
  const created = join(dir, 'created');
  const existing = join(dir, 'existing');
  mkdirSync(existing);
  mkdirSync(join(existing, 'lost+found'));
  assert.equal(await run([drivesStep([created, existing], user, owner)]), undefined);
  for (const d of [created, existing]) {
    mkdirSync(join(d, '.minio.sys'), { recursive: true });
    writeFileSync(join(d, '.minio.sys', 'format.json'), formatJson(deployment));
    mkdirSync(join(d, 'bucket'));
    writeFileSync(join(d, 'bucket', 'object'), 'data');
  }
  const other = '00000000-0000-4000-8000-000000000000';
  assert.match(
    (await run([deleteDriveStep(created, owner.uid, other)])) ?? '',
    /holds MinIO deployment 6f1c2b5e-.* not 00000000-.*; left in place/,
  );
  assert.match((await run([deleteDriveStep(created, 'someone-else', deployment)])) ?? '', /does not carry this pool's marker/);
  assert.ok(existsSync(join(created, 'bucket', 'object')), 'nothing removed by a refused delete');
  assert.equal(await run([deleteDriveStep(created, owner.uid, deployment), deleteDriveStep(existing, owner.uid, deployment)]), undefined);
  assert.equal(existsSync(created), false, 'a directory bramble created goes');
  assert.deepEqual(
    existsSync(existing) &&
      existsSync(join(existing, 'lost+found')) &&
      !existsSync(join(existing, 'bucket')) &&
      !existsSync(join(existing, '.bramble-owner')),
    true,
    "a directory that was there before stays, emptied of the pool's data, lost+found kept",
  );
  assert.equal(await run([deleteDriveStep(created, owner.uid, deployment)]), undefined, 'already gone: nothing to do');
});
