import { type ReactNode, useEffect, useId, useState } from 'react';
import { ApiError } from '../api/client.js';
import type { TournamentState } from '../api/types.js';
import { STATUS_TEXT, type StreamStatus } from '../live/live-connection.js';
import { STATE_LABEL } from '../state-rules.js';

export function useTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · Tourney` : 'Tourney';
  }, [title]);
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** An error the user must see: announced at once (role="alert"). */
export function ErrorNote({ error, children }: { error?: unknown; children?: ReactNode }) {
  if (!error && !children) return null;
  return (
    <p className="alert" role="alert">
      {children ?? messageOf(error)}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function StateBadge({ state }: { state: TournamentState }) {
  return <span className={`badge state-${state.toLowerCase()}`}>{STATE_LABEL[state]}</span>;
}

export function LiveStatus({ status }: { status: StreamStatus }) {
  return (
    <span className={`live live-${status}`} title="Updates arrive without reloading">
      {STATUS_TEXT[status]}
    </span>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? ''
    : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * A button that asks once more before a step that cannot be undone (delete,
 * cancel, abandon), without a blocking browser dialog.
 */
export function ConfirmButton({
  label,
  confirmLabel,
  onConfirm,
  disabled,
  className,
}: {
  label: string;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  className?: string;
}) {
  const [asking, setAsking] = useState(false);
  const hint = useId();
  if (!asking) {
    return (
      <button
        type="button"
        className={className}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm">
      <span id={hint}>Sure?</span>
      <button
        type="button"
        className="danger"
        aria-describedby={hint}
        disabled={disabled}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}

/** A labelled form field with its error message tied to the control. */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
  }) => ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy =
    [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': describedBy })}
      {hint && (
        <small id={hintId} className="muted">
          {hint}
        </small>
      )}
      {error && (
        <small id={errorId} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}
