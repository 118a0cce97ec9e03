/**
 * A TCP proxy that plays network cuts: listens on 127.0.0.1 and forwards each connection to a
 * target port until `cut()`, which destroys the live connections and, depending on the mode,
 * refuses new ones (stops listening), resets them (accept and destroy at once) or swallows them
 * (accept, never forward: the client times out). `restore()` forwards again on the same port.
 */
import net from 'node:net';

export type CutMode = 'refuse' | 'reset' | 'blackhole';

export interface FlakyProxyStats {
  connections: number;
  forwarded: number;
  refusedOrReset: number;
  swallowed: number;
  cuts: number;
}

export class FlakyProxy {
  readonly stats: FlakyProxyStats = {
    connections: 0,
    forwarded: 0,
    refusedOrReset: 0,
    swallowed: 0,
    cuts: 0,
  };
  private server?: net.Server;
  private readonly live = new Set<net.Socket>();
  private mode: CutMode | 'up' = 'up';
  private closed = false;

  private constructor(
    readonly targetPort: number,
    readonly targetHost: string,
    public port: number,
  ) {}

  /** Starts the proxy (port 0 picks a free one). */
  static async start(opts: { targetPort: number; targetHost?: string; port?: number }): Promise<FlakyProxy> {
    const proxy = new FlakyProxy(opts.targetPort, opts.targetHost ?? '127.0.0.1', opts.port ?? 0);
    await proxy.listen();
    return proxy;
  }

  get isCut(): boolean {
    return this.mode !== 'up';
  }

  get cutMode(): CutMode | undefined {
    return this.mode === 'up' ? undefined : this.mode;
  }

  /** Cuts the network: live connections are destroyed; new ones as the mode says. */
  async cut(mode: CutMode = 'refuse'): Promise<void> {
    if (this.closed) return;
    if (this.mode === 'up') this.stats.cuts++;
    this.mode = mode;
    this.destroyLive();
    if (mode === 'refuse') await this.stopListening();
    else if (!this.server) await this.listen();
  }

  /** Forwards again (same port). */
  async restore(): Promise<void> {
    if (this.closed || this.mode === 'up') return;
    this.mode = 'up';
    this.destroyLive(); // swallowed connections never come back to life
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.destroyLive();
    await this.stopListening();
  }

  private destroyLive(): void {
    for (const s of this.live) s.destroy();
    this.live.clear();
  }

  private track(s: net.Socket): void {
    this.live.add(s);
    s.on('close', () => this.live.delete(s));
    s.on('error', () => s.destroy());
  }

  private async listen(): Promise<void> {
    // Back on the same port after a 'refuse' cut; an outgoing socket may hold it for a moment.
    for (let attempt = 0; ; attempt++) {
      const server = net.createServer((client) => this.accept(client));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(this.port, '127.0.0.1', () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 100) throw e;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      this.port = (server.address() as net.AddressInfo).port;
      this.server = server;
      return;
    }
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.stats.connections++;
    if (this.mode === 'reset' || this.mode === 'refuse') {
      this.stats.refusedOrReset++;
      client.on('error', () => {});
      client.destroy();
      return;
    }
    this.track(client);
    if (this.mode === 'blackhole') {
      this.stats.swallowed++;
      client.resume(); // read and drop
      return;
    }
    this.stats.forwarded++;
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.track(upstream);
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
