#!/usr/bin/env node
// The `bramble` command, as the image and `npm start` run it: the TypeScript sources, bundled in
// memory at start (see bundle-sources.js), so the repository and the image run the same files.
import { fileURLToPath } from 'node:url';
import { importBundled } from './bundle-sources.js';

await importBundled(fileURLToPath(new URL('../cli/main.ts', import.meta.url)));
