// The esbuild settings bramble's TypeScript is bundled with, both at start (bundle-sources.js,
// for `npm start` and development) and by `npm run build` (scripts/build.mjs, for the image):
// one set of settings, so the two bundles are the same program.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Each source keeps its own import.meta.url, so paths relative to a source (crds/) resolve.
 * `at: 'source'` names the file itself (a bundle run from the temp dir); `at: 'bundle'` names
 * it relative to the bundle, whose folder is `bundleDir` inside the repository (dist/), so the
 * bundle works wherever the tree is copied (the image's /app) and holds no build machine path.
 */
function ownImportMetaUrl(at, repoRoot, bundleDir) {
  return {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        const url =
          at === 'source'
            ? JSON.stringify(pathToFileURL(args.path).href)
            : `new URL(${JSON.stringify(relative(bundleDir, args.path).split('\\').join('/'))}, import.meta.url).href`;
        return { contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

/** esbuild options for bundling `entry`; `plugins` are added to bramble's own. */
export function bundleOptions({ entry, outfile, at, repoRoot, bundleDir, plugins = [] }) {
  return {
    entryPoints: [entry],
    bundle: true,
    outfile,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Bundling renames clashing top-level names; keep class and function names as written.
    keepNames: true,
    logLevel: 'silent',
    plugins: [...plugins, ownImportMetaUrl(at, repoRoot, bundleDir)],
  };
}
