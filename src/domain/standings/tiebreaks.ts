/**
 * Scores and tiebreaks for Swiss (and any points-based) standings, SPEC §4.
 * Definitions follow the FIDE Tie-Break Regulations (handbook C.07): Buchholz is
 * the sum of the opponents' scores, Sonneborn-Berger the sum of the scores of the
 * opponents beaten plus a draw's share of those drawn, direct encounter
 * (head-to-head) the points scored among the tied teams. Like lila's
 * `SwissScoring`, this is a pure function of the games; storage happens elsewhere.
 *
 * Choices, kept simple and stated here because every table depends on them:
 * - A bye is a win worth `points.win` (C.04.1 (f) gives the pairing-allocated bye
 *   a win's points). For tiebreaks it is an unplayed game: no opponent, so it adds
 *   nothing to Buchholz or Sonneborn-Berger. (C.07's "virtual opponent" for
 *   unplayed rounds is deliberately not implemented.)
 * - A double forfeit is a loss for both teams worth 0 points, even when
 *   `points.loss` is not 0, and is also unplayed for tiebreaks.
 * - Head-to-head is computed within each group of teams level on points only,
 *   whatever the earlier tiebreaks say.
 * - Teams level on points and on every configured tiebreak share a rank
 *   (competition ranking: 1, 2, 2, 4) and keep the order of `teamIds` (seed order).
 */
import type { SwissTiebreak, TeamId } from '../types.js';

/** A finished game as scoring sees it. `b` null is a bye for `a`. */
export interface PlayedGame {
  round: number;
  a: TeamId;
  b: TeamId | null;
  outcome: 'a' | 'b' | 'draw' | 'double_forfeit';
}

/** A team's line in the standings. `tiebreaks` holds the configured tiebreaks by name. */
export interface ScoredTeam {
  team_id: TeamId;
  points: number;
  wins: number;
  losses: number;
  draws: number;
  tiebreaks: Record<string, number>;
  rank: number;
}

/** Points per result and tiebreaks in the order they apply. */
export interface ScoreOptions {
  points: { win: number; draw: number; loss: number };
  tiebreaks: readonly SwissTiebreak[];
}

/** Points each side earned in a played game, or null for byes and double forfeits. */
function earned(game: PlayedGame, points: ScoreOptions['points']): [number, number] | null {
  if (game.b === null || game.outcome === 'double_forfeit') return null;
  if (game.outcome === 'draw') return [points.draw, points.draw];
  return game.outcome === 'a' ? [points.win, points.loss] : [points.loss, points.win];
}

/**
 * Scores `teamIds` from `games` and returns them best first with ranks. Games
 * naming a team outside `teamIds` count for the listed side only.
 */
export function scoreTeams(
  teamIds: readonly TeamId[],
  games: readonly PlayedGame[],
  opts: ScoreOptions,
): ScoredTeam[] {
  const { points } = opts;
  const rows = new Map<TeamId, ScoredTeam>();
  teamIds.forEach((team_id) => {
    rows.set(team_id, { team_id, points: 0, wins: 0, losses: 0, draws: 0, tiebreaks: {}, rank: 0 });
  });

  for (const game of games) {
    const a = rows.get(game.a);
    const b = game.b === null ? undefined : rows.get(game.b);
    if (game.b === null) {
      if (a) {
        a.wins++;
        a.points += points.win;
      }
      continue;
    }
    if (game.outcome === 'double_forfeit') {
      for (const row of [a, b]) if (row) row.losses++;
      continue;
    }
    const [pa, pb] = earned(game, points) as [number, number];
    if (a) a.points += pa;
    if (b) b.points += pb;
    if (game.outcome === 'draw') {
      if (a) a.draws++;
      if (b) b.draws++;
    } else {
      const [winner, loser] = game.outcome === 'a' ? [a, b] : [b, a];
      if (winner) winner.wins++;
      if (loser) loser.losses++;
    }
  }
  for (const row of rows.values()) row.points = tidy(row.points);

  const pointsOf = (id: TeamId): number => rows.get(id)?.points ?? 0;
  // A draw is worth a fraction of a win: ½ with 1/½/0, ⅓ with 3/1/0 (C.07 SB on game points).
  const drawShare = points.win > 0 ? points.draw / points.win : 0.5;
  const values: Record<SwissTiebreak, Map<TeamId, number>> = {
    buchholz: new Map(),
    sonneborn_berger: new Map(),
    head_to_head: new Map(),
  };
  const add = (name: SwissTiebreak, id: TeamId, v: number) => {
    if (rows.has(id)) values[name].set(id, (values[name].get(id) ?? 0) + v);
  };
  for (const game of games) {
    const b = game.b;
    if (b === null || earned(game, points) === null) continue;
    add('buchholz', game.a, pointsOf(b));
    add('buchholz', b, pointsOf(game.a));
    const shareA = game.outcome === 'a' ? 1 : game.outcome === 'draw' ? drawShare : 0;
    const shareB = game.outcome === 'b' ? 1 : game.outcome === 'draw' ? drawShare : 0;
    add('sonneborn_berger', game.a, shareA * pointsOf(b));
    add('sonneborn_berger', b, shareB * pointsOf(game.a));
    if (rows.has(game.a) && rows.has(b) && pointsOf(game.a) === pointsOf(b)) {
      const [pa, pb] = earned(game, points) as [number, number];
      add('head_to_head', game.a, pa);
      add('head_to_head', b, pb);
    }
  }
  for (const row of rows.values()) {
    for (const name of opts.tiebreaks) {
      row.tiebreaks[name] = tidy(values[name].get(row.team_id) ?? 0);
    }
  }

  const order = new Map(teamIds.map((id, i) => [id, i]));
  const key = (row: ScoredTeam): number[] => [
    row.points,
    ...opts.tiebreaks.map((name) => row.tiebreaks[name] ?? 0),
  ];
  const sorted = [...rows.values()].sort((x, y) => {
    const kx = key(x);
    const ky = key(y);
    const diff = kx.findIndex((v, i) => v !== ky[i]);
    if (diff >= 0) return (ky[diff] as number) - (kx[diff] as number);
    return (order.get(x.team_id) as number) - (order.get(y.team_id) as number);
  });
  sorted.forEach((row, i) => {
    const prev = sorted[i - 1];
    const tied = prev !== undefined && key(prev).every((v, j) => v === key(row)[j]);
    row.rank = tied ? prev.rank : i + 1;
  });
  return sorted;
}

/** Rounds away float noise (⅓ shares, 0.1 points) so that equal values compare equal. */
function tidy(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
