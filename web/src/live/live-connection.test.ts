import { describe, expect, it } from 'vitest';
import { type ChannelHandlers, LiveConnection, type Source } from './live-connection.js';

/** An EventSource stand-in: records its URL and listeners; the test plays the server. */
class FakeSource implements Source {
  readyState = 0;
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, Array<(e: Event) => void>>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (e: Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  opened() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  /** Sends a message as the server writes it: `event:` the type, the composite `id:`. */
  send(type: string, data: Record<string, unknown>, lastEventId: string) {
    const message = { type, data: JSON.stringify(data), lastEventId } as MessageEvent<string>;
    for (const l of this.listeners.get(type) ?? []) l(message);
  }
  broke(closedForGood = false) {
    this.readyState = closedForGood ? 2 : 0;
    this.onerror?.(new Event('error'));
  }
}

function setUp() {
  const sources: FakeSource[] = [];
  const pending: Array<() => void> = [];
  const connection = new LiveConnection(
    (url) => {
      const s = new FakeSource(url);
      sources.push(s);
      return s;
    },
    (task) => pending.push(task),
  );
  /** Runs what the connection deferred: the effects of one render are over. */
  const settle = () => {
    for (const task of pending.splice(0)) task();
  };
  return { connection, sources, settle, current: () => sources.at(-1) as FakeSource };
}

function recorder() {
  const events: Array<[string, unknown, string]> = [];
  let reconnects = 0;
  const handlers: ChannelHandlers = {
    onEvent: (type, data, id) => events.push([type, data.n, id]),
    onReconnect: () => {
      reconnects++;
    },
  };
  return { handlers, events, reconnects: () => reconnects };
}

const EVENTS = 'tournament:t_7:events';
const CHAT = 'tournament:t_7:chat';
const NOTES = 'user:u_3:notifications';

describe('LiveConnection: one stream for a page', () => {
  it('follows every consumer on one stream and hands each event to its channel', () => {
    const { connection, sources, settle, current } = setUp();
    const page = recorder();
    const chat = recorder();
    const badge = recorder();
    connection.add(EVENTS, ['match_result'], () => page.handlers);
    connection.add(CHAT, ['chat_message'], () => chat.handlers);
    connection.add(NOTES, ['match_ready'], () => badge.handlers);
    settle();
    expect(sources.map((s) => s.url)).toEqual([
      '/api/v1/live?tournament=t_7&chat=true&notifications=true',
    ]);
    current().opened();
    expect(connection.statusOf(CHAT)).toBe('open');
    current().send(
      'match_result',
      { id: 4, type: 'match_result', channel: EVENTS, n: 1 },
      't7e:4,t7c:0,u3n:2',
    );
    current().send(
      'chat_message',
      { id: 1, type: 'chat_message', channel: CHAT, n: 2 },
      't7e:4,t7c:1,u3n:2',
    );
    current().send(
      'match_ready',
      { id: 3, type: 'match_ready', channel: NOTES, n: 3 },
      't7e:4,t7c:1,u3n:3',
    );
    expect(page.events).toEqual([['match_result', 1, '4']]);
    expect(chat.events).toEqual([['chat_message', 2, '1']]);
    expect(badge.events).toEqual([['match_ready', 3, '3']]);
  });

  it('opens nothing while held, then one stream with all that was asked meanwhile', () => {
    const { connection, sources, settle } = setUp();
    const release = connection.hold();
    connection.add(NOTES, ['match_ready'], () => recorder().handlers);
    settle();
    connection.add(EVENTS, ['match_result'], () => recorder().handlers);
    settle();
    expect(sources).toEqual([]);
    release();
    settle();
    expect(sources.map((s) => s.url)).toEqual(['/api/v1/live?tournament=t_7&notifications=true']);
  });

  it('keeps the channels it keeps in place when the page asks for others', () => {
    const { connection, sources, settle, current } = setUp();
    const badge = recorder();
    const page = recorder();
    connection.add(NOTES, ['match_ready'], () => badge.handlers);
    const leave = connection.add(EVENTS, ['match_result'], () => page.handlers);
    settle();
    current().opened();
    current().send('match_result', { id: 9, type: 'match_result', channel: EVENTS }, 't7e:9,u3n:5');
    const first = current();
    // Another page: the tournament's channel goes, the announcements come.
    leave();
    connection.add('global:announcements', ['tournament_published'], () => recorder().handlers);
    settle();
    expect(first.closed).toBe(true);
    expect(sources).toHaveLength(2);
    expect(current().url).toBe('/api/v1/live?notifications=true&global=true&last_event_id=u3n%3A5');
    current().opened();
    // Its place was known: nothing to refetch.
    expect(badge.reconnects()).toBe(0);
    // The old stream's late messages are not handed on.
    first.send('match_result', { id: 10, type: 'match_result', channel: EVENTS }, 't7e:10,u3n:5');
    expect(page.events).toHaveLength(1);
  });

  it('has a kept channel without a known place refetch once the new stream opens', () => {
    const { connection, settle, current } = setUp();
    const badge = recorder();
    connection.add(NOTES, ['match_ready'], () => badge.handlers);
    settle();
    current().opened();
    connection.add(EVENTS, ['match_result'], () => recorder().handlers);
    settle();
    expect(current().url).toBe('/api/v1/live?tournament=t_7&notifications=true');
    current().opened();
    expect(badge.reconnects()).toBe(1);
  });

  it('reports a break and a return (the server replays), and a refusal as closed', () => {
    const { connection, settle, current } = setUp();
    const page = recorder();
    connection.add(EVENTS, ['match_result'], () => page.handlers);
    settle();
    expect(connection.statusOf(EVENTS)).toBe('connecting');
    current().opened();
    current().broke();
    expect(connection.statusOf(EVENTS)).toBe('reconnecting');
    current().opened();
    expect(connection.statusOf(EVENTS)).toBe('open');
    expect(page.reconnects()).toBe(1);
    current().broke(true);
    expect(connection.statusOf(EVENTS)).toBe('closed');
  });

  it('ignores data that is not a live message', () => {
    const { connection, settle, current } = setUp();
    const page = recorder();
    connection.add(EVENTS, ['match_result'], () => page.handlers);
    settle();
    current().send('match_result', { type: 'match_result', channel: EVENTS }, 't7e:1');
    current().send('match_result', { id: 1, type: 'match_result' }, 't7e:1');
    current().send('match_result', { id: 1, type: 'match_result', channel: CHAT }, 't7e:1');
    expect(page.events).toEqual([]);
  });
});
