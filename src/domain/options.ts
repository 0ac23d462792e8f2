/**
 * Format options: defaults exactly as SPEC §5, partial input merged onto them.
 * Swiss `points` is our addition; it defaults to the FIDE 1 / ½ / 0 that
 * Buchholz and Sonneborn-Berger are defined with.
 */
import { type Failure, fail } from './errors.js';
import type {
  DoubleEliminationOptions,
  Format,
  FormatOptions,
  RoundRobinOptions,
  SingleEliminationOptions,
  SwissOptions,
  SwissTiebreak,
} from './types.js';

export const FORMATS: readonly Format[] = [
  'single_elimination',
  'double_elimination',
  'round_robin',
  'swiss',
];

export const SWISS_TIEBREAKS: readonly SwissTiebreak[] = [
  'buchholz',
  'sonneborn_berger',
  'head_to_head',
];

const GRAND_FINALS: readonly DoubleEliminationOptions['grand_final'][] = [
  'with_reset',
  'single',
  'none',
];

/** A Swiss can hardly need more rounds than a 1024-team round robin. */
const MAX_SWISS_ROUNDS = 1023;
const MAX_POINTS = 1000;

export function defaultOptions(format: Format): FormatOptions {
  switch (format) {
    case 'single_elimination':
      return { third_place: false } satisfies SingleEliminationOptions;
    case 'double_elimination':
      return { grand_final: 'with_reset' } satisfies DoubleEliminationOptions;
    case 'round_robin':
      return { double: false, points: { win: 3, draw: 1, loss: 0 } } satisfies RoundRobinOptions;
    case 'swiss':
      return {
        rounds: null,
        tiebreaks: ['buchholz', 'sonneborn_berger', 'head_to_head'],
        points: { win: 1, draw: 0.5, loss: 0 },
      } satisfies SwissOptions;
  }
}

export function isFormat(value: unknown): value is Format {
  return typeof value === 'string' && (FORMATS as readonly string[]).includes(value);
}

export type OptionsResult = { ok: true; options: FormatOptions } | Failure;

type Raw = Record<string, unknown>;

function invalid(field: string, reason: string): Failure {
  return fail('validation_error', { field: `options.${field}`, reason });
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKey(input: Raw, known: readonly string[], prefix = ''): Failure | null {
  const extra = Object.keys(input).find((key) => !known.includes(key));
  return extra === undefined ? null : invalid(`${prefix}${extra}`, 'unknown option');
}

function resolvePoints(
  input: unknown,
  base: RoundRobinOptions['points'],
): { ok: true; points: RoundRobinOptions['points'] } | Failure {
  if (input === undefined) return { ok: true, points: { ...base } };
  if (!isRecord(input)) return invalid('points', 'must be an object');
  const extra = unknownKey(input, ['win', 'draw', 'loss'], 'points.');
  if (extra) return extra;
  const points = { ...base };
  for (const key of ['win', 'draw', 'loss'] as const) {
    const value = input[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_POINTS) {
      return invalid(`points.${key}`, `must be a number between -${MAX_POINTS} and ${MAX_POINTS}`);
    }
    points[key] = value;
  }
  return { ok: true, points };
}

function resolveSwiss(input: Raw, base: SwissOptions): OptionsResult {
  const extra = unknownKey(input, ['rounds', 'tiebreaks', 'points']);
  if (extra) return extra;
  const out: SwissOptions = { ...base, tiebreaks: [...base.tiebreaks], points: { ...base.points } };
  const rounds = input.rounds;
  if (rounds !== undefined) {
    if (
      rounds !== null &&
      (typeof rounds !== 'number' ||
        !Number.isInteger(rounds) ||
        rounds < 1 ||
        rounds > MAX_SWISS_ROUNDS)
    ) {
      return invalid('rounds', `must be null or an integer from 1 to ${MAX_SWISS_ROUNDS}`);
    }
    out.rounds = rounds;
  }
  const tiebreaks = input.tiebreaks;
  if (tiebreaks !== undefined) {
    if (
      !Array.isArray(tiebreaks) ||
      !tiebreaks.every((t) => (SWISS_TIEBREAKS as readonly unknown[]).includes(t)) ||
      new Set(tiebreaks).size !== tiebreaks.length
    ) {
      return invalid('tiebreaks', `must list distinct values of ${SWISS_TIEBREAKS.join(', ')}`);
    }
    out.tiebreaks = [...tiebreaks] as SwissTiebreak[];
  }
  const points = resolvePoints(input.points, base.points);
  if (!points.ok) return points;
  out.points = points.points;
  return { ok: true, options: out };
}

/**
 * Validates `input` for `format` and fills in what it leaves out, from `base`
 * when given (editing a draft keeps its options) else from the defaults.
 */
export function resolveOptions(
  format: Format,
  input: unknown,
  base?: FormatOptions,
): OptionsResult {
  if (!isFormat(format)) return fail('validation_error', { field: 'format', reason: 'unknown' });
  const start = base ?? defaultOptions(format);
  if (input === undefined || input === null) return { ok: true, options: structuredCopy(start) };
  if (!isRecord(input))
    return fail('validation_error', { field: 'options', reason: 'must be an object' });
  switch (format) {
    case 'single_elimination': {
      const extra = unknownKey(input, ['third_place']);
      if (extra) return extra;
      const third = input.third_place ?? (start as SingleEliminationOptions).third_place;
      if (typeof third !== 'boolean') return invalid('third_place', 'must be a boolean');
      return { ok: true, options: { third_place: third } };
    }
    case 'double_elimination': {
      const extra = unknownKey(input, ['grand_final']);
      if (extra) return extra;
      const gf = input.grand_final ?? (start as DoubleEliminationOptions).grand_final;
      if (!(GRAND_FINALS as readonly unknown[]).includes(gf)) {
        return invalid('grand_final', `must be one of ${GRAND_FINALS.join(', ')}`);
      }
      return { ok: true, options: { grand_final: gf as DoubleEliminationOptions['grand_final'] } };
    }
    case 'round_robin': {
      const extra = unknownKey(input, ['double', 'points']);
      if (extra) return extra;
      const rr = start as RoundRobinOptions;
      const double = input.double ?? rr.double;
      if (typeof double !== 'boolean') return invalid('double', 'must be a boolean');
      const points = resolvePoints(input.points, rr.points);
      if (!points.ok) return points;
      return { ok: true, options: { double, points: points.points } };
    }
    case 'swiss':
      return resolveSwiss(input, start as SwissOptions);
  }
}

function structuredCopy(options: FormatOptions): FormatOptions {
  return JSON.parse(JSON.stringify(options)) as FormatOptions;
}
