/**
 * Final placings for the elimination formats, usable mid-event too: a team
 * still in the running ranks above every team already out.
 * Single elimination: by the furthest round reached, then whether the team
 * won there, then the third-place match (so 1, 2, 3, 4 with it, and the two
 * semi-final losers tied 3rd without it; quarter-final losers tie 5th...).
 * Double elimination: by the round in which the team was knocked out (its
 * last match, lost); the champion first, then teams never knocked out (the
 * LB champion when there is no grand final). This gives the usual 1, 2, 3, 4,
 * 5, 5, 7, 7, 9...
 * Points are match wins; the champion is first whatever the keys say.
 */
import { isDecided } from '../flow.js';
import type { Standing, TeamId } from '../types.js';
import type { Work } from '../work.js';
import { rankTeams, standingOf, type TeamRecord, tally } from './record.js';

export function eliminationRecords(w: Work): Map<TeamId, TeamRecord> {
  return tally(w.seeds, w.allMatches());
}

function build(w: Work, records: Map<TeamId, TeamRecord>, keys: Map<TeamId, number>): Standing[] {
  const seed = new Map(w.seeds.map((id, i) => [id, i + 1]));
  const rows = w.seeds.map((team_id) => ({ team_id, key: keys.get(team_id) ?? 0 }));
  return rankTeams(
    rows,
    (id) => seed.get(id) ?? 0,
    (a, b) => b.key - a.key,
  ).map((row) =>
    standingOf(
      w.team(row.team_id),
      row.team_id,
      records.get(row.team_id) as TeamRecord,
      row.rank,
      (records.get(row.team_id) as TeamRecord).wins,
    ),
  );
}

const CHAMPION = Number.MAX_SAFE_INTEGER;
const STILL_IN = CHAMPION - 1;

export function singleEliminationStandings(w: Work, records: Map<TeamId, TeamRecord>): Standing[] {
  const reach = new Map<TeamId, number>();
  const third = new Map<TeamId, number>();
  for (const m of w.allMatches()) {
    for (const team of [m.team1_id, m.team2_id]) {
      if (team === null) continue;
      if (m.bracket === 'third_place') {
        if (isDecided(m) && m.winner === team) third.set(team, 1);
        continue;
      }
      const alive = !isDecided(m) || m.winner === team ? 1 : 0;
      const key = m.round * 4 + alive * 2;
      if (key > (reach.get(team) ?? -1)) reach.set(team, key);
    }
  }
  const keys = new Map<TeamId, number>();
  for (const id of w.seeds) keys.set(id, (reach.get(id) ?? 0) + (third.get(id) ?? 0));
  const champion = w.engine.champion(w);
  if (champion !== null && w.state !== 'ACTIVE') keys.set(champion, CHAMPION);
  return build(w, records, keys);
}

export function doubleEliminationStandings(
  w: Work,
  records: Map<TeamId, TeamRecord>,
  champion: TeamId | null,
): Standing[] {
  const last = new Map<TeamId, { round: number; out: boolean }>();
  for (const m of w.allMatches()) {
    for (const team of [m.team1_id, m.team2_id]) {
      if (team === null) continue;
      const seen = last.get(team);
      if (seen && seen.round > m.round) continue;
      last.set(team, { round: m.round, out: isDecided(m) && m.winner !== team });
    }
  }
  const keys = new Map<TeamId, number>();
  for (const id of w.seeds) {
    const seen = last.get(id);
    keys.set(id, seen?.out ? seen.round : STILL_IN);
  }
  if (champion !== null && w.state !== 'ACTIVE') keys.set(champion, CHAMPION);
  return build(w, records, keys);
}
