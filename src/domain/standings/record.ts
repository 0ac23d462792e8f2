/**
 * Win/loss/draw records from decided matches, shared by the formats.
 * Counting rules: a result or a walkover is a win for the winner and a loss
 * for the other team; `winner: null` between two teams is a draw; an abandoned
 * match (double forfeit) is a loss for both (worth no points, as in
 * tiebreaks.ts); a bye counts nothing here (Swiss
 * scores its byes as wins itself).
 */
import type { Match, Standing, Team, TeamId } from '../types.js';

export interface TeamRecord {
  wins: number;
  /** Abandoned matches included. */
  losses: number;
  /** Losses by double forfeit (they earn no points, not even `points.loss`). */
  forfeits: number;
  draws: number;
  score_for: number;
  score_against: number;
}

export function emptyRecord(): TeamRecord {
  return { wins: 0, losses: 0, forfeits: 0, draws: 0, score_for: 0, score_against: 0 };
}

export function tally(
  teamIds: readonly TeamId[],
  matches: readonly Match[],
): Map<TeamId, TeamRecord> {
  const records = new Map<TeamId, TeamRecord>(teamIds.map((id) => [id, emptyRecord()]));
  for (const m of matches) {
    const a = m.team1_id;
    const b = m.team2_id;
    if (a === null || b === null) continue;
    const ra = records.get(a);
    const rb = records.get(b);
    if (!ra || !rb) continue;
    if (m.status === 'abandoned') {
      ra.losses++;
      rb.losses++;
      ra.forfeits++;
      rb.forfeits++;
    } else if (m.status === 'completed') {
      if (m.winner === null) {
        ra.draws++;
        rb.draws++;
      } else if (m.winner === a) {
        ra.wins++;
        rb.losses++;
      } else {
        rb.wins++;
        ra.losses++;
      }
      if (m.scores) {
        const sa = m.scores[a] ?? 0;
        const sb = m.scores[b] ?? 0;
        ra.score_for += sa;
        ra.score_against += sb;
        rb.score_for += sb;
        rb.score_against += sa;
      }
    }
  }
  return records;
}

/**
 * Sorts best first by `compare` (negative: a ranks above b), breaking full
 * ties by seed for display, and gives tied teams the same rank (1, 1, 3).
 */
export function rankTeams<T extends { team_id: TeamId }>(
  rows: T[],
  seedOf: (id: TeamId) => number,
  compare: (a: T, b: T) => number,
): (T & { rank: number })[] {
  const sorted = [...rows].sort((a, b) => compare(a, b) || seedOf(a.team_id) - seedOf(b.team_id));
  const out: (T & { rank: number })[] = [];
  sorted.forEach((row, i) => {
    const prev = out[i - 1];
    const rank = prev && compare(sorted[i - 1] as T, row) === 0 ? prev.rank : i + 1;
    out.push({ ...row, rank });
  });
  return out;
}

export function standingOf(
  team: Team | undefined,
  teamId: TeamId,
  record: TeamRecord,
  rank: number,
  points: number,
): Standing {
  const standing: Standing = {
    rank,
    team_id: teamId,
    name: team?.name ?? teamId,
    wins: record.wins,
    losses: record.losses,
    draws: record.draws,
    points,
  };
  if (team?.withdrawn) standing.withdrawn = true;
  return standing;
}
