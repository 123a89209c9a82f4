import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envQuote, renderEnvFile, renderUnit } from './render.ts';

const input = {
  pool: 'lab/objects',
  volumes: 'http://10.0.0.{10...13}:9000/srv/disk{1...2}',
  apiPort: 9000,
  consolePort: 9001,
  credentials: { user: 'admin', password: 'pa"ss$word`\\x' },
};

void test('the env file carries volumes, options and both credentials', () => {
  const text = renderEnvFile(input);
  assert.match(text, /^MINIO_VOLUMES="http:\/\/10\.0\.0\.\{10\.\.\.13\}:9000\/srv\/disk\{1\.\.\.2\}"$/m);
  assert.match(text, /^MINIO_OPTS="--address :9000 --console-address :9001"$/m);
  assert.match(text, /^MINIO_ROOT_USER="admin"$/m);
  assert.match(text, /^MINIO_ROOT_PASSWORD="pa\\"ss\\\$word\\`\\\\x"$/m);
  assert.throws(() => envQuote('two\nlines'), /control characters/);
});

void test('a shell reading the env file gets every value back byte for byte', () => {
  // systemd's EnvironmentFile double quotes follow the shell's rules for these four escapes.
  const dir = mkdtempSync(join(tmpdir(), 'bramble-minio-env-'));
  try {
    writeFileSync(join(dir, 'env'), renderEnvFile(input));
    const out = execFileSync('sh', [
      '-c',
      '. "$1"; printf "%s\\n%s\\n%s" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" "$MINIO_VOLUMES"',
      'sh',
      join(dir, 'env'),
    ]).toString();
    assert.deepEqual(out.split('\n'), [input.credentials.user, input.credentials.password, input.volumes]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('the unit runs the binary as the service user from the env file', () => {
  const unit = renderUnit('lab/objects', 'minio-user');
  assert.match(unit, /^User=minio-user$/m);
  assert.match(unit, /^EnvironmentFile=\/etc\/default\/minio$/m);
  assert.match(unit, /^ExecStart=\/usr\/local\/bin\/minio server \$MINIO_OPTS \$MINIO_VOLUMES$/m);
  assert.ok(!unit.includes('PASSWORD'));
});
