/**
 * The create/edit form of a tournament, kept free of React: its values, the
 * checks made before sending (the API's limits, SPEC §5) and the server's own
 * field errors (422) mapped back onto the fields.
 */
import { resolveOptions } from '../../../src/domain/options.js';
import type { SwissTiebreak } from '../../../src/domain/types.js';
import type { TournamentBody } from '../api/endpoints.js';
import type { Format, Tournament } from '../api/types.js';

export type Field =
  | 'name'
  | 'description'
  | 'format'
  | 'min_teams'
  | 'max_teams'
  | 'starts_at'
  | 'seeding'
  | 'options'
  | 'form';

export type FieldErrors = Partial<Record<Field, string>>;

export interface TournamentFormValues {
  name: string;
  description: string;
  format: Format;
  min_teams: string;
  max_teams: string;
  /** A `datetime-local` value (the browser's local time), '' for none. */
  starts_at: string;
  seeding: 'random' | 'manual';
  third_place: boolean;
  grand_final: 'with_reset' | 'single' | 'none';
  double_round_robin: boolean;
  points_win: string;
  points_draw: string;
  points_loss: string;
  swiss_rounds: string;
  tiebreaks: SwissTiebreak[];
}

export const ALL_TIEBREAKS: readonly SwissTiebreak[] = [
  'buchholz',
  'sonneborn_berger',
  'head_to_head',
];

export function emptyValues(): TournamentFormValues {
  return {
    name: '',
    description: '',
    format: 'single_elimination',
    min_teams: '2',
    max_teams: '16',
    starts_at: '',
    seeding: 'random',
    third_place: false,
    grand_final: 'with_reset',
    double_round_robin: false,
    points_win: '3',
    points_draw: '1',
    points_loss: '0',
    swiss_rounds: '',
    tiebreaks: [...ALL_TIEBREAKS],
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** ISO time to the `datetime-local` value of the browser's zone. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function valuesFromTournament(t: Tournament): TournamentFormValues {
  const v = emptyValues();
  const o = t.options as Record<string, unknown>;
  const points = (o.points ?? {}) as Record<string, unknown>;
  return {
    ...v,
    name: t.name,
    description: t.description ?? '',
    format: t.format,
    min_teams: String(t.min_teams),
    max_teams: String(t.max_teams),
    starts_at: toLocalInput(t.starts_at),
    seeding: t.seeding,
    third_place: o.third_place === true,
    grand_final: (o.grand_final as TournamentFormValues['grand_final']) ?? v.grand_final,
    double_round_robin: o.double === true,
    points_win: points.win !== undefined ? String(points.win) : v.points_win,
    points_draw: points.draw !== undefined ? String(points.draw) : v.points_draw,
    points_loss: points.loss !== undefined ? String(points.loss) : v.points_loss,
    swiss_rounds: typeof o.rounds === 'number' ? String(o.rounds) : '',
    tiebreaks: Array.isArray(o.tiebreaks) ? (o.tiebreaks as SwissTiebreak[]) : v.tiebreaks,
  };
}

function integer(text: string): number | null {
  return /^\s*\d{1,5}\s*$/.test(text) ? Number(text) : null;
}

function pointsOf(v: TournamentFormValues): { win: number; draw: number; loss: number } | null {
  const parse = (s: string) => (/^\s*-?\d+(\.\d+)?\s*$/.test(s) ? Number(s) : Number.NaN);
  const p = { win: parse(v.points_win), draw: parse(v.points_draw), loss: parse(v.points_loss) };
  return Object.values(p).every(Number.isFinite) ? p : null;
}

function optionsOf(v: TournamentFormValues): Record<string, unknown> | string {
  switch (v.format) {
    case 'single_elimination':
      return { third_place: v.third_place };
    case 'double_elimination':
      return { grand_final: v.grand_final };
    case 'round_robin': {
      const points = pointsOf(v);
      if (!points) return 'Points for a win, a draw and a loss are numbers.';
      return { double: v.double_round_robin, points };
    }
    case 'swiss': {
      const rounds = v.swiss_rounds.trim() === '' ? null : integer(v.swiss_rounds);
      if (v.swiss_rounds.trim() !== '' && (rounds === null || rounds < 1))
        return 'Rounds is a whole number from 1.';
      return { rounds, tiebreaks: ALL_TIEBREAKS.filter((t) => v.tiebreaks.includes(t)) };
    }
  }
}

/** Checks the form; `body` is what to send when there is no error. */
export function validateTournament(v: TournamentFormValues): {
  errors: FieldErrors;
  body: TournamentBody | null;
} {
  const errors: FieldErrors = {};
  const name = v.name.trim();
  if (name === '') errors.name = 'Give the tournament a name.';
  else if (name.length > 100) errors.name = 'The name is at most 100 characters.';
  if (v.description.length > 2000)
    errors.description = 'The description is at most 2000 characters.';

  const min = integer(v.min_teams);
  const max = integer(v.max_teams);
  if (min === null || min < 2 || min > 1024) errors.min_teams = 'At least 2 teams, at most 1024.';
  if (max === null || max < 2 || max > 1024) errors.max_teams = 'At least 2 teams, at most 1024.';
  else if (min !== null && max < min) errors.max_teams = 'The maximum cannot be below the minimum.';

  let starts_at: string | null = null;
  if (v.starts_at.trim() !== '') {
    const d = new Date(v.starts_at);
    if (Number.isNaN(d.getTime())) errors.starts_at = 'Give a valid date and time.';
    else starts_at = d.toISOString();
  }

  const options = optionsOf(v);
  if (typeof options === 'string') errors.options = options;
  else {
    // The domain's own option rules, so that the form refuses what the API would.
    const checked = resolveOptions(v.format, options);
    if (!checked.ok) {
      const d = checked.error.details ?? {};
      errors.options = `${String(d.field ?? 'options')} ${String(d.reason ?? 'is invalid')}`;
    }
  }

  if (
    Object.keys(errors).length > 0 ||
    min === null ||
    max === null ||
    typeof options === 'string'
  ) {
    return { errors, body: null };
  }
  return {
    errors,
    body: {
      name,
      description: v.description.trim() === '' ? null : v.description,
      format: v.format,
      min_teams: min,
      max_teams: max,
      starts_at,
      seeding: v.seeding,
      options,
    },
  };
}

const FIELDS: readonly Field[] = [
  'name',
  'description',
  'format',
  'min_teams',
  'max_teams',
  'starts_at',
  'seeding',
  'options',
];

function fieldOf(path: string): Field {
  // "body.name", "body.options.points.win", "options.rounds", "name"
  const first = path.replace(/^body\.?/, '').split('.')[0] ?? '';
  return (FIELDS as readonly string[]).includes(first) ? (first as Field) : 'form';
}

/** The server's 422 (`validation_error`) as messages on the fields. */
export function serverFieldErrors(error: {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}): FieldErrors {
  if (error.code !== 'validation_error') return { form: error.message };
  const errors: FieldErrors = {};
  const issues = Array.isArray(error.details?.issues) ? (error.details.issues as unknown[]) : [];
  for (const issue of issues) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { field, message } = issue as { field?: unknown; message?: unknown };
    const at = fieldOf(typeof field === 'string' ? field : '');
    errors[at] ??=
      at === 'form'
        ? String(message ?? error.message)
        : `${String(field).replace(/^body\./, '')} ${String(message ?? 'is invalid')}`;
  }
  if (issues.length === 0) {
    const field = typeof error.details?.field === 'string' ? error.details.field : '';
    errors[fieldOf(field)] = error.message;
  }
  return errors;
}
