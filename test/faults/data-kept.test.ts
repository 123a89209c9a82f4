// "Data is never lost" (issue 11): deleting each kind with its default reclaimPolicy leaves the
// data on the Pis. A file is written through the Gluster mount, an object into MinIO over S3 and
// a Slurm job is run; then the SlurmPartition, GlusterVolume, MinioPool and PiNodes are deleted
// with `kubectl delete` and the data is read back: the file from every brick directory and
// through the mount that Retain leaves in place, the object from the drive directory and over S3
// from the kept minio binary started by hand, the job's record from slurmctld's state files.
// Deleting a PiNode must not touch its Pi at all. Ends with the secret-leak check.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Client } from 'minio';
import { FaultFleet, MINIO_PASSWORD } from '../e2e/converged-fleet.ts';
import { waitFor } from '../e2e/wait.ts';
import { assertNoSecretLeaks, fleetSecrets, type SecretValue } from './secret-leaks.ts';

const marker = `kept-${randomBytes(6).toString('hex')}`;
const fileText = `written through the mount before the delete: ${marker}`;
const objectText = `put over S3 before the delete: ${marker}`;
const homeText = `written by alice before the delete: ${marker}`;
const bucket = 'data-kept';
const brickDir = '/srv/gluster/shared';
const drive = '/srv/minio/disk1';
const piNames = ['pi0', 'pi1', 'pi2', 'pi3'];
const bricks = ['pi1', 'pi2', 'pi3'];

let ff: FaultFleet;
/** The secrets as they were before anything was deleted (the munge key Secret may go with its partition). */
let earlierSecrets: SecretValue[] = [];
let endpoint = '';
let holder = '';
let stateDir = '';
let jobName = '';
let stateFiles: string[] = [];
const piBefore = new Map<string, string>();
/** Set once every delete went through: the checks after it prove nothing otherwise. */
let deleted = false;

before(
  async () => {
    ff = await FaultFleet.start({ name: 'faultdata', subnet: '10.213.50.0/24', resyncMs: 8_000, operators: 1 });
  },
  { timeout: 900_000 },
);

after(
  async () => {
    await ff?.close();
  },
  { timeout: 120_000 },
);

function s3(): Client {
  const url = new URL(endpoint);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: 'bramble-admin',
    secretKey: MINIO_PASSWORD,
    region: 'us-east-1',
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

/** What a PiNode delete must leave exactly as it was: the user, their keys and files, the host's settings and packages. */
async function piState(node: string): Promise<string> {
  return ff.onNode(
    node,
    [
      'getent passwd alice',
      'id -nG alice',
      'sha256sum < /home/alice/.ssh/authorized_keys',
      `cat /home/alice/${marker}.txt`,
      'hostname',
      'readlink /etc/localtime',
      "dpkg-query -W -f='${db:Status-Abbrev} ${Package}\\n' tree",
    ].join(' && '),
  );
}

test('data is written: a file through the Gluster mount, an object over S3, a Slurm job', { timeout: 420_000 }, async () => {
  // Gluster: written on pi0 through the mount, replicated into the brick directory on pi1–pi3.
  await ff.onNode('pi0', `printf '%s' '${fileText}' > /mnt/shared/${marker}.txt`);
  assert.equal(await ff.onNode('pi2', `cat /mnt/shared/${marker}.txt`), fileText, "readable through another Pi's mount");
  for (const n of bricks) assert.equal(await ff.onNode(n, `cat ${brickDir}/${marker}.txt`), fileText, `${n}'s brick holds the file`);

  // MinIO: the stand-in keeps each object on the drive of the node it was put through.
  endpoint = ((await ff.get('miniopool', 'objects')).status as { endpoint?: string }).endpoint ?? '';
  assert.match(endpoint, /^http:\/\/10\.213\.50\.\d+:9000$/);
  holder = piNames.find((n) => ff.address(n) === new URL(endpoint).hostname) ?? '';
  assert.ok(holder, `the endpoint ${endpoint} is one of the Pis`);
  await s3().makeBucket(bucket);
  await s3().putObject(bucket, `${marker}.txt`, Buffer.from(objectText));
  assert.equal(await readAll(await s3().getObject(bucket, `${marker}.txt`)), objectText);

  // Slurm: where slurmctld saves its state, as the slurm.conf bramble wrote says.
  stateDir = await ff.onNode('pi0', "sed -n 's/^StateSaveLocation=//p' /etc/slurm/slurm.conf");
  assert.match(stateDir, /^\/\S+$/, 'slurm.conf names a StateSaveLocation');
  jobName = `job-${marker}`;
  const job = await ff.onNode(
    'pi0',
    `timeout 90 sbatch --parsable --wait -J ${jobName} -N1 -o /tmp/${marker}.out --wrap 'echo ran on $(hostname)'`,
    100_000,
  );
  assert.match(job, /^\d+$/);
  // slurmctld writes job_state a few seconds after a change; the completed job's record is in it.
  await waitFor(
    'the job record in job_state',
    60_000,
    async () => (await ff.onNode('pi0', `grep -c -a -F '${jobName}' ${stateDir}/job_state || true`)) !== '0',
  );
  stateFiles = (await ff.onNode('pi0', `cd ${stateDir} && ls -1 | grep -v -e '\\.old$' -e '\\.new$' | sort`)).split('\n');
  for (const f of ['job_state', 'node_state']) assert.ok(stateFiles.includes(f), `${stateDir} has ${f}: ${stateFiles.join(' ')}`);

  // What the PiNodes made: alice, her keys, the hostname, timezone and package; plus a file of hers.
  for (const n of piNames) {
    await ff.onNode(n, `runuser -u alice -- sh -c "printf '%s\\n' '${homeText}' > /home/alice/${marker}.txt"`);
    piBefore.set(n, await piState(n));
    assert.match(
      piBefore.get(n)!,
      new RegExp(`^alice:.*\\n.*users.*\\n[0-9a-f]{64}.*\\n${homeText}\\n${n}\\n.*Europe/London\\nii +tree$`),
      `${n} is as its PiNode made it`,
    );
  }
  earlierSecrets = await fleetSecrets(ff);
});

test('every kind is deleted with its default reclaimPolicy, Retain', { timeout: 420_000 }, async () => {
  // The default is the CRD's, not the fixture's: the fixture leaves reclaimPolicy unset.
  for (const crd of ['glustervolumes.bramble.dev', 'miniopools.bramble.dev']) {
    const def = await ff.kubectl([
      'get',
      'crd',
      crd,
      '-o',
      'jsonpath={.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.reclaimPolicy.default}',
    ]);
    assert.equal(def.trim(), 'Retain', `${crd} defaults reclaimPolicy to Retain`);
  }
  assert.equal((await ff.get('glustervolume', 'shared')).spec?.reclaimPolicy ?? 'Retain', 'Retain');
  assert.equal((await ff.get('miniopool', 'objects')).spec?.reclaimPolicy ?? 'Retain', 'Retain');

  await ff.kubectl(['delete', 'slurmpartition', 'batch', '--timeout=240s']);
  await ff.kubectl(['delete', 'glustervolume', 'shared', '--timeout=240s']);
  await ff.kubectl(['delete', 'miniopool', 'objects', '--timeout=240s']);
  const reasons = new Set((await ff.events()).map((e) => e.reason));
  for (const r of ['PartitionRemoved', 'VolumeRetained', 'MinioPoolRemoved'])
    assert.ok(reasons.has(r), `an Event ${r}: ${[...reasons].join(', ')}`);
  const retained = (await ff.events()).find((e) => e.reason === 'VolumeRetained');
  assert.match(retained?.note ?? '', /nothing was unmounted, stopped or deleted/);
  const minioRemoved = (await ff.events()).find((e) => e.reason === 'MinioPoolRemoved');
  assert.match(minioRemoved?.note ?? '', new RegExp(`data kept in (\\S+:${drive}(, )?)+`));

  const piNodesGoneAt = Date.now();
  await ff.kubectl(['delete', 'pinode', '--all', '--timeout=120s']);
  assert.equal((await ff.kubectl(['get', 'pinode', '-o', 'name'])).trim(), '', 'no PiNode is left');
  // Two resyncs with nothing left to manage: bramble must not apply anything to any Pi.
  await new Promise((r) => setTimeout(r, 2 * 8_000 + 2_000));
  const applies = ff.calls().filter((c) => c.at >= piNodesGoneAt && (c.stdin ?? '').includes('run_step'));
  assert.deepEqual(
    applies.map((c) => `${c.host} ${c.command}`),
    [],
    'no apply to any Pi after its PiNode was deleted',
  );
  deleted = true;
});

test('the Gluster bricks still hold the file, and the retained volume still serves it', { timeout: 120_000 }, async () => {
  assert.ok(deleted, 'every kind was deleted');
  for (const n of bricks) assert.equal(await ff.onNode(n, `cat ${brickDir}/${marker}.txt`), fileText, `${n}'s brick still holds the file`);
  assert.match(await ff.onNode('pi1', 'gluster volume info shared'), /Status: Started/, 'Retain leaves the volume defined and started');
  for (const n of piNames) assert.equal(await ff.onNode(n, `cat /mnt/shared/${marker}.txt`), fileText, `readable through ${n}'s mount`);
});

test("MinIO's drive still holds the object, and the kept binary started by hand serves it", { timeout: 180_000 }, async () => {
  assert.ok(deleted, 'every kind was deleted');
  for (const n of piNames) {
    assert.equal(await ff.onNode(n, 'systemctl is-active minio || true'), 'inactive', `minio stopped on ${n}`);
    assert.equal(await ff.onNode(n, `test -d ${drive} && echo kept`), 'kept', `${n} keeps its drive directory`);
  }
  // The stand-in's on-disk layout (s3rver's): <drive>/<bucket>/<key>._S3rver_object.
  assert.equal(await ff.onNode(holder, `cat ${drive}/${bucket}/${marker}.txt._S3rver_object`), objectText, 'the object is on the drive');
  await assert.rejects(s3().listBuckets(), 'nothing serves S3 after the delete');
  // Started by hand as the unit bramble wrote would have (same binary, env file and user).
  await ff.onNode(
    holder,
    "printf '%s\\n' 'exec /usr/local/bin/minio server $MINIO_OPTS $MINIO_VOLUMES' > /usr/local/lib/data-kept-minio.sh",
  );
  const user = await ff.onNode(holder, `stat -c %U ${drive}`);
  await ff.onNode(
    holder,
    `systemd-run --unit=data-kept-minio -p EnvironmentFile=/etc/default/minio -p User=${user} /bin/sh /usr/local/lib/data-kept-minio.sh`,
  );
  try {
    await waitFor('the hand-started minio to answer', 60_000, async () => (await fetch(`${endpoint}/minio/health/live`)).status === 200);
    assert.equal(await readAll(await s3().getObject(bucket, `${marker}.txt`)), objectText, 'the object reads back over S3');
  } finally {
    await ff.onNode(holder, 'systemctl stop data-kept-minio || true');
  }
});

test("Slurm's StateSaveLocation still holds its state files and the job's record", { timeout: 60_000 }, async () => {
  assert.ok(deleted, 'every kind was deleted');
  assert.equal(
    await ff.onNode('pi0', 'systemctl is-active slurmctld || true'),
    'inactive',
    'deleting the last partition stopped slurmctld',
  );
  const now = (await ff.onNode('pi0', `cd ${stateDir} && ls -1 | grep -v -e '\\.old$' -e '\\.new$' | sort`)).split('\n');
  for (const f of stateFiles) assert.ok(now.includes(f), `${stateDir}/${f} is still there`);
  assert.notEqual(await ff.onNode('pi0', `grep -c -a -F '${jobName}' ${stateDir}/job_state || true`), '0', 'job_state still has the job');
  for (const n of piNames)
    assert.equal(
      await ff.onNode(n, 'test -s /etc/slurm/slurm.conf && test -s /etc/munge/munge.key && echo kept'),
      'kept',
      `${n} keeps slurm.conf and the munge key`,
    );
});

test('deleting the PiNodes left every Pi as it was: users, their files, settings, packages', { timeout: 60_000 }, async () => {
  assert.ok(deleted, 'every kind was deleted');
  for (const n of piNames) assert.equal(await piState(n), piBefore.get(n), n);
});

test('no secret leaked', { timeout: 120_000 }, async (t) => {
  const searched = await assertNoSecretLeaks(ff, { earlier: earlierSecrets });
  t.diagnostic(
    `searched ${searched.sources} places (${searched.chars} characters) for ${searched.secrets} secrets in ${searched.needles} forms`,
  );
});

test(
  'the leak check run on this fleet finds a password planted in a ConfigMap, through the API and in state.db',
  { timeout: 120_000 },
  async () => {
    await ff.kubectl(['create', 'configmap', 'data-kept-planted', `--from-literal=env=MINIO_ROOT_PASSWORD=${MINIO_PASSWORD}`]);
    try {
      await assert.rejects(assertNoSecretLeaks(ff, { earlier: earlierSecrets }), (err: Error) => {
        assert.match(err.message, /a MinIO root password \(as text\) in configmaps default\/data-kept-planted \(API\)/);
        assert.match(err.message, /a MinIO root password \(as text\) in state\.db \/configmaps default\/data-kept-planted/);
        assert.ok(!err.message.includes(MINIO_PASSWORD), 'the report does not print the value');
        return true;
      });
    } finally {
      await ff.kubectl(['delete', 'configmap', 'data-kept-planted']);
    }
  },
);
