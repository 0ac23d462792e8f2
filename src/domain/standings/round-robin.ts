/**
 * Round-robin standings: points (win/draw/loss as configured), then
 * head-to-head among the tied teams (points in the games between them only),
 * then score difference over all games, then scores made. Teams equal on all
 * of these share a rank and are listed by seed.
 */
import type { Standing, TeamId } from '../types.js';
import type { Work } from '../work.js';
import { rankTeams, standingOf, type TeamRecord, tally } from './record.js';

interface Row {
  team_id: TeamId;
  record: TeamRecord;
  points: number;
  h2h: number;
  diff: number;
}

type Points = { win: number; draw: number; loss: number };

function pointsOf(r: TeamRecord, p: Points): number {
  return r.wins * p.win + r.draws * p.draw + (r.losses - r.forfeits) * p.loss;
}

export function roundRobinStandings(w: Work, points: Points): Standing[] {
  const matches = w.allMatches();
  const records = tally(w.seeds, matches);
  const rows: Row[] = w.seeds.map((team_id) => {
    const record = records.get(team_id) as TeamRecord;
    return {
      team_id,
      record,
      points: pointsOf(record, points),
      h2h: 0,
      diff: record.score_for - record.score_against,
    };
  });
  // Head-to-head inside each group of teams level on points.
  const groups = new Map<number, Row[]>();
  for (const row of rows) groups.set(row.points, [...(groups.get(row.points) ?? []), row]);
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const ids = new Set(group.map((r) => r.team_id));
    const inside = matches.filter(
      (m) =>
        m.team1_id !== null && m.team2_id !== null && ids.has(m.team1_id) && ids.has(m.team2_id),
    );
    const mini = tally(
      group.map((r) => r.team_id),
      inside,
    );
    for (const row of group) row.h2h = pointsOf(mini.get(row.team_id) as TeamRecord, points);
  }
  const seed = new Map(w.seeds.map((id, i) => [id, i + 1]));
  const ranked = rankTeams(
    rows,
    (id) => seed.get(id) ?? 0,
    (a, b) =>
      b.points - a.points ||
      b.h2h - a.h2h ||
      b.diff - a.diff ||
      b.record.score_for - a.record.score_for,
  );
  return ranked.map((row) => ({
    ...standingOf(w.team(row.team_id), row.team_id, row.record, row.rank, row.points),
    tiebreaks: { head_to_head: row.h2h, score_difference: row.diff },
  }));
}
