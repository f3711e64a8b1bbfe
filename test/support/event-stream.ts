import { request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';

/** One server-sent event as a browser would dispatch it (fields of one block). */
export interface ServerEvent {
  event?: string;
  data?: string;
  id?: string;
  retry?: number;
}

/**
 * A client of a text/event-stream answer over Node's http client, reading it as it arrives: the
 * events (per the WHATWG parsing rules), the comments, and for an answer that is not a stream its
 * body. Waits are for a condition with a deadline, never for a fixed time.
 */
export class EventStreamClient {
  readonly events: ServerEvent[] = [];
  readonly comments: string[] = [];
  body = '';
  ended = false;
  private pending = '';
  private fields: ServerEvent & Record<string, unknown> = {};
  private any = false;
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (this.isStream) this.feed(chunk);
      else this.body += chunk;
      this.wake();
    });
    const end = () => {
      this.ended = true;
      this.wake();
    };
    res.on('end', end);
    res.on('close', end);
    res.on('error', end);
  }

  /** Opens `url` (GET) and resolves once the answer's status and headers have arrived. */
  static open(url: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) =>
        resolve(new EventStreamClient(req, res)),
      );
      req.on('error', reject);
      req.end();
    });
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  get isStream(): boolean {
    return /^text\/event-stream\b/.test(String(this.res.headers['content-type'] ?? ''));
  }

  /** The `change` events' data, parsed. */
  get changes(): Array<Record<string, unknown>> {
    return this.events
      .filter((e) => e.event === 'change' && e.data !== undefined)
      .map((e) => JSON.parse(e.data!) as Record<string, unknown>);
  }

  /** Waits until `check` returns something, or fails after `timeoutMs` naming `what`. */
  async until<T>(what: string, check: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
    const first = check();
    if (first) return first;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(test);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; events so far: ${JSON.stringify(this.events)}`,
          ),
        );
      }, timeoutMs);
      const test = () => {
        const v = check();
        if (v) {
          clearTimeout(timer);
          this.waiters.delete(test);
          resolve(v);
        } else if (this.ended) {
          clearTimeout(timer);
          this.waiters.delete(test);
          reject(new Error(`the stream ended while waiting for ${what}; events: ${JSON.stringify(this.events)}`));
        }
      };
      this.waiters.add(test);
    });
  }

  /** The stream listens once its first event, `ready` (with `retry`), has arrived. */
  listening(timeoutMs = 10_000): Promise<ServerEvent> {
    return this.until('the ready event', () => this.events.find((e) => e.event === 'ready'), timeoutMs);
  }

  /** The first change matching `match`. */
  change(
    what: string,
    match: (c: Record<string, unknown>) => boolean,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    return this.until(what, () => this.changes.find(match), timeoutMs);
  }

  /** Ends the connection from the client's side, as a closed browser tab does. */
  close(): void {
    this.req.destroy();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private feed(chunk: string): void {
    const lines = (this.pending + chunk).split(/\r\n|\r|\n/);
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        if (this.any) this.events.push(this.fields);
        this.fields = {};
        this.any = false;
        continue;
      }
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trimStart());
        continue;
      }
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      this.any = true;
      if (name === 'data') this.fields.data = this.fields.data === undefined ? value : `${this.fields.data}\n${value}`;
      else if (name === 'retry') this.fields.retry = Number(value);
      else this.fields[name] = value;
    }
  }
}
