/**
 * A large Swiss field driven straight through `pairSwissRound`: the engine caps a
 * tournament at LIMITS.maxTeams, the pairer itself does not.
 */
import { pairSwissRound, type SwissPlayer } from '../../src/domain/formats/swiss-pairing.js';
import { mulberry32 } from './random.js';

interface Entrant {
  id: string;
  score: number;
  seed: number;
  opponents: Set<string>;
  had_bye: boolean;
}

export interface SwissField {
  /** Players as the pairer sees them before the next round. */
  players(): SwissPlayer[];
  /** Pairs and plays one round with random results (1/½/0); returns its rematches. */
  playRound(): number;
}

export function swissField(teams: number, seed: number): SwissField {
  const rnd = mulberry32(seed);
  const entrants: Entrant[] = Array.from({ length: teams }, (_, i) => ({
    id: `team_${i + 1}`,
    score: 0,
    seed: i + 1,
    opponents: new Set<string>(),
    had_bye: false,
  }));
  const byId = new Map(entrants.map((e) => [e.id, e]));
  const players = (): SwissPlayer[] =>
    entrants.map((e) => ({ ...e, opponents: new Set(e.opponents) }));
  return {
    players,
    playRound() {
      const pairing = pairSwissRound(players());
      let rematches = 0;
      for (const [a, b] of pairing.pairs) {
        const ea = byId.get(a) as Entrant;
        const eb = byId.get(b) as Entrant;
        if (ea.opponents.has(b)) rematches++;
        ea.opponents.add(b);
        eb.opponents.add(a);
        const r = rnd();
        ea.score += r < 0.45 ? 1 : r < 0.55 ? 0.5 : 0;
        eb.score += r < 0.45 ? 0 : r < 0.55 ? 0.5 : 1;
      }
      if (pairing.bye !== null) {
        const e = byId.get(pairing.bye) as Entrant;
        e.score += 1;
        e.had_bye = true;
      }
      return rematches;
    },
  };
}
