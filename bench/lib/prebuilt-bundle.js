// Bundles a TypeScript entry into dist/NAME.mjs the way `npm run build` bundles the image's
// dist/bramble.mjs (scripts/build.mjs: the same esbuild settings, packages left to node_modules
// beside dist/), so a benchmark's own entry starts as the image starts: `node dist/NAME.mjs`,
// nothing bundled or transformed at start. Usage: node bench/lib/prebuilt-bundle.js ENTRY.ts NAME
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOptions } from '../../bin/bundle-options.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const [entry, name] = process.argv.slice(2);
if (!entry || !name) throw new Error('usage: prebuilt-bundle.js ENTRY.ts NAME');
const bundleDir = join(repoRoot, 'dist');
const outfile = join(bundleDir, `${name}.mjs`);
await build({ ...bundleOptions({ entry: resolve(entry), outfile, at: 'bundle', repoRoot, bundleDir }), packages: 'external' });
process.stdout.write(`${outfile}\n`);
