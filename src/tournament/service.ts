import { randomInt } from 'node:crypto';
import {
  type Action,
  abandonMatch,
  archive,
  type CommandContext,
  type CommandResult,
  cancel,
  checkAction,
  correctResult,
  createTournament,
  deleteTournament,
  editTournament,
  type Failure,
  fail,
  previewCorrection,
  publish,
  recordResult,
  registerTeam,
  startTournament,
  type TournamentAggregate,
  type TournamentInput,
  type TournamentPatch,
  unregisterTeam,
  withdrawTeam,
} from '../domain/index.js';
import type { ResultInput } from '../domain/types.js';
import type { Database } from '../store/database.js';
import {
  insertTournament,
  nextTeamId,
  nextTournamentId,
  removeTournament,
  type StoredTournament,
} from '../store/tournaments.js';
import type { User } from '../store/users.js';
import type { WriteResult, Writer } from './writer.js';

type Decide = (
  agg: TournamentAggregate,
  ctx: CommandContext,
) => CommandResult | Promise<CommandResult>;

function isOrganizer(user: User, agg: TournamentAggregate): boolean {
  return user.is_admin || agg.organizer_id === user.id;
}

/**
 * What users may do to a tournament, in one place for the orchestrator and the
 * tournament servers: the state table first (SPEC §5: a result posted in
 * REGISTRATION is invalid_transition whatever the match id), then who asks,
 * then the engine decides.
 */
export class TournamentService {
  constructor(
    private readonly database: Database,
    private readonly writer: Writer,
  ) {}

  /** The tournament as its writer knows it: from memory on its own server, else from the store. */
  load(id: string): Promise<StoredTournament | null> {
    return this.writer.load(id);
  }

  async create(
    user: User,
    input: TournamentInput,
  ): Promise<{ ok: true; stored: StoredTournament } | Failure> {
    const id = await nextTournamentId(this.database.db);
    const created = createTournament(input, {
      id,
      organizer_id: user.id,
      seed: randomInt(0, 2 ** 31),
      now: new Date().toISOString(),
    });
    if (!created.ok) return created;
    // A draft announces nothing: no event, so no outbox.
    return { ok: true, stored: await insertTournament(this.database.db, created.tournament) };
  }

  /** Runs an organizer's command after the state and permission checks. */
  private organizer(user: User, id: string, action: Action, decide: Decide): Promise<WriteResult> {
    return this.writer.run(id, (stored, ctx) => {
      const denied = checkAction(stored.agg.state, action);
      if (denied) return { ok: false, error: denied };
      if (!isOrganizer(user, stored.agg)) return fail('not_organizer');
      return decide(stored.agg, ctx);
    });
  }

  edit(user: User, id: string, patch: TournamentPatch) {
    return this.organizer(user, id, 'edit', (agg, ctx) => editTournament(agg, patch, ctx));
  }
  publish(user: User, id: string) {
    return this.organizer(user, id, 'publish', (agg, ctx) => publish(agg, ctx));
  }
  start(user: User, id: string) {
    return this.organizer(user, id, 'start', (agg, ctx) => startTournament(agg, ctx));
  }
  cancel(user: User, id: string) {
    return this.organizer(user, id, 'cancel', (agg, ctx) => cancel(agg, ctx));
  }
  archive(user: User, id: string) {
    return this.organizer(user, id, 'archive', (agg, ctx) => archive(agg, ctx));
  }
  recordResult(user: User, id: string, matchId: string, input: ResultInput) {
    return this.organizer(user, id, 'record_result', (agg, ctx) =>
      recordResult(agg, matchId, input, ctx),
    );
  }
  abandon(user: User, id: string, matchId: string) {
    return this.organizer(user, id, 'abandon_match', (agg, ctx) => abandonMatch(agg, matchId, ctx));
  }
  correct(user: User, id: string, matchId: string, input: ResultInput) {
    return this.organizer(user, id, 'correct_result', (agg, ctx) =>
      correctResult(agg, matchId, input, ctx),
    );
  }

  async previewCorrection(user: User, id: string, matchId: string, input: ResultInput) {
    const stored = await this.load(id);
    if (!stored) return fail('tournament_not_found', { tournament_id: id });
    const denied = checkAction(stored.agg.state, 'correct_result');
    if (denied) return { ok: false as const, error: denied };
    if (!isOrganizer(user, stored.agg)) return fail('not_organizer');
    return previewCorrection(stored.agg, matchId, input);
  }

  async remove(user: User, id: string): Promise<{ ok: true } | Failure> {
    const result = await this.writer.run(id, async (stored) => {
      const denied = checkAction(stored.agg.state, 'delete');
      if (denied) return { ok: false, error: denied };
      if (!isOrganizer(user, stored.agg)) return fail('not_organizer');
      return deleteTournament(stored.agg);
    });
    if (!result.ok) return result;
    await removeTournament(this.database.db, id);
    return { ok: true };
  }

  async registerTeam(user: User, id: string, body: { name: string; seed?: number | null }) {
    const teamId = await nextTeamId(this.database.db);
    return this.writer
      .run(id, (stored, ctx) => {
        const denied = checkAction(stored.agg.state, 'register_team');
        if (denied) return { ok: false, error: denied };
        // Only the organizer places seeds; a captain's team follows registration order.
        if (body.seed != null && !isOrganizer(user, stored.agg)) return fail('not_organizer');
        return registerTeam(
          stored.agg,
          { id: teamId, name: body.name, captain_id: user.id, seed: body.seed ?? null },
          ctx,
        );
      })
      .then((r) => (r.ok ? { ...r, team_id: teamId } : r));
  }

  /** Unregisters in REGISTRATION; withdraws from an ACTIVE tournament. Captain or organizer. */
  removeTeam(user: User, id: string, teamId: string) {
    return this.writer.run(id, (stored, ctx) => {
      const action: Action = stored.agg.state === 'ACTIVE' ? 'withdraw_team' : 'unregister';
      const denied = checkAction(stored.agg.state, action);
      if (denied) return { ok: false, error: denied };
      const team = stored.agg.teams.find((t) => t.id === teamId);
      if (!team) return fail('team_not_found', { team_id: teamId });
      if (team.captain_id !== user.id && !isOrganizer(user, stored.agg)) return fail('not_captain');
      return action === 'withdraw_team'
        ? withdrawTeam(stored.agg, teamId, ctx)
        : unregisterTeam(stored.agg, teamId, ctx);
    });
  }
}
