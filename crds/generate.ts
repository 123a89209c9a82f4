// `npm run gen:crds`: writes crds/bramble.dev_<plural>.yaml for every kind and the README's
// resource reference from the TypeScript schemas, and crds/Kustomization for kustomize. Run it after changing any crds/*.ts schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedKinds, kindDefinitions } from './kinds.ts';
import { renderCrdKustomization, renderCrdYaml } from './render.ts';
import { renderReference, spliceReadme } from './reference-table.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function writeIfChanged(relative: string, text: string): void {
  const path = join(root, relative);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return;
  writeFileSync(path, text);
  console.log(`wrote ${relative}`);
}

for (const kind of generatedKinds) writeIfChanged(kind.output, renderCrdYaml(kind.definition, kind.source));
writeIfChanged('crds/Kustomization', renderCrdKustomization(generatedKinds.map((k) => k.output)));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
writeIfChanged('README.md', spliceReadme(readme, renderReference(kindDefinitions)));
