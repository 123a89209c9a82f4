#!/usr/bin/env node
// `npm run build`: bundles the `bramble` command (cli/main.ts and everything it imports) into
// dist/bramble.mjs with a linked source map, the file the image runs. Packages stay outside the
// bundle, loaded from node_modules beside dist/. `--outdir DIR` builds elsewhere (the image
// test stages the runtime image's tree without touching the repository's dist/).
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOptions } from '../bin/bundle-options.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const i = process.argv.indexOf('--outdir');
const outdir = resolve(i >= 0 ? process.argv[i + 1] : join(repoRoot, 'dist'));
// import.meta.url of a source is rewritten relative to the bundle as it sits in the repository's dist/.
const bundleDir = join(repoRoot, 'dist');

const result = await build({
  ...bundleOptions({ entry: join(repoRoot, 'cli/main.ts'), outfile: join(outdir, 'bramble.mjs'), at: 'bundle', repoRoot, bundleDir }),
  packages: 'external',
  // `node --enable-source-maps dist/bramble.mjs` maps stack traces to the TypeScript sources.
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
process.stdout.write(`built ${join(outdir, 'bramble.mjs')} (${Math.round(bytes / 1024)} KiB with its source map)\n`);
