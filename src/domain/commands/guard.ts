import type { TournamentAggregate } from '../aggregate.js';
import type { Failure } from '../errors.js';
import { type Action, checkAction } from '../state-machine.js';

/** SPEC §5: a request is checked against the tournament's state before anything else. */
export function guard(agg: TournamentAggregate, action: Action): Failure | null {
  const error = checkAction(agg.state, action);
  return error ? { ok: false, error } : null;
}
