import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client.js';
import type { TournamentBody } from '../api/endpoints.js';
import type { Format } from '../api/types.js';
import { Field } from '../components/common.js';
import { FORMAT_LABEL, FORMATS } from '../state-rules.js';
import {
  ALL_TIEBREAKS,
  type FieldErrors,
  serverFieldErrors,
  type TournamentFormValues,
  validateTournament,
} from './tournament-form.js';

const TIEBREAK_TEXT = {
  buchholz: 'Buchholz',
  sonneborn_berger: 'Sonneborn-Berger',
  head_to_head: 'Head-to-head',
};

/**
 * The tournament's configuration: the create page and the DRAFT config form.
 * Checks what it can before sending; the server's 422 field errors land on
 * the same fields.
 */
export function TournamentFormView({
  initial,
  submitLabel,
  onSubmit,
}: {
  initial: TournamentFormValues;
  submitLabel: string;
  onSubmit: (body: TournamentBody) => Promise<void>;
}) {
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof TournamentFormValues>(key: K, value: TournamentFormValues[K]) =>
    setV((old) => ({ ...old, [key]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = validateTournament(v);
    setErrors(checked.errors);
    if (!checked.body) return;
    setBusy(true);
    try {
      await onSubmit(checked.body);
    } catch (err) {
      setErrors(
        err instanceof ApiError
          ? serverFieldErrors(err)
          : { form: err instanceof Error ? err.message : String(err) },
      );
    } finally {
      setBusy(false);
    }
  };

  const count = Object.keys(errors).length;
  return (
    <form className="tournament-form" onSubmit={submit} noValidate>
      {count > 0 && (
        <div className="alert" role="alert">
          {errors.form ??
            `Please correct ${count === 1 ? 'the field' : `${count} fields`} marked below.`}
        </div>
      )}
      <Field label="Name" error={errors.name}>
        {(p) => (
          <input
            {...p}
            value={v.name}
            maxLength={120}
            onChange={(e) => set('name', e.target.value)}
          />
        )}
      </Field>
      <Field label="Description" error={errors.description} hint="Optional, up to 2000 characters.">
        {(p) => (
          <textarea
            {...p}
            rows={3}
            value={v.description}
            onChange={(e) => set('description', e.target.value)}
          />
        )}
      </Field>
      <Field label="Format" error={errors.format}>
        {(p) => (
          <select {...p} value={v.format} onChange={(e) => set('format', e.target.value as Format)}>
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABEL[f]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="row">
        <Field label="Minimum teams" error={errors.min_teams}>
          {(p) => (
            <input
              {...p}
              inputMode="numeric"
              value={v.min_teams}
              onChange={(e) => set('min_teams', e.target.value)}
            />
          )}
        </Field>
        <Field label="Maximum teams" error={errors.max_teams}>
          {(p) => (
            <input
              {...p}
              inputMode="numeric"
              value={v.max_teams}
              onChange={(e) => set('max_teams', e.target.value)}
            />
          )}
        </Field>
      </div>
      <Field label="Starts at" error={errors.starts_at} hint="Optional; your local time.">
        {(p) => (
          <input
            {...p}
            type="datetime-local"
            value={v.starts_at}
            onChange={(e) => set('starts_at', e.target.value)}
          />
        )}
      </Field>
      <Field label="Seeding" error={errors.seeding}>
        {(p) => (
          <select
            {...p}
            value={v.seeding}
            onChange={(e) => set('seeding', e.target.value as 'random' | 'manual')}
          >
            <option value="random">Random</option>
            <option value="manual">Manual (registration order)</option>
          </select>
        )}
      </Field>
      <fieldset className="options">
        <legend>Options for {FORMAT_LABEL[v.format].toLowerCase()}</legend>
        {v.format === 'single_elimination' && (
          <label className="choice">
            <input
              type="checkbox"
              checked={v.third_place}
              onChange={(e) => set('third_place', e.target.checked)}
            />{' '}
            Play a third-place match
          </label>
        )}
        {v.format === 'double_elimination' && (
          <Field label="Grand final">
            {(p) => (
              <select
                {...p}
                value={v.grand_final}
                onChange={(e) =>
                  set('grand_final', e.target.value as TournamentFormValues['grand_final'])
                }
              >
                <option value="with_reset">With a reset</option>
                <option value="single">One match</option>
                <option value="none">None</option>
              </select>
            )}
          </Field>
        )}
        {v.format === 'round_robin' && (
          <>
            <label className="choice">
              <input
                type="checkbox"
                checked={v.double_round_robin}
                onChange={(e) => set('double_round_robin', e.target.checked)}
              />{' '}
              Double round robin (everyone meets twice)
            </label>
            <div className="row">
              <Field label="Points for a win">
                {(p) => (
                  <input
                    {...p}
                    value={v.points_win}
                    onChange={(e) => set('points_win', e.target.value)}
                  />
                )}
              </Field>
              <Field label="Points for a draw">
                {(p) => (
                  <input
                    {...p}
                    value={v.points_draw}
                    onChange={(e) => set('points_draw', e.target.value)}
                  />
                )}
              </Field>
              <Field label="Points for a loss">
                {(p) => (
                  <input
                    {...p}
                    value={v.points_loss}
                    onChange={(e) => set('points_loss', e.target.value)}
                  />
                )}
              </Field>
            </div>
          </>
        )}
        {v.format === 'swiss' && (
          <>
            <Field label="Rounds" hint="Leave empty for the usual number (log2 of the teams).">
              {(p) => (
                <input
                  {...p}
                  inputMode="numeric"
                  value={v.swiss_rounds}
                  onChange={(e) => set('swiss_rounds', e.target.value)}
                />
              )}
            </Field>
            <fieldset>
              <legend>Tiebreaks</legend>
              {ALL_TIEBREAKS.map((t) => (
                <label key={t} className="choice">
                  <input
                    type="checkbox"
                    checked={v.tiebreaks.includes(t)}
                    onChange={(e) =>
                      set(
                        'tiebreaks',
                        e.target.checked ? [...v.tiebreaks, t] : v.tiebreaks.filter((x) => x !== t),
                      )
                    }
                  />{' '}
                  {TIEBREAK_TEXT[t]}
                </label>
              ))}
            </fieldset>
          </>
        )}
        {errors.options && (
          <p className="field-error" role="alert">
            {errors.options}
          </p>
        )}
      </fieldset>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Saving…' : submitLabel}
      </button>
    </form>
  );
}
