// The Dockerfile's shape (multi-stage, slim Node 20 base, production dependencies only,
// non-root, the bramble entrypoint), and that what it copies is everything the entrypoint
// imports: the static import graph from bin/bramble.js must stay inside the copied folders and
// use only production dependencies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { copies, dockerignore, entrypoint, npmCommands, parseDockerfile } from './dockerfile.ts';
import { repoPath, repoRoot } from './tools.ts';

const stages = parseDockerfile(readFileSync(repoPath('Dockerfile'), 'utf8'));
const final = stages.at(-1)!;
const ignored = dockerignore(readFileSync(repoPath('.dockerignore'), 'utf8'));

void test('the parser reads continuation lines, COPY --from and exec-form ENTRYPOINT', () => {
  const s = parseDockerfile('FROM a AS b\nRUN x \\\n && npm ci --omit=dev\nFROM c\nCOPY --from=b /app/n ./n\nCOPY d e ./\nENTRYPOINT ["node", "x.js"]\n');
  assert.deepEqual(s.map((x) => x.from), ['a', 'c']);
  assert.deepEqual(npmCommands(s[0]!), [['npm', 'ci', '--omit=dev']]);
  assert.deepEqual(copies(s[1]!), [{ from: 'b', sources: ['/app/n'], dest: './n' }, { sources: ['d', 'e'], dest: './' }]);
  assert.deepEqual(entrypoint(s[1]!), ['node', 'x.js']);
  const ig = dockerignore('node_modules\n**/*.test.ts\ntest/fleet/.cache\n');
  assert.ok(ig('node_modules/x/y.js') && ig('cli/args.test.ts') && ig('a/b/c.test.ts') && ig('test/fleet/.cache/img'));
  assert.ok(!ig('cli/args.ts') && !ig('testing/x') && !ig('test/fleet/cache'));
});

void test('multi-stage on node:20-bookworm-slim, production dependencies only, non-root', () => {
  assert.ok(stages.length >= 2, 'multi-stage');
  for (const s of stages) assert.equal(s.from, 'node:20-bookworm-slim');
  const installs = stages.flatMap(npmCommands).filter((c) => c[1] === 'ci' || c[1] === 'install');
  assert.ok(installs.length > 0, 'dependencies are installed with npm');
  for (const c of installs) {
    assert.equal(c[1], 'ci', 'npm ci: exactly the lockfile');
    assert.ok(c.includes('--omit=dev'), `${c.join(' ')} omits dev dependencies`);
  }
  assert.ok(!final.instructions.some((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args)), 'no install (or compiler) in the final stage');
  const user = final.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
  assert.ok(user && /^[1-9]\d*(:\d+)?$/.test(user), `final USER is a numeric non-root uid (runAsNonRoot can check it), got ${user}`);
  assert.deepEqual(entrypoint(final), ['node', 'bin/bramble.js', 'run']);
});

/** Repository files the image copies (relative paths), after .dockerignore. */
function copiedRoots(): string[] {
  return copies(final).filter((c) => !c.from).flatMap((c) => c.sources);
}

function isCopied(file: string): boolean {
  const rel = relative(repoRoot, file);
  if (ignored(rel)) return false;
  return copiedRoots().some((root) => rel === root || rel.startsWith(`${root.replace(/\/$/, '')}/`));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)) {
    out.push((m[1] ?? m[2] ?? m[3])!);
  }
  // A TypeScript entry named by URL (bin/bramble.js bundles cli/main.ts at start) is loaded too.
  for (const m of text.matchAll(/new URL\(\s*['"](\.[^'"]+\.ts)['"]\s*,\s*import\.meta\.url\s*\)/g)) out.push(m[1]!);
  return out;
}

void test('everything bin/bramble.js imports is copied into the image, and only production packages', () => {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const builtins = new Set(builtinModules);
  const start = repoPath(entrypoint(final)[1]!);
  const seen = new Set<string>();
  const queue = [start];
  const packages = new Set<string>();
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    assert.ok(isCopied(file), `${relative(repoRoot, file)} is imported by the entrypoint but not copied into the image`);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = join(dirname(file), spec);
        assert.ok(existsSync(target), `${relative(repoRoot, file)} imports missing ${spec}`);
        queue.push(target);
      } else if (!spec.startsWith('node:') && !builtins.has(spec)) {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  }
  assert.ok(seen.size > 5, `walked ${seen.size} files`);
  for (const p of packages) assert.ok(p in pkg.dependencies, `${p} is imported at run time but is not a production dependency`);
  assert.ok(packages.has('esbuild'), 'esbuild bundles the sources at start, so it ships');
});

void test('the build context leaves out what the image never needs', () => {
  for (const path of ['node_modules/x', '.git/HEAD', 'test/fleet/fleet.ts', 'cli/args.test.ts', '.bramble/state.db']) assert.ok(ignored(path), `${path} is ignored`);
  for (const root of copiedRoots()) assert.ok(existsSync(repoPath(root)), `COPY source ${root} exists`);
});
