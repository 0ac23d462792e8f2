/**
 * Match and team lists (src/domain/match-list.ts, team-list.ts) keep their
 * contents in private fields; equality in tests compares what they hold, as a
 * plain array, so that `toEqual` on aggregates checks the matches and teams too.
 */
import { expect } from 'vitest';
import { MatchList } from '../src/domain/match-list.js';
import { TeamList } from '../src/domain/team-list.js';

const isList = (x: unknown): x is MatchList | TeamList =>
  x instanceof MatchList || x instanceof TeamList;

expect.addEqualityTesters([
  function listEquality(a, b, customTesters) {
    if (!isList(a) && !isList(b)) return undefined;
    const plain = (x: unknown) => (isList(x) ? x.toArray() : x);
    return this.equals(plain(a), plain(b), customTesters);
  },
]);
