// Writes health-checks.yaml (an argocd-cm patch) from bramble-health.lua, so the Lua has one
// source. Run: npx tsx manifests/argocd/generate.ts. test/manifests checks the file is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderHealthChecks } from './health-checks.ts';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

writeFileSync(here('health-checks.yaml'), renderHealthChecks(readFileSync(here('bramble-health.lua'), 'utf8')));
