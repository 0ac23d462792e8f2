/**
 * Double elimination: a winners bracket (wb_r{r}_match_{n}), a losers bracket
 * (lb_r{r}_match_{n}) and a grand final (gf_match_1, gf_match_2).
 *
 * Losers bracket, as brackets-manager lays it out: LB round 1 pairs the WB
 * round-1 losers; then each "minor" round sets the losers of the next WB round
 * (slot 1, in a drop order that avoids rematches, seeding-order.ts) against
 * the LB survivors (slot 2), and each "major" round halves the survivors.
 * A match's `round` is one after the latest match feeding it, so the brackets
 * interleave: LB round j is tournament round j + 1, the grand final 2k for a
 * bracket of 2^k. With two teams the losers bracket has no match: the WB
 * final's loser is its champion and goes straight to the grand final.
 *
 * Grand final:
 * - `with_reset`: gf_match_1 (WB champion in slot 1, LB champion in slot 2);
 *   gf_match_2 is created only if the LB champion wins gf_match_1, so that
 *   the WB champion is also out after two losses.
 * - `single`: gf_match_1 decides.
 * - `none`: no grand final. The winner of the tournament is the WB champion,
 *   who has not lost; the LB champion ranks second. Both brackets are played
 *   to the end.
 *
 * A double forfeit (abandon) eliminates both teams, in either bracket: nobody
 * drops into the losers bracket from it.
 */
import { settle } from '../flow.js';
import { doubleEliminationStandings, eliminationRecords } from '../standings/elimination.js';
import type { DoubleEliminationOptions, Match, TeamId } from '../types.js';
import type { CorrectionImpact, FormatEngine, Work } from '../work.js';
import { feed, isUserDecided, rederive, roundAfter, sortByRound } from './bracket.js';
import { blankMatch, idNamer } from './format.js';
import { applyOrder, bracketSize, majorDropOrder, minorDropOrder } from './seeding-order.js';
import { buildTree } from './single-elimination.js';

const GF1 = 'gf_match_1';
const GF2 = 'gf_match_2';

const wbId = idNamer((round, n) => `wb_r${round}_match_${n}`);
const lbId = idNamer((round, n) => `lb_r${round}_match_${n}`);

function lbMatch(round: number, n: number, a: Match, b: Match): Match {
  return blankMatch(lbId(round, n), roundAfter(a, b), 'losers', round);
}

/** Builds the losers bracket; returns its matches and its final. */
function buildLosers(wb: Match[][], size: number): { matches: Match[]; final: Match } {
  const out: Match[] = [];
  const major = applyOrder(majorDropOrder(size), wb[0] as Match[]);
  let survivors: Match[] = [];
  for (let j = 0; j < major.length / 2; j++) {
    const a = major[2 * j] as Match;
    const b = major[2 * j + 1] as Match;
    const m = lbMatch(1, j + 1, a, b);
    feed(a, 'loser', m, 1);
    feed(b, 'loser', m, 2);
    survivors.push(m);
  }
  out.push(...survivors);
  let lbRound = 1;
  for (let i = 1; i < wb.length; i++) {
    const dropping = applyOrder(minorDropOrder(size, i - 1), wb[i] as Match[]);
    lbRound++;
    const minor = survivors.map((survivor, j) => {
      const dropped = dropping[j] as Match;
      const m = lbMatch(lbRound, j + 1, dropped, survivor);
      feed(dropped, 'loser', m, 1);
      feed(survivor, 'winner', m, 2);
      return m;
    });
    out.push(...minor);
    survivors = minor;
    if (survivors.length === 1) break;
    lbRound++;
    const halved: Match[] = [];
    for (let j = 0; j < survivors.length / 2; j++) {
      const a = survivors[2 * j] as Match;
      const b = survivors[2 * j + 1] as Match;
      const m = lbMatch(lbRound, j + 1, a, b);
      feed(a, 'winner', m, 1);
      feed(b, 'winner', m, 2);
      halved.push(m);
    }
    out.push(...halved);
    survivors = halved;
  }
  return { matches: out, final: survivors[0] as Match };
}

function grandFinal(w: Work): DoubleEliminationOptions['grand_final'] {
  return (w.base.options as DoubleEliminationOptions).grand_final;
}

function wbFinalId(w: Work): string {
  return wbId(Math.log2(bracketSize(w.seeds.length)), 1);
}

function champion(w: Work): TeamId | null {
  if (grandFinal(w) === 'none') return w.get(wbFinalId(w))?.winner ?? null;
  const decisive = w.get(GF2) ?? w.get(GF1);
  return decisive?.winner ?? null;
}

/** The reset is played when the LB champion beats the WB champion in gf_match_1. */
function resetWanted(w: Work, gf1: Match): boolean {
  return (
    grandFinal(w) === 'with_reset' &&
    gf1.status === 'completed' &&
    gf1.walkover !== true &&
    gf1.winner !== null &&
    gf1.winner === gf1.team2_id
  );
}

/** Makes gf_match_2 exist exactly when gf_match_1's result calls for it. */
function syncReset(w: Work, gf1: Match, impact?: CorrectionImpact): void {
  const gf2 = w.get(GF2);
  const wanted = resetWanted(w, gf1);
  if (wanted && !gf2) {
    const reset = blankMatch(GF2, gf1.round + 1, 'grand_final', 2, gf1.team1_id, gf1.team2_id);
    reset.team1_from = { match_id: GF1, take: 'loser' };
    reset.team2_from = { match_id: GF1, take: 'winner' };
    w.add(reset);
    w.total_rounds = reset.round;
    settle(w, reset);
  } else if (!wanted && gf2) {
    impact?.affected.add(GF2);
    if (isUserDecided(gf2)) {
      impact?.conflicts.add(GF2);
      return;
    }
    w.remove(GF2);
    w.total_rounds = gf1.round;
    w.current_round = Math.min(w.current_round, gf1.round);
  }
}

export const doubleElimination: FormatEngine = {
  allowsDraw: false,

  build(seeds, options) {
    const wb = buildTree(seeds, wbId, 'winners');
    const wbFinal = (wb[wb.length - 1] as Match[])[0] as Match;
    const matches: Match[] = [];
    for (const round of wb) for (const m of round) matches.push(m);
    const gfMode = (options as DoubleEliminationOptions).grand_final;
    let lbChampionSource: { match: Match; take: 'winner' | 'loser' } = {
      match: wbFinal,
      take: 'loser',
    };
    if (wb.length > 1) {
      const losers = buildLosers(wb, 2 ** wb.length);
      matches.push(...losers.matches);
      lbChampionSource = { match: losers.final, take: 'winner' };
    }
    let total = 0;
    for (const m of matches) total = Math.max(total, m.round);
    if (gfMode !== 'none') {
      const gf = blankMatch(GF1, roundAfter(wbFinal, lbChampionSource.match), 'grand_final', 1);
      feed(wbFinal, 'winner', gf, 1);
      feed(lbChampionSource.match, lbChampionSource.take, gf, 2);
      matches.push(gf);
      total = gf.round;
    }
    return { matches: sortByRound(matches), total_rounds: total };
  },

  createRound: () => [],

  afterDecision(w, m) {
    if (m.id === GF1) syncReset(w, m);
  },

  applyCorrection(w, m, impact) {
    rederive(w, m, impact, (work, changed, acc) => {
      if (changed.id === GF1) syncReset(work, changed, acc);
    });
  },

  champion,

  standings(w) {
    return doubleEliminationStandings(w, eliminationRecords(w), champion(w));
  },
};
