// The cheap liveness check of a host that is down: a TCP connect and the first line sshd sends
// ("SSH-2.0-OpenSSH_9.2p1 …"), then the socket is closed. No key exchange, no login, nothing sent:
// about 100 bytes each way, so probing many unreachable Pis costs next to nothing.
import { connect } from 'node:net';

export type BannerProbeResult = { up: true; banner: string; ms: number } | { up: false; detail: string; ms: number };

/** The banner line is at most 255 bytes (RFC 4253 §4.2); servers may send other lines before it. */
const maxPreambleBytes = 8 * 1024;

export function probeSshBanner(host: string, port: number, timeoutMs: number): Promise<BannerProbeResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let received = '';
    let settled = false;
    const socket = connect({ host, port });
    const finish = (result: BannerProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ up: false, detail: `no SSH banner from ${host}:${port} within ${timeoutMs} ms`, ms: elapsed() }),
      timeoutMs,
    );
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      for (const line of received.split('\n').slice(0, -1)) {
        if (line.startsWith('SSH-')) return finish({ up: true, banner: line.replace(/\r$/, ''), ms: elapsed() });
      }
      if (received.length > maxPreambleBytes) finish({ up: false, detail: `${host}:${port} sent no SSH banner`, ms: elapsed() });
    });
    socket.on('error', (err) => finish({ up: false, detail: `cannot reach ${host}:${port}: ${err.message}`, ms: elapsed() }));
    socket.on('close', () => finish({ up: false, detail: `${host}:${port} closed the connection before its SSH banner`, ms: elapsed() }));
  });
}
