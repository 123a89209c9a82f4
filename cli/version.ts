// bramble's version, from package.json (inlined into dist/bramble.mjs by the build).
import pkg from '../package.json' with { type: 'json' };

export const BRAMBLE_VERSION: string = pkg.version;
