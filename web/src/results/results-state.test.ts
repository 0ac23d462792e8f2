import { describe, expect, it } from 'vitest';
import type { Match, MatchesSnapshot } from '../api/types.js';
import {
  announce,
  decidedOfRound,
  draftFromForm,
  initialResultsState,
  mergeLiveEvent,
  mergeRecorded,
  pendingOfRound,
  type ResultsAction,
  type ResultsState,
  refusalMessage,
  resultsReducer,
  withSubmissions,
} from './results-state.js';

const names = { team_1: 'Ants', team_2: 'Bees', team_3: 'Cats', team_4: 'Dogs' };

function match(
  id: string,
  team1: string | null,
  team2: string | null,
  extra: Partial<Match> = {},
): Match {
  const round = Number(/^r(\d+)_/.exec(id)?.[1] ?? 1);
  return {
    id,
    round,
    bracket: 'main',
    bracket_round: round,
    status: team1 && team2 ? 'pending' : 'waiting',
    team1_id: team1,
    team2_id: team2,
    winner: null,
    scores: null,
    ...extra,
  };
}

const snapshot = (): MatchesSnapshot => ({
  round: 1,
  matches: [
    match('r1_match_1', 'team_1', 'team_2'),
    match('r1_match_2', 'team_3', 'team_4'),
    match('r2_match_1', null, null),
  ],
});

const run = (...actions: ResultsAction[]): ResultsState =>
  actions.reduce(resultsReducer, initialResultsState());
const submit = (
  matchId: string,
  winner: string | null,
  scores: Record<string, number> | null = null,
): ResultsAction => ({
  type: 'submit',
  matchId,
  draft: { winner, scores },
});

describe('optimistic results', () => {
  it('shows a submitted result at once and takes the match off the pending list', () => {
    const state = run(submit('r1_match_1', 'team_1', { team_1: 2, team_2: 0 }));
    const rows = withSubmissions(snapshot().matches, state.submissions);
    expect(rows[0]).toMatchObject({ status: 'completed', winner: 'team_1', optimistic: true });
    expect(pendingOfRound(rows, 1).map((r) => r.id)).toEqual(['r1_match_2']);
    expect(decidedOfRound(rows, 1).map((r) => r.id)).toEqual(['r1_match_1']);
  });

  it('keeps the result once the server accepts it and the snapshot has it', () => {
    const state = run(submit('r1_match_1', 'team_1'), { type: 'accepted', matchId: 'r1_match_1' });
    expect(state.submissions).toEqual({});
    const snap = mergeRecorded(snapshot(), {
      ...match('r1_match_1', 'team_1', 'team_2', { status: 'completed', winner: 'team_1' }),
      tournament: { state: 'ACTIVE', current_round: 1, winner: null },
    });
    const rows = withSubmissions(snap.matches, state.submissions);
    expect(rows[0]).toMatchObject({ status: 'completed', winner: 'team_1', optimistic: false });
  });

  it('rolls a refused result back and says why', () => {
    const state = run(submit('r1_match_1', 'team_2'), {
      type: 'refused',
      matchId: 'r1_match_1',
      message: refusalMessage({ code: 'match_already_completed', message: 'x' }, 'Ants vs Bees'),
    });
    const rows = withSubmissions(snapshot().matches, state.submissions);
    expect(rows[0]).toMatchObject({ status: 'pending', winner: null, optimistic: false });
    expect(state.alerts).toHaveLength(1);
    expect(state.alerts[0]?.message).toContain('Ants vs Bees');
    expect(state.alerts[0]?.message).toContain('another result was recorded first');
  });

  it('clears a match alert when the match is submitted again, and on dismiss', () => {
    let state = run(submit('r1_match_1', 'team_2'), {
      type: 'refused',
      matchId: 'r1_match_1',
      message: 'no',
    });
    state = resultsReducer(state, submit('r1_match_1', 'team_1'));
    expect(state.alerts).toEqual([]);
    state = resultsReducer(state, { type: 'refused', matchId: 'r1_match_1', message: 'no again' });
    const id = state.alerts[0]?.id ?? -1;
    expect(resultsReducer(state, { type: 'dismiss', alertId: id }).alerts).toEqual([]);
  });
});

describe('live merge', () => {
  it("shows another person's result from the event, before any refetch", () => {
    const snap = mergeLiveEvent(snapshot(), {
      type: 'match_result',
      match_id: 'r1_match_2',
      winner: 'team_4',
      scores: { team_3: 1, team_4: 3 },
    });
    expect(snap.matches[1]).toMatchObject({
      status: 'completed',
      winner: 'team_4',
      scores: { team_3: 1, team_4: 3 },
    });
    expect(pendingOfRound(withSubmissions(snap.matches, {}), 1).map((m) => m.id)).toEqual([
      'r1_match_1',
    ]);
  });

  it('leaves the snapshot untouched for unknown matches and other events', () => {
    const snap = snapshot();
    expect(
      mergeLiveEvent(snap, { type: 'match_result', match_id: 'r9_match_9', winner: 'team_1' }),
    ).toBe(snap);
    expect(mergeLiveEvent(snap, { type: 'team_registered' })).toBe(snap);
  });

  it('marks abandoned matches and moves to a new round', () => {
    const snap = mergeLiveEvent(snapshot(), { type: 'match_abandoned', match_id: 'r1_match_1' });
    expect(snap.matches[0]).toMatchObject({ status: 'abandoned', winner: null });
    expect(
      mergeLiveEvent(snap, { type: 'round_advanced', new_round: 2, matches_count: 1 }).round,
    ).toBe(2);
  });

  it('drops our submission when the live event confirms it', () => {
    const state = run(submit('r1_match_1', 'team_1'), {
      type: 'live',
      event: { type: 'match_result', match_id: 'r1_match_1', winner: 'team_1' },
      names,
    });
    expect(state.submissions).toEqual({});
  });

  it('keeps our different submission shown until the server answers it', () => {
    const state = run(submit('r1_match_1', 'team_2'), {
      type: 'live',
      event: { type: 'match_result', match_id: 'r1_match_1', winner: 'team_1' },
      names,
    });
    expect(state.submissions.r1_match_1?.winner).toBe('team_2');
  });
});

describe('announcements', () => {
  const m = match('r1_match_1', 'team_1', 'team_2');

  it('announces results, new rounds and the end', () => {
    expect(
      announce(
        { type: 'match_result', winner: 'team_2', scores: { team_1: 1, team_2: 2 } },
        names,
        m,
      ),
    ).toBe('Result: Bees beat Ants (1–2).');
    expect(announce({ type: 'match_result', winner: null }, names, m)).toBe(
      'Result: Ants vs Bees drawn.',
    );
    expect(
      announce({ type: 'round_advanced', new_round: 2, matches_count: 2, pending_count: 1 }, names),
    ).toBe('Round 2 has started: 1 match to play.');
    expect(announce({ type: 'state_changed', to_state: 'COMPLETED' }, names)).toBe(
      'The tournament is complete.',
    );
    expect(announce({ type: 'team_registered' }, names)).toBeNull();
  });

  it('keeps the last announcement through quiet events', () => {
    const state = run(
      { type: 'live', event: { type: 'round_advanced', new_round: 3, matches_count: 2 }, names },
      { type: 'live', event: { type: 'team_registered' }, names },
    );
    expect(state.announcement).toBe('Round 3 has started: 2 matches to play.');
  });
});

describe('the form before sending', () => {
  const m = { team1_id: 'team_1', team2_id: 'team_2' };

  it('needs a winner or scores', () => {
    expect(draftFromForm(m, { winner: '', score1: '', score2: '' }, 'single_elimination')).toEqual({
      ok: false,
      message: 'Pick the winner.',
    });
  });

  it('takes the winner from the scores', () => {
    expect(
      draftFromForm(m, { winner: '', score1: '1', score2: '3' }, 'single_elimination'),
    ).toEqual({
      ok: true,
      draft: { winner: 'team_2', scores: { team_1: 1, team_2: 3 } },
    });
  });

  it('refuses half the scores, negative or odd numbers, and a winner with the lower score', () => {
    expect(draftFromForm(m, { winner: 'team_1', score1: '2', score2: '' }, 'swiss').ok).toBe(false);
    expect(draftFromForm(m, { winner: 'team_1', score1: '-1', score2: '0' }, 'swiss').ok).toBe(
      false,
    );
    expect(draftFromForm(m, { winner: 'team_1', score1: '1.5', score2: '0' }, 'swiss').ok).toBe(
      false,
    );
    expect(draftFromForm(m, { winner: 'team_1', score1: '0', score2: '2' }, 'swiss')).toEqual({
      ok: false,
      message: 'The winner cannot have the lower score.',
    });
  });

  it('allows a draw only where the format does', () => {
    expect(draftFromForm(m, { winner: 'draw', score1: '1', score2: '1' }, 'round_robin')).toEqual({
      ok: true,
      draft: { winner: null, scores: { team_1: 1, team_2: 1 } },
    });
    expect(
      draftFromForm(m, { winner: 'draw', score1: '', score2: '' }, 'single_elimination').ok,
    ).toBe(false);
    expect(
      draftFromForm(m, { winner: '', score1: '2', score2: '2' }, 'double_elimination').ok,
    ).toBe(false);
    expect(draftFromForm(m, { winner: 'draw', score1: '2', score2: '1' }, 'swiss').ok).toBe(false);
  });
});
