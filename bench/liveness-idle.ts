// What liveness costs while nothing happens, per Pi per minute, in the operator's process:
//  - up:   N Pis answering, each with its one pooled connection kept open (idleCloseMs 0) and
//          its SSH keepalive every 5 s, plus the liveness monitor's 1 s pass over N PiNodes;
//  - down: N Pis that do not answer, each probed by its SSH banner every 15–22 s (≤ 10 at once).
// Stand-in for N Pis: real OpenSSH sshd on loopback (test/sshd/sshd-fixture.ts), 16 ports each
// (sshd's limit), one Pi per port, so the executor holds N distinct pooled connections, each
// served by its own sshd session process, as N Pis would hold them. Probes in the down phase read sshd's real banner
// (a probe of a silent Pi sends SYNs and reads nothing, so it costs less). CPU is the benchmark
// process's own (process.cpuUsage: executor, monitor, probes; sshd is another process). Bytes are
// the TCP payload the kernel counted on those connections (`ss -ti` bytes_sent/bytes_received),
// plus an on-the-wire estimate at 66 bytes of Ethernet/IP/TCP headers per segment.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { LivenessMonitor } from '../controllers/liveness.ts';
import type { KubeObject } from '../controllers/kube-object.ts';
import { probeSshBanner } from '../ssh/banner-probe.ts';
import { Ssh2Executor } from '../ssh/ssh2-executor.ts';
import { startSshd } from '../test/sshd/sshd-fixture.ts';

const pis = Number(process.env.BRAMBLE_BENCH_LIVENESS_PIS ?? 100);
const windowSeconds = Number(process.env.BRAMBLE_BENCH_LIVENESS_SECONDS ?? 60);
const headerBytesPerSegment = 66;

interface SocketCounters {
  sent: number;
  received: number;
  segments: number;
}

/** Sums the kernel's counters over the established connections to `ports` (the client side). */
function countersTo(ports: readonly number[]): SocketCounters & { sockets: number } {
  const filter = `( ${ports.map((p) => `dport = :${p}`).join(' or ')} )`;
  const out = execFileSync('ss', ['-tinH', 'state', 'established', filter], { encoding: 'utf8' });
  const total = { sent: 0, received: 0, segments: 0, sockets: 0 };
  const field = (line: string, name: string): number => Number(new RegExp(`\\b${name}:(\\d+)`).exec(line)?.[1] ?? 0);
  for (const line of out.split('\n')) {
    if (!line.includes('bytes_')) continue;
    total.sockets++;
    total.sent += field(line, 'bytes_sent');
    total.received += field(line, 'bytes_received');
    total.segments += field(line, 'segs_out') + field(line, 'segs_in');
  }
  return total;
}

function piNode(i: number, host: string, port: number, reachable: boolean): KubeObject {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: `pi${i}`, namespace: 'bench' },
    spec: { address: host, port },
    status: { conditions: [{ type: 'Reachable', status: reachable ? 'True' : 'False', reason: reachable ? 'Connected' : 'Unreachable' }] },
  } as KubeObject;
}

async function idleWindow(): Promise<{ cpuMs: number; seconds: number }> {
  global.gc?.();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await new Promise((r) => setTimeout(r, windowSeconds * 1000));
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, seconds: (performance.now() - started) / 1000 };
}

const perPiPerMinute = (value: number, seconds: number): number => Math.round((value / pis / (seconds / 60)) * 100) / 100;

async function main(): Promise<void> {
  const portsPerSshd = 16;
  // One after another: each takes its ports from the free ones, and key generation is slow.
  const servers: Awaited<ReturnType<typeof startSshd>>[] = [];
  for (let i = 0; i < Math.ceil(pis / portsPerSshd); i++) servers.push(await startSshd({ extraPorts: portsPerSshd - 1 }));
  const executor = new Ssh2Executor({ idleCloseMs: 0 });
  try {
    const targets = servers.flatMap((sshd) => sshd.ports.map((port) => sshd.target({ port }))).slice(0, pis);
    const ports = targets.map((t) => t.port);
    // sshd's MaxStartups (10 unauthenticated at once) is a Pi's too: connect a few at a time.
    for (let i = 0; i < targets.length; i += 8) await Promise.all(targets.slice(i, i + 8).map((t) => executor.exec(t, 'true')));
    if (executor.openConnections !== pis) throw new Error(`expected ${pis} pooled connections, have ${executor.openConnections}`);

    // Up: every Pi answering; the monitor only looks at the PiNodes each second.
    const upNodes = targets.map((t, i) => piNode(i, t.host, t.port, true));
    const idleMonitor = new LivenessMonitor({
      nodes: () => upNodes,
      requeueNode: () => undefined,
      probe: (h, p) => probeSshBanner(h, p, 3_000),
      answered: () => undefined,
      silent: () => undefined,
    });
    idleMonitor.start();
    const before = countersTo(ports);
    const up = await idleWindow();
    const after = countersTo(ports);
    idleMonitor.stop();
    const upBytes = {
      sent: after.sent - before.sent,
      received: after.received - before.received,
      segments: after.segments - before.segments,
    };

    // Down: no pooled connection; every Pi probed on its jittered schedule.
    await executor.close();
    const downNodes = targets.map((t, i) => piNode(i, t.host, t.port, false));
    let bannerBytes = 0;
    const probeMonitor = new LivenessMonitor({
      nodes: () => downNodes,
      requeueNode: () => undefined,
      probe: async (h, p) => {
        const r = await probeSshBanner(h, p, 3_000);
        if (r.up) bannerBytes += r.banner.length + 2;
        return r;
      },
      answered: () => undefined,
      silent: () => undefined,
    });
    probeMonitor.start();
    // The first probe of each Pi comes one interval after it is seen down: start measuring then.
    await new Promise((r) => setTimeout(r, 26_000));
    const probesBefore = probeMonitor.probesSent;
    const bannerBefore = bannerBytes;
    const down = await idleWindow();
    probeMonitor.stop();
    const probes = probeMonitor.probesSent - probesBefore;

    const figures = {
      pis,
      windowSeconds,
      up: {
        cpuMsPerPiPerMinute: perPiPerMinute(up.cpuMs, up.seconds),
        sshPayloadBytesPerPiPerMinute: perPiPerMinute(upBytes.sent + upBytes.received, up.seconds),
        sshWireBytesPerPiPerMinuteEstimate: perPiPerMinute(
          upBytes.sent + upBytes.received + upBytes.segments * headerBytesPerSegment,
          up.seconds,
        ),
        sshPayloadSentBytesPerPiPerMinute: perPiPerMinute(upBytes.sent, up.seconds),
        operatorCpuPercentOfOneCore: Math.round((up.cpuMs / 1000 / up.seconds) * 10000) / 100,
      },
      down: {
        probesPerPiPerMinute: perPiPerMinute(probes, down.seconds),
        cpuMsPerPiPerMinute: perPiPerMinute(down.cpuMs, down.seconds),
        // A probe sends no payload; it reads the banner, then closes (SYN, SYN-ACK, ACK, banner,
        // ACK, FIN/ACK both ways: about 8 segments).
        sshPayloadBytesPerPiPerMinute: perPiPerMinute(bannerBytes - bannerBefore, down.seconds),
        sshWireBytesPerPiPerMinuteEstimate: perPiPerMinute(bannerBytes - bannerBefore + probes * 8 * headerBytesPerSegment, down.seconds),
        operatorCpuPercentOfOneCore: Math.round((down.cpuMs / 1000 / down.seconds) * 10000) / 100,
      },
    };
    console.log(`liveness idle cost at ${pis} Pis (real sshd on loopback, ${windowSeconds} s windows), per Pi per minute:`);
    console.log(
      `  up (keepalive every 5 s + monitor pass): ${figures.up.cpuMsPerPiPerMinute} ms CPU, ${figures.up.sshPayloadBytesPerPiPerMinute} B SSH payload (~${figures.up.sshWireBytesPerPiPerMinuteEstimate} B on the wire); operator ${figures.up.operatorCpuPercentOfOneCore} % of a core`,
    );
    console.log(
      `  down (banner probe every 15–22 s): ${figures.down.probesPerPiPerMinute} probes, ${figures.down.cpuMsPerPiPerMinute} ms CPU, ${figures.down.sshPayloadBytesPerPiPerMinute} B payload (~${figures.down.sshWireBytesPerPiPerMinuteEstimate} B on the wire); operator ${figures.down.operatorCpuPercentOfOneCore} % of a core`,
    );
    console.log(JSON.stringify(figures));
    const results = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(results, { recursive: true });
    writeFileSync(
      join(results, `liveness-idle-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
      `${JSON.stringify(figures, null, 2)}\n`,
    );
  } finally {
    await executor.close();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

await main();
