import { describe, expect, it } from 'vitest';
import { defaultOptions, resolveOptions } from './options.js';

function errorField(r: ReturnType<typeof resolveOptions>) {
  return r.ok ? null : { code: r.error.code, field: r.error.details?.field };
}

describe('format options (SPEC §5)', () => {
  it('defaults exactly as SPEC §5', () => {
    expect(defaultOptions('single_elimination')).toEqual({ third_place: false });
    expect(defaultOptions('double_elimination')).toEqual({ grand_final: 'with_reset' });
    expect(defaultOptions('round_robin')).toEqual({
      double: false,
      points: { win: 3, draw: 1, loss: 0 },
    });
    expect(defaultOptions('swiss')).toMatchObject({
      rounds: null,
      tiebreaks: ['buchholz', 'sonneborn_berger', 'head_to_head'],
    });
  });

  it('fills in what the input leaves out', () => {
    expect(resolveOptions('round_robin', { points: { win: 2 } })).toEqual({
      ok: true,
      options: { double: false, points: { win: 2, draw: 1, loss: 0 } },
    });
    expect(resolveOptions('single_elimination', undefined)).toEqual({
      ok: true,
      options: { third_place: false },
    });
    expect(resolveOptions('swiss', { rounds: 5, tiebreaks: ['head_to_head'] })).toMatchObject({
      ok: true,
      options: { rounds: 5, tiebreaks: ['head_to_head'] },
    });
  });

  it('merges onto a base when editing', () => {
    const r = resolveOptions('double_elimination', {}, { grand_final: 'none' });
    expect(r).toEqual({ ok: true, options: { grand_final: 'none' } });
  });

  it('names the offending field', () => {
    expect(errorField(resolveOptions('single_elimination', { third_place: 'yes' }))).toEqual({
      code: 'validation_error',
      field: 'options.third_place',
    });
    expect(errorField(resolveOptions('double_elimination', { grand_final: 'twice' }))?.field).toBe(
      'options.grand_final',
    );
    expect(errorField(resolveOptions('round_robin', { points: { win: 'x' } }))?.field).toBe(
      'options.points.win',
    );
    expect(errorField(resolveOptions('swiss', { rounds: 0 }))?.field).toBe('options.rounds');
    expect(errorField(resolveOptions('swiss', { tiebreaks: ['coin'] }))?.field).toBe(
      'options.tiebreaks',
    );
    expect(
      errorField(resolveOptions('swiss', { tiebreaks: ['buchholz', 'buchholz'] }))?.field,
    ).toBe('options.tiebreaks');
    expect(errorField(resolveOptions('round_robin', { bogus: 1 }))?.field).toBe('options.bogus');
    expect(errorField(resolveOptions('round_robin', [1]))?.field).toBe('options');
  });
});
