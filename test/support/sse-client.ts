export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

/**
 * A minimal `text/event-stream` reader over fetch, as a browser's EventSource
 * would parse it; keeps every message and comment it receives.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  status = 0;
  retry: number | null = null;
  /** The last `id:` received, with or without data: what EventSource would send on reconnect. */
  lastEventId: string | null = null;
  ended = false;
  private readonly controller = new AbortController();
  private waiters: Array<() => void> = [];
  private done: Promise<void> = Promise.resolve();

  static async open(
    url: string,
    opts: { lastEventId?: string | number; headers?: Record<string, string> } = {},
  ): Promise<SseClient> {
    const client = new SseClient();
    const headers: Record<string, string> = { accept: 'text/event-stream', ...opts.headers };
    if (opts.lastEventId !== undefined) headers['last-event-id'] = String(opts.lastEventId);
    const res = await fetch(url, { headers, signal: client.controller.signal });
    client.status = res.status;
    if (!res.ok || !res.body) {
      client.ended = true;
      client.messages.push({ id: null, event: 'http_error', data: await res.text() });
      return client;
    }
    client.done = client.read(res.body);
    return client;
  }

  private async read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = '';
    let current: { id: string | null; event: string; data: string[] } = {
      id: null,
      event: 'message',
      data: [],
    };
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (line === '') {
            if (current.id !== null) this.lastEventId = current.id;
            if (current.data.length > 0) {
              this.messages.push({
                id: current.id,
                event: current.event,
                data: current.data.join('\n'),
              });
            }
            current = { id: null, event: 'message', data: [] };
          } else if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
          else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') current.id = value;
            else if (field === 'event') current.event = value;
            else if (field === 'data') current.data.push(value);
            else if (field === 'retry') this.retry = Number(value);
          }
          nl = buffer.indexOf('\n');
        }
        this.wake();
      }
    } catch {
      // aborted or reset by the server
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once `predicate` holds, or rejects after `ms`. */
  async until(predicate: (c: SseClient) => boolean, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this)) {
      if (Date.now() > deadline) {
        throw new Error(
          `SSE wait timed out with ${this.messages.length} messages (ended=${this.ended})`,
        );
      }
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 25);
      });
    }
  }

  data<T = Record<string, unknown>>(): T[] {
    return this.messages.map((m) => JSON.parse(m.data) as T);
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}
