import net from 'node:net';

/**
 * A TCP proxy between the S3 client and RGW that counts what goes up and injects link faults: cut a connection after
 * N more bytes, stall forwarding, refuse new connections. Also notes each HTTP request line it sees going up.
 */
export interface FaultProxy {
  readonly url: string;
  readonly stats: { bytesUp: number; connections: number; requests: string[] };
  /** Drops the connection that carries the byte `bytes` further up from now (once). */
  cutAfter(bytes: number): void;
  /** Holds all upstream data for `ms` from the next chunk on (once). */
  stallOnce(ms: number): void;
  refuse(on: boolean): void;
  /** A stalled link: while on, nothing is forwarded either way on any connection, old or new (held, not dropped). */
  hold(on: boolean): void;
  /** Lets the next request whose line matches `pattern` reach the server, then drops the connection before its answer. */
  loseAnswerTo(pattern: RegExp): void;
  resetStats(): void;
  /** Resolves once nothing has gone up for `ms`: bytes of an aborted request still buffered here are counted by then. */
  quiet(ms?: number): Promise<void>;
  close(): Promise<void>;
}

// Not anchored to a line start: a request that follows a body on a kept-alive connection comes right after its last byte.
const REQUEST_LINE = /(GET|PUT|POST|HEAD|DELETE) (\/\S*) HTTP\/1\.1\r\n/g;

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const stats = { bytesUp: 0, connections: 0, requests: [] as string[] };
  let cutAt: number | null = null;
  let lastUpAt = Date.now();
  let stallMs = 0;
  let refusing = false;
  let loseAnswer: RegExp | null = null;
  const sockets = new Set<net.Socket>();
  let holding = false;
  const releases = new Set<() => void>();

  const server = net.createServer((client) => {
    if (refusing) return void client.destroy();
    stats.connections++;
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    let tail = '';
    let answerDoomed = false;
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => sockets.delete(client) && upstream.destroy());
    upstream.on('close', () => sockets.delete(upstream) && client.destroy());
    client.on('error', drop);
    upstream.on('error', drop);
    const heldUp: Buffer[] = [];
    const heldDown: Buffer[] = [];
    const release = (): void => {
      for (const chunk of heldDown.splice(0)) client.write(chunk);
      upstream.resume();
      const up = heldUp.splice(0);
      client.resume();
      for (const chunk of up) forward(chunk);
    };
    releases.add(release);
    client.on('close', () => releases.delete(release));
    upstream.on('data', (chunk: Buffer) => {
      if (holding) {
        heldDown.push(chunk);
        upstream.pause();
        return;
      }
      if (answerDoomed) return drop();
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });

    const forward = (chunk: Buffer): void => {
      if (cutAt !== null && stats.bytesUp + chunk.length >= cutAt) {
        const keep = Math.max(0, cutAt - stats.bytesUp);
        cutAt = null;
        stats.bytesUp += keep;
        upstream.write(chunk.subarray(0, keep));
        drop();
        return;
      }
      stats.bytesUp += chunk.length;
      lastUpAt = Date.now();
      // Request lines are matched over the previous chunk's tail too, so a line split across chunks still counts once.
      const text = tail + chunk.toString('latin1');
      for (const m of text.matchAll(REQUEST_LINE)) {
        if (m.index + m[0].length <= tail.length) continue;
        const line = `${m[1]} ${m[2]}`;
        stats.requests.push(line);
        if (loseAnswer?.test(line)) {
          loseAnswer = null;
          answerDoomed = true;
        }
      }
      tail = text.slice(-300);
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    };
    client.on('data', (chunk: Buffer) => {
      if (holding) {
        heldUp.push(chunk);
        client.pause();
        return;
      }
      if (stallMs > 0) {
        const ms = stallMs;
        stallMs = 0;
        client.pause();
        setTimeout(() => {
          client.resume();
          forward(chunk);
        }, ms);
        return;
      }
      forward(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    cutAfter: (bytes) => void (cutAt = stats.bytesUp + bytes),
    stallOnce: (ms) => void (stallMs = ms),
    refuse: (on) => void (refusing = on),
    hold: (on) => {
      holding = on;
      if (!on) for (const release of releases) release();
    },
    loseAnswerTo: (pattern) => void (loseAnswer = pattern),
    resetStats: () => {
      stats.bytesUp = 0;
      stats.connections = 0;
      stats.requests.length = 0;
    },
    quiet: async (ms = 500) => {
      while (Date.now() - lastUpAt < ms) await new Promise((resolve) => setTimeout(resolve, ms - (Date.now() - lastUpAt)));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
