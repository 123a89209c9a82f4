// Starts a TypeScript entry the way bin/bramble.js starts bramble (bundled in memory, no tsx),
// so a benchmark's operator process carries exactly the production loader's memory.
import { importBundled } from '../../bin/bundle-sources.js';

await importBundled(process.argv[2]);
