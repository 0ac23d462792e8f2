import { afterEach, describe, expect, it } from 'vitest';
import { type BusKind, busKinds, createTestBus } from '../../test/support/backends.js';
import type { Bus } from './bus.js';
import { globToRegExp } from './bus.js';

function collector() {
  const got: Array<[string, string]> = [];
  const waiters: Array<() => void> = [];
  return {
    got,
    handler: (channel: string, message: string) => {
      got.push([channel, message]);
      for (const w of waiters.splice(0)) w();
    },
    async until(n: number, ms = 2000) {
      const deadline = Date.now() + ms;
      while (got.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} messages, got ${got.length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 20);
        });
      }
    },
  };
}

describe.each(busKinds)('bus contract (%s)', (kind: BusKind) => {
  const open: Bus[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  async function bus(prefix?: string) {
    const b = await createTestBus(kind, prefix);
    open.push(b);
    return b;
  }

  it('delivers a published message to every subscriber of the channel, in order', async () => {
    const b = await bus();
    const one = collector();
    const two = collector();
    await b.subscribe('tournament:t_1:events', one.handler);
    await b.subscribe('tournament:t_1:events', two.handler);
    for (let i = 0; i < 20; i++) await b.publish('tournament:t_1:events', `m${i}`);
    await one.until(20);
    await two.until(20);
    expect(one.got.map(([, m]) => m)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(one.got[0]?.[0]).toBe('tournament:t_1:events');
    expect(two.got).toHaveLength(20);
  });

  it('does not deliver other channels, and stops after unsubscribe', async () => {
    const b = await bus();
    const c = collector();
    const off = await b.subscribe('tournament:t_1:events', c.handler);
    await b.publish('tournament:t_2:events', 'other');
    await b.publish('tournament:t_1:events', 'mine');
    await c.until(1);
    await off();
    await b.publish('tournament:t_1:events', 'late');
    await new Promise((r) => setTimeout(r, 100));
    expect(c.got.map(([, m]) => m)).toEqual(['mine']);
  });

  it('matches patterns and reports the concrete channel name without the prefix', async () => {
    const b = await bus();
    const c = collector();
    await b.subscribe('user:*:notifications', c.handler, { pattern: true });
    await b.publish('user:u_3:notifications', 'hello');
    await b.publish('global:announcements', 'no');
    await c.until(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(c.got).toEqual([['user:u_3:notifications', 'hello']]);
  });

  it('answers ping while open and refuses after close', async () => {
    const b = await createTestBus(kind);
    await expect(b.ping()).resolves.toBeUndefined();
    await b.close();
    await expect(b.ping()).rejects.toThrow();
  });
});

describe('redis prefixes', () => {
  it('keeps two deployments with different prefixes apart on one Redis', async () => {
    const a = await createTestBus('redis', 'dep-a:');
    const b = await createTestBus('redis', 'dep-b:');
    try {
      const c = collector();
      await b.subscribe('global:announcements', c.handler);
      await a.publish('global:announcements', 'from a');
      await b.publish('global:announcements', 'from b');
      await c.until(1);
      await new Promise((r) => setTimeout(r, 100));
      expect(c.got.map(([, m]) => m)).toEqual(['from b']);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('globToRegExp', () => {
  it('follows Redis glob rules', () => {
    expect(globToRegExp('user:*:notifications').test('user:u_1:notifications')).toBe(true);
    expect(globToRegExp('t?').test('t1')).toBe(true);
    expect(globToRegExp('t?').test('t12')).toBe(false);
    expect(globToRegExp('t[12]').test('t2')).toBe(true);
    expect(globToRegExp('t[12]').test('t3')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});
