import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy for tests that break the network between a server and its database on purpose.
 *
 * - `cut()` destroys every live connection through it and stops listening: new connections are
 *   refused (ECONNREFUSED), as when the database host is down.
 * - `cut('blackhole')` destroys every live connection but keeps listening, and holds each new
 *   connection open without forwarding a byte: a client waits until its own timeout, as when a
 *   firewall drops the traffic.
 * - `restore()` forwards again, on the same port.
 */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far, in all states. */
  readonly accepted: number;
  /** Connections being forwarded right now. */
  readonly live: number;
  cut(mode?: 'refuse' | 'blackhole'): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, host = '127.0.0.1'): Promise<TcpProxy> {
  let state: 'open' | 'refuse' | 'blackhole' | 'closed' = 'open';
  let accepted = 0;
  /** Every socket on either side of a forwarded connection, and every held (blackholed) one. */
  const sockets = new Set<Socket>();
  const forwarded = new Set<Socket>();

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      forwarded.delete(socket);
    });
    // A reset on one side is the expected way for these connections to end.
    socket.on('error', () => {});
  };

  const server: Server = createServer((client) => {
    accepted++;
    track(client);
    if (state !== 'open') {
      // Blackholed: accepted, never answered. Refused connections never get here.
      client.pause();
      return;
    }
    forwarded.add(client);
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const destroyAll = () => {
    for (const socket of sockets) socket.destroy();
  };

  await listen(0);
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('tcp proxy: no port');
  const port = address.port;

  return {
    host,
    port,
    get accepted() {
      return accepted;
    },
    get live() {
      return forwarded.size;
    },
    async cut(mode = 'refuse') {
      state = mode;
      const closed = mode === 'refuse' ? stopListening() : Promise.resolve();
      destroyAll();
      await closed;
    },
    async restore() {
      if (state === 'closed') throw new Error('tcp proxy: closed');
      // Whatever was held while blackholed goes; new connections are forwarded.
      if (state === 'blackhole') destroyAll();
      state = 'open';
      if (!server.listening) await listen(port);
    },
    async close() {
      state = 'closed';
      const closed = stopListening();
      destroyAll();
      await closed;
    },
  };
}
