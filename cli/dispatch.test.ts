// Every command of the real command table: --help/-h print its usage, --version the version, and
// a bad flag names itself and shows the usage, all without running the command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS } from './commands.ts';
import { dispatch } from './dispatch.ts';
import { BRAMBLE_VERSION } from './version.ts';
import pkg from '../package.json' with { type: 'json' };

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await dispatch(argv, COMMANDS, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

void test("the version is package.json's", async () => {
  assert.equal(BRAMBLE_VERSION, pkg.version);
  assert.deepEqual(await cli('--version'), { code: 0, out: `bramble ${pkg.version}\n`, err: '' });
});

void test('bramble, bramble help, --help and -h list every command', async () => {
  for (const argv of [[], ['help'], ['--help'], ['-h']]) {
    const r = await cli(...argv);
    assert.equal(r.code, 0, argv.join(' '));
    for (const name of Object.keys(COMMANDS)) assert.match(r.out, new RegExp(`bramble ${name} `), `${argv.join(' ')} lists ${name}`);
  }
});

for (const [name, command] of Object.entries(COMMANDS)) {
  void test(`bramble ${name}: --help, -h, help ${name}, --version, and a bad flag`, async () => {
    assert.match(command.usage, new RegExp(`^Usage: bramble ${name}\\b`));
    for (const argv of [
      [name, '--help'],
      [name, '-h'],
      ['help', name],
    ]) {
      assert.deepEqual(await cli(...argv), { code: 0, out: command.usage, err: '' }, argv.join(' '));
    }
    assert.deepEqual(await cli(name, '--version'), { code: 0, out: `bramble ${pkg.version}\n`, err: '' });
    const bad = await cli(name, '--no-such-flag');
    assert.equal(bad.code, 2);
    assert.equal(bad.out, '');
    assert.equal(bad.err, `bramble ${name}: unknown flag --no-such-flag\n\n${command.usage}`);
  });
}

void test('a string flag without its value, and an unknown command, are usage errors', async () => {
  const missing = await cli('controlplane', '--data-dir');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /^bramble controlplane: --data-dir needs a value\n\nUsage: bramble controlplane/);
  const unknown = await cli('deploy');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /^bramble: unknown command "deploy"\n\nbramble \S+ — /);
  assert.equal((await cli('help', 'deploy')).code, 2);
});
