// GlusterVolume reconciler figures for `npm run bench` (the lead registers it in bench/run.ts),
// or alone: `npx tsx reconcilers/gluster/gluster.bench.ts`. Reports, never fails on speed.
//  - parse cost of the primary's observe output for a 3-brick and a 96-brick volume (real
//    gluster 10.3 XML, repeated for the large one);
//  - layout + plan cost for a converged 96-brick volume mounted on 96 nodes.
import { readFileSync } from 'node:fs';
import { parseHealSummary, parseVolumeInfo, parseVolumeStatus } from './parse-gluster.ts';
import { planVolume } from './plan.ts';
import { healthOf } from './status.ts';
import { convergedHosts, desired, owner, piNode } from './test-fixtures.test-support.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The 3-brick XML with its brick elements repeated to `copies` times as many. */
function widened(xml: string, tag: string, copies: number): string {
  return xml.replace(new RegExp(`(<${tag}[\\s>][\\s\\S]*</${tag}>)`), (all) => all.repeat(copies));
}

function perCall(fn: () => void, rounds: number): number {
  const start = performance.now();
  for (let i = 0; i < rounds; i++) fn();
  return (performance.now() - start) / rounds;
}

for (const copies of [1, 32]) {
  const info = widened(fixture('volume-info-replica3.xml'), 'brick', copies);
  const status = widened(fixture('status-all-online.xml'), 'node', copies);
  const heal = widened(fixture('heal-summary-clean.xml'), 'brick', copies);
  const ms = perCall(() => {
    parseVolumeInfo(info);
    parseVolumeStatus(status);
    parseHealSummary(heal);
  }, 200);
  console.log(`gluster parse volume info+status+heal, ${3 * copies} bricks: ${ms.toFixed(3)} ms`);
}

const many = Array.from({ length: 96 }, (_, i) => piNode(`pi${i}`, `10.1.${Math.floor(i / 200)}.${(i % 200) + 1}`));
const d = desired(
  { bricks: { nodeNames: many.map((n) => n.metadata.name), path: '/srv/gluster', allowRootFilesystem: false } },
  many,
  many,
);
const hosts = convergedHosts(d);
console.log(
  `gluster plan+health, 96 bricks, 96 mounts, converged: ${perCall(() => {
    planVolume({ desired: d, hosts, primary: 'pi0', owner });
    healthOf(d, hosts, 'pi0', []);
  }, 50).toFixed(2)} ms`,
);
