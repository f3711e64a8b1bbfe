import { connect, Socket } from 'node:net';
import { startTestService, TestService } from '../support/harness';

/**
 * Real slow clients on loopback against the real app listening with short configured timeouts.
 * Node's defaults (300 s for a request, 60 s for headers) let one slow client hold a connection for
 * minutes; each case here waits for the server to close the connection and checks when it did.
 */
describe('HTTP server timeouts (real app on loopback, real slow clients)', () => {
  jest.setTimeout(60_000);
  const REQUEST_MS = 2_000;
  const HEADERS_MS = 1_000;
  const KEEP_ALIVE_MS = 500;
  let svc: TestService;
  let port: number;

  beforeAll(async () => {
    svc = await startTestService({
      workers: false,
      listen: true,
      env: {
        HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
        HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
        HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
      },
    });
    port = Number(new URL(svc.handle.url!).port);
  });
  afterAll(async () => {
    await svc?.close();
  });

  /**
   * Opens a connection, writes `first`, then sends nothing more; resolves when the server closes
   * it, with what the server sent and how long after the first write that was. Gives up (and
   * fails) after 20 s, far beyond every configured timeout and far below Node's defaults.
   */
  function stall(first: string): Promise<{ received: string; afterMs: number }> {
    return new Promise((resolve, reject) => {
      let received = '';
      let started = 0;
      const socket: Socket = connect(port, '127.0.0.1', () => {
        started = Date.now();
        socket.write(first);
      });
      const guard = setTimeout(() => {
        socket.destroy();
        reject(new Error(`the server kept the connection open for 20 s; received ${JSON.stringify(received)}`));
      }, 20_000);
      socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
      socket.on('error', () => undefined); // a reset after the answer is a close too
      socket.on('close', () => {
        clearTimeout(guard);
        resolve({ received, afterMs: Date.now() - started });
      });
    });
  }

  it('answers 408 and closes when a body arrives too slowly', async () => {
    const { received, afterMs } = await stall(
      `POST /api/v1/incidents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ` +
        `application/json\r\nContent-Length: 5000\r\n\r\n{"title":"`,
    );
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(REQUEST_MS - 100);
    // The check for expired connections runs at a quarter of the shortest timeout.
    expect(afterMs).toBeLessThan(REQUEST_MS + 1_500);
  });

  it('answers 408 and closes when the headers arrive too slowly', async () => {
    const { received, afterMs } = await stall('GET /api/v1/incidents HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(HEADERS_MS - 100);
    expect(afterMs).toBeLessThan(HEADERS_MS + 1_500);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const { received, afterMs } = await stall('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toMatch(/Connection: keep-alive/i);
    // Node closes an idle socket one second after the timeout it advertises (so that a client using
    // the same timeout never races it); with Node's default (5 s) this would take 6 s.
    expect(afterMs).toBeGreaterThanOrEqual(KEEP_ALIVE_MS);
    expect(afterMs).toBeLessThan(KEEP_ALIVE_MS + 2_500);
  });

  it('still serves a client that sends in time', async () => {
    await svc.http().get('/health').expect(200);
  });
});
