/**
 * Engine benchmark (docs/PERFORMANCE.md, "Engine"): Tourney's pure engine against
 * brackets-manager and tournament-organizer on the same workloads, with the same
 * seeded random results. Prints a table, then as its last line one JSON object.
 *
 *   npm run bench:engine
 *
 * Every (workload, engine) pair is measured in a fresh Node process of its own,
 * so that no engine runs on a heap or a JIT warmed or littered by another.
 * In each process: one cold run (the first, JIT and heap growth included),
 * then untimed warm-up runs, at least WARMUP of them and for at least
 * WARMUP_MS, then RUNS timed runs; the median is the figure. Warming up for
 * a fixed time rather than a fixed count gives every engine the same chance
 * to reach its steady state, which a fast engine needs more runs to reach:
 * the JIT tiers up by how often code runs, not by how long.
 *
 * Each pair is measured in PROCESSES separate processes and the figures are
 * the medians across them: which functions V8 inlines and when it compiles
 * them differs from one process to the next, and can leave one process
 * markedly slower than the others for its whole life.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pairSwissRound } from '../src/domain/formats/swiss-pairing.js';
import { bracketsManagerDoubleElimination } from './engine/brackets-manager.js';
import { withSeededMathRandom } from './engine/random.js';
import { swissField } from './engine/swiss-field.js';
import { organizerDoubleElimination, organizerSwiss } from './engine/tournament-organizer.js';
import { tourneyDoubleElimination, tourneySwiss } from './engine/tourney.js';

const SEED = 20260101;
const WARMUP = 5;
const WARMUP_MS = 2000;
const RUNS = 20;
const PROCESSES = 3;
const TEAMS = 256;
const SWISS_ROUNDS = 8;
const BIG_FIELD = 4096;
/** Rounds played in the big field before the timed pairing. */
const BIG_FIELD_PLAYED = 5;

const MEASURES: Record<string, () => unknown> = {
  'double_elimination/tourney': () => tourneyDoubleElimination(TEAMS, SEED),
  'double_elimination/brackets-manager': () => bracketsManagerDoubleElimination(TEAMS, SEED),
  'double_elimination/tournament-organizer': () =>
    withSeededMathRandom(SEED, () => organizerDoubleElimination(TEAMS, SEED)),
  'swiss/tourney': () => tourneySwiss(TEAMS, SWISS_ROUNDS, SEED),
  'swiss/tournament-organizer': () =>
    withSeededMathRandom(SEED, () => organizerSwiss(TEAMS, SWISS_ROUNDS, SEED)),
};

interface Timing {
  cold_ms: number;
  median_ms: number;
  warmup_runs: number;
  /** Parent side: each process's median, ascending. */
  process_medians_ms?: number[];
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

async function timeOnce(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Child side: measures one (workload, engine) pair and prints its timing as JSON. */
async function measure(key: string): Promise<void> {
  const fn = MEASURES[key];
  if (!fn) throw new Error(`unknown measure ${key}`);
  const cold = await timeOnce(fn);
  const warmUntil = performance.now() + WARMUP_MS;
  let warmup = 0;
  while (warmup < WARMUP || performance.now() < warmUntil) {
    await fn();
    warmup++;
  }
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timeOnce(fn));
  times.sort((a, b) => a - b);
  const timing: Timing = {
    cold_ms: round(cold),
    median_ms: round(times[Math.floor(times.length / 2)] as number),
    warmup_runs: warmup,
  };
  console.log(JSON.stringify(timing));
}

/** Parent side: runs one measure in a fresh process. */
function inChild(key: string): Timing {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--measure', key],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.trim().split('\n').pop() as string) as Timing;
}

const middle = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Parent side: the measure in PROCESSES fresh processes, one after another; medians across them. */
function inChildren(key: string): Timing {
  const runs = Array.from({ length: PROCESSES }, () => inChild(key));
  const medians = runs.map((r) => r.median_ms).sort((a, b) => a - b);
  return {
    cold_ms: middle(runs.map((r) => r.cold_ms)),
    median_ms: middle(medians),
    warmup_runs: middle(runs.map((r) => r.warmup_runs)),
    process_medians_ms: medians,
  };
}

interface Row {
  name: string;
  tourney_ms: number;
  peer: string;
  peer_ms: number;
  ratio: number;
  tourney_cold_ms: number;
  peer_cold_ms: number;
  cold_ratio: number;
  tourney_warmup_runs: number;
  peer_warmup_runs: number;
  tourney_process_medians_ms: number[];
  peer_process_medians_ms: number[];
}

function row(name: string, tourney: Timing, peer: string, theirs: Timing): Row {
  // How many times faster Tourney is than the peer: the goal is 10 or more.
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return {
    name,
    tourney_ms: tourney.median_ms,
    peer,
    peer_ms: theirs.median_ms,
    ratio: ratio(theirs.median_ms, tourney.median_ms),
    tourney_cold_ms: tourney.cold_ms,
    peer_cold_ms: theirs.cold_ms,
    cold_ratio: ratio(theirs.cold_ms, tourney.cold_ms),
    tourney_warmup_runs: tourney.warmup_runs,
    peer_warmup_runs: theirs.warmup_runs,
    tourney_process_medians_ms: tourney.process_medians_ms ?? [],
    peer_process_medians_ms: theirs.process_medians_ms ?? [],
  };
}

async function main(): Promise<void> {
  const de = `double_elimination_${TEAMS}`;
  const swiss = `swiss_${TEAMS}x${SWISS_ROUNDS}`;
  const t = Object.fromEntries(Object.keys(MEASURES).map((k) => [k, inChildren(k)]));
  const get = (k: string) => t[k] as Timing;
  const workloads = [
    row(
      de,
      get('double_elimination/tourney'),
      'brackets-manager',
      get('double_elimination/brackets-manager'),
    ),
    row(
      de,
      get('double_elimination/tourney'),
      'tournament-organizer',
      get('double_elimination/tournament-organizer'),
    ),
    row(swiss, get('swiss/tourney'), 'tournament-organizer', get('swiss/tournament-organizer')),
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
  await timeOnce(() => pairSwissRound(snapshot));
  const pairTimes: number[] = [];
  for (let i = 0; i < 5; i++) pairTimes.push(await timeOnce(() => pairSwissRound(snapshot)));
  pairTimes.sort((a, b) => a - b);
  const pair4096 = round(pairTimes[2] as number);
  for (let r = BIG_FIELD_PLAYED; r < SWISS_ROUNDS; r++) bigRematches += field.playRound();

  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  console.log(
    `Engine benchmark: seed ${SEED}, node ${process.version}; each engine in its own process: ` +
      `median of ${RUNS} runs after warming up for ${WARMUP_MS / 1000} s (at least ${WARMUP} runs), ` +
      `and the first (cold) run; medians across ${PROCESSES} processes`,
  );
  console.log(
    `${pad('workload', 24)}${pad('tourney ms', 12)}${pad('peer', 22)}${pad('peer ms', 10)}${pad('speedup', 9)}${pad('cold: tourney', 15)}${pad('peer', 10)}${pad('speedup', 9)}warm-up runs: tourney/peer`,
  );
  for (const w of workloads) {
    console.log(
      `${pad(w.name, 24)}${pad(w.tourney_ms, 12)}${pad(w.peer, 22)}${pad(w.peer_ms, 10)}${pad(w.ratio, 9)}${pad(w.tourney_cold_ms, 15)}${pad(w.peer_cold_ms, 10)}${pad(w.cold_ratio, 9)}${w.tourney_warmup_runs}/${w.peer_warmup_runs}`,
    );
  }
  console.log('speedup = peer time / Tourney time (goal: 10 or more)');
  for (const w of workloads) {
    console.log(
      `process medians, ${w.name} vs ${w.peer}: Tourney ${w.tourney_process_medians_ms.join(' / ')} ms, ` +
        `peer ${w.peer_process_medians_ms.join(' / ')} ms`,
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

const at = process.argv.indexOf('--measure');
if (at !== -1) await measure(process.argv[at + 1] as string);
else await main();
