#!/usr/bin/env node
// The `bramble` command. TypeScript sources run through tsx's loader so that the repository
// and the image run the same files; no separate build step can drift from the sources.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
