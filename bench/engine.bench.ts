/**
 * Engine benchmark (docs/PERFORMANCE.md, "Engine"): Tourney's pure engine against
 * brackets-manager and tournament-organizer on the same workloads, with the same
 * seeded random results. Prints a table, then as its last line one JSON object.
 *
 *   npm run bench:engine
 */

import { pairSwissRound } from '../src/domain/formats/swiss-pairing.js';
import { bracketsManagerDoubleElimination } from './engine/brackets-manager.js';
import { withSeededMathRandom } from './engine/random.js';
import { swissField } from './engine/swiss-field.js';
import { organizerDoubleElimination, organizerSwiss } from './engine/tournament-organizer.js';
import { tourneyDoubleElimination, tourneySwiss } from './engine/tourney.js';

const SEED = 20260101;
/** Timed runs per measurement, after one untimed warm-up run; the median is reported. */
const RUNS = 5;
const TEAMS = 256;
const SWISS_ROUNDS = 8;
const BIG_FIELD = 4096;
/** Rounds played in the big field before the timed pairing. */
const BIG_FIELD_PLAYED = 5;

async function medianMs(fn: () => unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return round(times[Math.floor(times.length / 2)] as number);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

interface Row {
  name: string;
  tourney_ms: number;
  peer: string;
  peer_ms: number;
  ratio: number;
}

function row(name: string, tourney_ms: number, peer: string, peer_ms: number): Row {
  // How many times faster Tourney is than the peer: the goal is 10 or more.
  return { name, tourney_ms, peer, peer_ms, ratio: Math.round((peer_ms / tourney_ms) * 100) / 100 };
}

async function main(): Promise<void> {
  const de = `double_elimination_${TEAMS}`;
  const swiss = `swiss_${TEAMS}x${SWISS_ROUNDS}`;
  const tourneyDe = await medianMs(() => tourneyDoubleElimination(TEAMS, SEED));
  const bmDe = await medianMs(() => bracketsManagerDoubleElimination(TEAMS, SEED));
  const toDe = await medianMs(() =>
    withSeededMathRandom(SEED, () => organizerDoubleElimination(TEAMS, SEED)),
  );
  const tourneySw = await medianMs(() => tourneySwiss(TEAMS, SWISS_ROUNDS, SEED));
  const toSw = await medianMs(() =>
    withSeededMathRandom(SEED, () => organizerSwiss(TEAMS, SWISS_ROUNDS, SEED)),
  );
  const workloads = [
    row(de, tourneyDe, 'brackets-manager', bmDe),
    row(de, tourneyDe, 'tournament-organizer', toDe),
    row(swiss, tourneySw, 'tournament-organizer', toSw),
  ];

  // With n >= 2r + 2 teams after r rounds, a rematch-free pairing always exists
  // (Dirac's theorem), so every rematch counted here was avoidable.
  const tourneyRematches = tourneySwiss(TEAMS, SWISS_ROUNDS, SEED).rematches;
  const peerRematches = (
    await withSeededMathRandom(SEED, () => organizerSwiss(TEAMS, SWISS_ROUNDS, SEED))
  ).rematches;

  const field = swissField(BIG_FIELD, SEED);
  let bigRematches = 0;
  for (let r = 0; r < BIG_FIELD_PLAYED; r++) bigRematches += field.playRound();
  const snapshot = field.players();
  const pair4096 = await medianMs(() => pairSwissRound(snapshot));
  for (let r = BIG_FIELD_PLAYED; r < SWISS_ROUNDS; r++) bigRematches += field.playRound();

  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  console.log(`Engine benchmark: seed ${SEED}, median of ${RUNS} runs, node ${process.version}`);
  console.log(
    `${pad('workload', 26)}${pad('tourney ms', 12)}${pad('peer', 22)}${pad('peer ms', 10)}speedup (peer/tourney)`,
  );
  for (const w of workloads) {
    console.log(
      `${pad(w.name, 26)}${pad(w.tourney_ms, 12)}${pad(w.peer, 22)}${pad(w.peer_ms, 10)}${w.ratio}`,
    );
  }
  console.log(
    `pair one round of a ${BIG_FIELD}-team Swiss after ${BIG_FIELD_PLAYED} rounds: ${pair4096} ms`,
  );
  console.log(
    `avoidable rematches: Tourney ${tourneyRematches} (${TEAMS}x${SWISS_ROUNDS}), ${bigRematches} (${BIG_FIELD}x${SWISS_ROUNDS}); tournament-organizer ${peerRematches}`,
  );
  console.log(
    JSON.stringify({
      workloads,
      swiss_pair_4096_ms: pair4096,
      swiss_avoidable_rematches: tourneyRematches + bigRematches,
    }),
  );
}

await main();
