// The one-way dependency rule is enforced by `npm run lint` (eslint.config.js, `layers`): an import
// back up the layers fails, an import down passes. Linted as text under real file names, so the
// rule is proven exactly as lint applies it to the tree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = new URL('..', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });

async function layerErrors(filePath: string, importPath: string): Promise<string[]> {
  const code = `import type * as target from '${importPath}';\nexport type Target = typeof target;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const refused: [string, string][] = [
  ['reconcilers/slurm/plan.ts', '../../controllers/manager.ts'],
  ['reconcilers/gluster/plan.ts', '../slurm/plan.ts'],
  ['reconcilers/shared/ssh-target.ts', '../pinode/pinode-types.ts'],
  ['reconcilers/contract.ts', './shared/run.ts'],
  ['controllers/manager.ts', '../reconcilers/pinode/reconciler.ts'],
  ['controllers/manager.ts', '../cli/main.ts'],
  ['ssh/executor.ts', '../reconcilers/contract.ts'],
  ['crds/pinode.ts', '../reconcilers/contract.ts'],
];

const allowed: [string, string][] = [
  ['reconcilers/slurm/plan.ts', '../shared/run.ts'],
  ['reconcilers/slurm/plan.ts', '../contract.ts'],
  ['reconcilers/slurm/plan.ts', '../../ssh/executor.ts'],
  ['reconcilers/slurm/plan.ts', '../../crds/slurmpartition.ts'],
  ['controllers/manager.ts', '../reconcilers/contract.ts'],
  ['cli/main.ts', '../controllers/manager.ts'],
  ['cli/main.ts', '../reconcilers/pinode/reconciler.ts'],
  // Tests compose, as cli/ does.
  ['reconcilers/gluster/reconciler.test.ts', '../slurm/plan.ts'],
];

for (const [file, imported] of refused) {
  test(`lint refuses ${file} importing ${imported}`, async () => {
    const errors = await layerErrors(file, imported);
    assert.equal(errors.length, 1, `expected one layer error, got ${JSON.stringify(errors)}`);
    assert.match(errors[0] ?? '', /one-way dependency rule/);
  });
}

for (const [file, imported] of allowed) {
  test(`lint allows ${file} importing ${imported}`, async () => {
    assert.deepEqual(await layerErrors(file, imported), []);
  });
}
