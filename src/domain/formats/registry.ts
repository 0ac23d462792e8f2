import type { Format } from '../types.js';
import type { FormatEngine } from '../work.js';
import { doubleElimination } from './double-elimination.js';
import { roundRobin } from './round-robin.js';
import { singleElimination } from './single-elimination.js';
import { swiss } from './swiss.js';

const ENGINES: Record<Format, FormatEngine> = {
  single_elimination: singleElimination,
  double_elimination: doubleElimination,
  round_robin: roundRobin,
  swiss,
};

export function engineFor(format: Format): FormatEngine {
  return ENGINES[format];
}
