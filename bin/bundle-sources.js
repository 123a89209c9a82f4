// Bundles bramble's TypeScript sources at start, from the files as they are, and imports the
// bundle. One module graph without a TypeScript loader resident for the life of the process:
// tsx's loader thread, its per-file transforms and source maps cost the operator about 45 MB of
// RSS. The bundle goes to a fresh file under the temp dir (stack traces name a file, and
// `--enable-source-maps` maps them to the sources) and is deleted once loaded, so nothing is
// kept that could be stale or drift from the sources; the root filesystem may be read-only.
import { build, stop } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleOptions } from './bundle-options.js';

const builtins = new Set(builtinModules);

/** Packages stay outside the bundle, imported by absolute URL: the bundle's own folder has no node_modules. */
const packagesByUrl = {
  name: 'packages-by-url',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || builtins.has(args.path)) return { path: args.path, external: true };
      return { path: import.meta.resolve(args.path), external: true };
    });
  },
};

/** Bundles `entry` (a .ts file path) and evaluates it as an ES module. */
export async function importBundled(entry) {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-'));
  const file = join(dir, 'bramble.mjs');
  let code;
  try {
    const result = await build({
      // The outfile is not written by esbuild; named so that source map paths are relative to it.
      ...bundleOptions({ entry, outfile: file, at: 'source', plugins: [packagesByUrl] }),
      write: false,
      // `node --enable-source-maps bin/bramble.js …` gives stack traces in the TypeScript sources.
      sourcemap: process.sourceMapsEnabled ? 'inline' : false,
    });
    code = result.outputFiles[0].text;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  } finally {
    // esbuild's service process would otherwise stay alive (and resident) beside the operator.
    await stop();
  }
  try {
    writeFileSync(file, code, { mode: 0o600 });
    // Once evaluated (the sources import nothing dynamically), the file is no longer needed.
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
