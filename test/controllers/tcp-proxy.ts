// A loopback TCP proxy between the operator and the control plane, so tests can make a watch go
// silent (bytes stop flowing, the connection stays open, as a dead NAT entry or a hung proxy
// does) or end it the way a server's watch timeout does.
import net from 'node:net';

interface Link {
  client: net.Socket;
  upstream: net.Socket;
  /** The last request on this connection was a watch. */
  watching: boolean;
  /** The server has started answering the last request (so a watch is streaming). */
  answered: boolean;
  frozen: boolean;
}

export class TcpProxy {
  private server: net.Server | undefined;
  private readonly links = new Set<Link>();
  port = 0;

  constructor(private upstreamPort: number) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
  }

  /**
   * Freezes every watch that is streaming (headers received): nothing more reaches the client,
   * not even a close.
   */
  freezeWatches(): number {
    let n = 0;
    for (const link of this.links) {
      if (link.watching && link.answered && !link.frozen) {
        link.frozen = true;
        n += 1;
      }
    }
    return n;
  }

  /**
   * Ends frozen watch responses cleanly, as a server closing a watch at its timeout does: the
   * last chunk of the chunked body, with the client's connection kept alive (behind it, a new
   * upstream connection replaces the one still carrying the old watch). Plain HTTP only.
   */
  endFrozen(): number {
    let n = 0;
    for (const link of this.links) {
      if (!link.frozen) continue;
      const old = link.upstream;
      link.upstream = this.connectUpstream(link);
      old.removeAllListeners();
      old.destroy();
      link.frozen = false;
      link.watching = false;
      link.client.write('0\r\n\r\n');
      n += 1;
    }
    return n;
  }

  /** Drops every connection (as a restarting server does). */
  resetAll(): void {
    for (const link of this.links) {
      link.client.destroy();
      link.upstream.destroy();
    }
    this.links.clear();
  }

  async stop(): Promise<void> {
    this.resetAll();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const link: Link = { client, upstream: undefined as unknown as net.Socket, watching: false, answered: false, frozen: false };
    link.upstream = this.connectUpstream(link);
    this.links.add(link);
    client.on('data', (chunk: Buffer) => {
      const m = /^(?:GET|POST|PUT|PATCH|DELETE) (\S+)/m.exec(chunk.toString('latin1'));
      if (m) {
        link.watching = /[?&]watch=(true|1)/.test(m[1] as string);
        link.answered = false;
      }
      if (!link.frozen) link.upstream.write(chunk);
    });
    client.on('close', () => this.drop(link));
    client.on('error', () => this.drop(link));
  }

  private connectUpstream(link: Link): net.Socket {
    const upstream = net.connect(this.upstreamPort, '127.0.0.1');
    upstream.on('data', (chunk: Buffer) => {
      link.answered = true;
      if (!link.frozen) link.client.write(chunk);
    });
    const onGone = (): void => {
      if (!link.frozen && link.upstream === upstream) this.drop(link);
    };
    upstream.on('error', onGone);
    upstream.on('close', onGone);
    return upstream;
  }

  private drop(link: Link): void {
    this.links.delete(link);
    link.client.destroy();
    link.upstream.destroy();
  }
}
/** The kubeconfig with its server moved to the proxy (same scheme and credentials). */
export function throughProxy(kubeconfig: string, server: string, proxyPort: number): string {
  const u = new URL(server);
  const moved = `${u.protocol}//127.0.0.1:${proxyPort}`;
  return kubeconfig.split(server.replace(/\/$/, '')).join(moved);
}
