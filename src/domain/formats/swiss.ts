/**
 * Swiss: a fixed number of rounds (default ceil(log2(teams)), fixed at
 * start), each paired from the standings so far by `pairSwissRound` (pairing
 * rules live there: by score, no avoidable rematch, one bye at most per team).
 * A bye is a win (`points.win`); a withdrawn team is not paired again. The
 * event ends early when fewer than two teams remain.
 * Standings and tiebreaks come from `scoreTeams`.
 *
 * Correction: later rounds were paired from the old result, so each later
 * round is paired again with the corrected one. Matches whose pairing changes
 * are affected; the correction goes through only when none of them has been
 * played, and then the current round is re-paired.
 */
import { derive, isDecided } from '../flow.js';
import { type PlayedGame, scoreTeams } from '../standings/tiebreaks.js';
import type { Match, Standing, SwissOptions, TeamId } from '../types.js';
import type { CorrectionImpact, FormatEngine, Work } from '../work.js';
import { isUserDecided } from './bracket.js';
import { roundOfPairs } from './format.js';
import { pairSwissRound, type SwissPlayer } from './swiss-pairing.js';

type Points = SwissOptions['points'];

/** A decided match as the scoring sees it; null for one that does not count. */
export function toGame(m: Match): PlayedGame | null {
  if (!isDecided(m) || m.team1_id === null) return null;
  if (m.team2_id === null)
    return m.status === 'bye' ? { round: m.round, a: m.team1_id, b: null, outcome: 'a' } : null;
  const base = { round: m.round, a: m.team1_id, b: m.team2_id };
  if (m.status === 'abandoned') return { ...base, outcome: 'double_forfeit' };
  if (m.status !== 'completed') return null;
  if (m.winner === null) return { ...base, outcome: 'draw' };
  return { ...base, outcome: m.winner === m.team1_id ? 'a' : 'b' };
}

/** Points one game gives each side. */
function gamePoints(g: PlayedGame, p: Points): [number, number] {
  switch (g.outcome) {
    case 'a':
      return [p.win, p.loss];
    case 'b':
      return [p.loss, p.win];
    case 'draw':
      return [p.draw, p.draw];
    case 'double_forfeit':
      // As tiebreaks.ts scores it: a loss worth nothing, whatever points.loss is.
      return [0, 0];
  }
}

/**
 * The matches of `round`, paired from the games of the rounds before it.
 * `excluded` are the teams that had withdrawn before that round.
 */
export function pairRound(
  seeds: readonly TeamId[],
  excluded: ReadonlySet<TeamId>,
  prior: readonly Match[],
  round: number,
  points: Points,
): Match[] {
  const players = new Map<TeamId, SwissPlayer & { opponents: Set<TeamId> }>();
  seeds.forEach((id, i) => {
    if (!excluded.has(id)) {
      players.set(id, { id, score: 0, seed: i + 1, opponents: new Set(), had_bye: false });
    }
  });
  for (const m of prior) {
    const g = m.round < round ? toGame(m) : null;
    if (!g) continue;
    const [pa, pb] = gamePoints(g, points);
    const a = players.get(g.a);
    const b = g.b === null ? undefined : players.get(g.b);
    if (a) a.score += pa;
    if (b) b.score += pb;
    if (g.b === null) {
      if (a) a.had_bye = true;
      continue;
    }
    a?.opponents.add(g.b);
    b?.opponents.add(g.a);
  }
  if (players.size < 2) return [];
  const pairing = pairSwissRound([...players.values()]);
  const slots: [TeamId, TeamId | null][] = [...pairing.pairs];
  if (pairing.bye !== null) slots.push([pairing.bye, null]);
  return roundOfPairs(round, slots);
}

function opts(w: Work): SwissOptions {
  return w.base.options as SwissOptions;
}

/** Teams that had withdrawn before `round` started. */
function withdrawnBefore(w: Work, round: number): Set<TeamId> {
  const out = new Set<TeamId>();
  for (const t of w.allTeams()) {
    if (t.withdrawn && (t.withdrawn_round ?? 0) < round) out.add(t.id);
  }
  return out;
}

function samePairing(a: Match | undefined, b: Match | undefined): boolean {
  return (
    a !== undefined && b !== undefined && a.team1_id === b.team1_id && a.team2_id === b.team2_id
  );
}

function applyCorrection(w: Work, m: Match, impact: CorrectionImpact): void {
  for (let round = m.round + 1; round <= w.current_round; round++) {
    const fresh = pairRound(
      w.seeds,
      withdrawnBefore(w, round),
      w.allMatches(),
      round,
      opts(w).points,
    );
    const old = new Map(w.roundMatches(round).map((x) => [x.id, x]));
    const ids = new Set([...old.keys(), ...fresh.map((x) => x.id)]);
    for (const id of ids) {
      const before = old.get(id);
      if (
        samePairing(
          before,
          fresh.find((x) => x.id === id),
        )
      )
        continue;
      impact.affected.add(id);
      if (before && isUserDecided(before)) impact.conflicts.add(id);
    }
    if (impact.conflicts.size > 0) return;
    const next = fresh.map((x) => {
      const before = old.get(x.id);
      return before && samePairing(before, x) ? before : x;
    });
    w.replaceRound(round, next);
    for (const x of next) {
      const derived = derive(w, x);
      if (derived !== x) w.put(derived);
      if (old.get(x.id) === x) continue;
      // A new pairing in a finished round would have to be played in the past.
      if (round < w.current_round && !isDecided(derived)) impact.conflicts.add(x.id);
      else if (derived.status === 'pending') impact.reannounce.add(x.id);
    }
    if (impact.conflicts.size > 0) return;
  }
}

export const swiss: FormatEngine = {
  allowsDraw: true,

  build(seeds, options) {
    const o = options as SwissOptions;
    const total = o.rounds ?? Math.max(1, Math.ceil(Math.log2(seeds.length)));
    return { matches: pairRound(seeds, new Set(), [], 1, o.points), total_rounds: total };
  },

  createRound(w, round) {
    if (round > w.total_rounds) return [];
    return pairRound(w.seeds, withdrawnBefore(w, round), w.allMatches(), round, opts(w).points);
  },

  afterDecision: () => {},
  applyCorrection,

  champion(w) {
    return swissStandings(w)[0]?.team_id ?? null;
  },

  standings: (w) => swissStandings(w),
};

function swissStandings(w: Work): Standing[] {
  const games = w.allMatches().flatMap((m) => toGame(m) ?? []);
  const o = opts(w);
  return scoreTeams(w.seeds, games, { points: o.points, tiebreaks: o.tiebreaks }).map((s) => {
    const team = w.team(s.team_id);
    const standing: Standing = {
      rank: s.rank,
      team_id: s.team_id,
      name: team?.name ?? s.team_id,
      wins: s.wins,
      losses: s.losses,
      draws: s.draws,
      points: s.points,
      tiebreaks: s.tiebreaks,
    };
    if (team?.withdrawn) standing.withdrawn = true;
    return standing;
  });
}
