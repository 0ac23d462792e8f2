/**
 * How the bracket view arranges matches, kept free of React: elimination
 * formats as columns by bracket and bracket round (a tree read left to right),
 * round robin and Swiss as one table per round.
 */
import type { BracketName, Format, Match } from '../api/types.js';

export interface BracketColumn {
  key: string;
  title: string;
  matches: Match[];
}

export interface BracketSection {
  bracket: BracketName;
  title: string;
  columns: BracketColumn[];
}

const SECTION_ORDER: readonly BracketName[] = [
  'main',
  'winners',
  'losers',
  'grand_final',
  'third_place',
];

const SECTION_TITLE: Record<BracketName, string> = {
  main: 'Bracket',
  winners: 'Winners bracket',
  losers: 'Losers bracket',
  grand_final: 'Grand final',
  third_place: 'Third place',
};

/** The n of `..._match_n`: matches keep their bracket order within a column. */
function matchNumber(id: string): number {
  const m = /_match_(\d+)$/.exec(id);
  return m ? Number(m[1]) : 0;
}

export function byMatchOrder(a: Match, b: Match): number {
  return matchNumber(a.id) - matchNumber(b.id) || a.id.localeCompare(b.id);
}

/** "Final", "Semifinals", "Quarterfinals", else "Round n", counted from the last round. */
export function roundTitle(bracket: BracketName, bracketRound: number, lastRound: number): string {
  const fromEnd = lastRound - bracketRound;
  switch (bracket) {
    case 'main':
      if (fromEnd === 0) return 'Final';
      if (fromEnd === 1) return 'Semifinals';
      if (fromEnd === 2) return 'Quarterfinals';
      return `Round ${bracketRound}`;
    case 'winners':
      return fromEnd === 0 ? 'Winners final' : `Winners round ${bracketRound}`;
    case 'losers':
      return fromEnd === 0 ? 'Losers final' : `Losers round ${bracketRound}`;
    case 'grand_final':
      return bracketRound === 1 ? 'Grand final' : 'Grand final reset';
    case 'third_place':
      return 'Third place match';
  }
}

/** Elimination brackets: one section per bracket, one column per bracket round. */
export function eliminationSections(matches: readonly Match[]): BracketSection[] {
  const sections: BracketSection[] = [];
  for (const bracket of SECTION_ORDER) {
    const own = matches.filter((m) => m.bracket === bracket);
    if (own.length === 0) continue;
    const rounds = [...new Set(own.map((m) => m.bracket_round))].sort((a, b) => a - b);
    const last = rounds[rounds.length - 1] ?? 1;
    sections.push({
      bracket,
      title: SECTION_TITLE[bracket],
      columns: rounds.map((r) => ({
        key: `${bracket}-${r}`,
        title: roundTitle(bracket, r, last),
        matches: own.filter((m) => m.bracket_round === r).sort(byMatchOrder),
      })),
    });
  }
  return sections;
}

export interface RoundTable {
  round: number;
  matches: Match[];
}

/** Round robin and Swiss: the matches of each round, in order. */
export function roundTables(matches: readonly Match[]): RoundTable[] {
  const rounds = [...new Set(matches.map((m) => m.round))].sort((a, b) => a - b);
  return rounds.map((round) => ({
    round,
    matches: matches.filter((m) => m.round === round).sort(byMatchOrder),
  }));
}

export function isElimination(format: Format): boolean {
  return format === 'single_elimination' || format === 'double_elimination';
}

/** How a match reads in the bracket: who won, or where it stands. */
export function matchStatusText(match: Match): string {
  switch (match.status) {
    case 'waiting':
      return 'Waiting for teams';
    case 'pending':
      return 'To play';
    case 'bye':
      return 'Bye';
    case 'abandoned':
      return 'Abandoned';
    case 'completed':
      if (match.walkover) return 'Walkover';
      return match.winner === null ? 'Draw' : 'Played';
  }
}

/** Names of the tiebreaks a standings table shows, in the order they appear. */
export function tiebreakColumns(
  standings: readonly { tiebreaks?: Record<string, number> }[],
): string[] {
  const seen = new Set<string>();
  for (const s of standings) for (const key of Object.keys(s.tiebreaks ?? {})) seen.add(key);
  return [...seen];
}

export const TIEBREAK_LABEL: Record<string, string> = {
  buchholz: 'Buchholz',
  sonneborn_berger: 'Sonneborn-Berger',
  head_to_head: 'Head-to-head',
};
