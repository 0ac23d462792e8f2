/** tournament-organizer 4.x (Swiss pairing by tournament-pairings' weighted blossom). */
import Manager from 'tournament-organizer';
import { mulberry32 } from './random.js';
import { countRematches } from './tourney.js';

type Tournament = ReturnType<Manager['createTournament']>;

function withPlayers(
  format: 'double-elimination' | 'swiss',
  teams: number,
  rounds = 0,
): Tournament {
  const t = new Manager().createTournament('Bench', { stageOne: { format, rounds } }, 'bench');
  for (let i = 1; i <= teams; i++) t.createPlayer(`Team ${i}`, `team_${i}`);
  t.startTournament();
  return t;
}

function playActive(t: Tournament, rnd: () => number): number {
  const active = t.getActiveMatches();
  for (const m of active) {
    const first = rnd() < 0.5;
    t.enterResult(m.getId(), first ? 1 : 0, first ? 0 : 1);
  }
  return active.length;
}

/** Creates and completes a double elimination (its grand final format is the library's). */
export function organizerDoubleElimination(teams: number, seed: number): { matches: number } {
  const rnd = mulberry32(seed);
  const t = withPlayers('double-elimination', teams);
  while (playActive(t, rnd) > 0) {}
  t.endTournament();
  return { matches: t.getMatches().length };
}

/** Plays a Swiss of `rounds` rounds and computes the final standings. */
export function organizerSwiss(teams: number, rounds: number, seed: number): { rematches: number } {
  const rnd = mulberry32(seed);
  const t = withPlayers('swiss', teams, rounds);
  for (let r = 1; r <= rounds; r++) {
    playActive(t, rnd);
    if (r < rounds) t.nextRound();
  }
  t.getStandings();
  const pairs = t
    .getMatches()
    .filter((m) => !m.isBye())
    .map((m) => ({ team1_id: m.getPlayer1().id, team2_id: m.getPlayer2().id }));
  return { rematches: countRematches(pairs) };
}
