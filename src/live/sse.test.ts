import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from './event-log.js';
import { sseFrame } from './sse.js';

const event = (seq: number, data: Record<string, unknown>): LoggedEvent => ({
  channel: 'tournament:t_1:events',
  seq,
  type: String(data.type),
  data,
});

describe('sseFrame', () => {
  it('is the SSE message of the event: id, event name, then its data with its id', () => {
    const e = event(7, { type: 'match_result', match_id: 'm_3', score: [2, 1] });
    expect(sseFrame(e).body.toString()).toBe(
      'id: 7\nevent: match_result\ndata: {"id":7,"type":"match_result","match_id":"m_3","score":[2,1]}\n\n',
    );
  });

  it('wraps the same bytes in one HTTP/1.1 chunk whose size counts bytes, not characters', () => {
    const e = event(12, { type: 'chat_message', text: 'Héllo – 🏆 ok' });
    const { body, chunk } = sseFrame(e);
    const text = body.toString('utf8');
    expect(text).toContain('"text":"Héllo – 🏆 ok"');
    expect(body.length).toBeGreaterThan(text.length);
    const head = `${body.length.toString(16)}\r\n`;
    expect(chunk.subarray(0, head.length).toString('latin1')).toBe(head);
    expect(chunk.subarray(head.length, head.length + body.length).equals(body)).toBe(true);
    expect(chunk.subarray(head.length + body.length).toString('latin1')).toBe('\r\n');
    expect(chunk.length).toBe(head.length + body.length + 2);
  });

  it('builds each event once and gives every stream the same bytes', () => {
    const a = event(1, { type: 'tick', n: 1 });
    const b = event(2, { type: 'tick', n: 2 });
    expect(sseFrame(a)).toBe(sseFrame(a));
    expect(sseFrame(b)).not.toBe(sseFrame(a));
    expect(sseFrame(b).body.toString()).toContain('id: 2\n');
    // An equal event read again (say from the log) is framed to the same bytes.
    const again = event(1, { type: 'tick', n: 1 });
    expect(sseFrame(again).chunk.equals(sseFrame(a).chunk)).toBe(true);
  });
});
