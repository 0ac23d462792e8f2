/**
 * Match lists (src/domain/match-list.ts) keep their contents in private
 * fields; equality in tests compares what they hold, as a plain array, so that
 * `toEqual` on aggregates checks the matches too.
 */
import { expect } from 'vitest';
import { MatchList } from '../src/domain/match-list.js';

expect.addEqualityTesters([
  function matchListEquality(a, b, customTesters) {
    if (!(a instanceof MatchList) && !(b instanceof MatchList)) return undefined;
    const plain = (x: unknown) => (x instanceof MatchList ? x.toArray() : x);
    return this.equals(plain(a), plain(b), customTesters);
  },
]);
