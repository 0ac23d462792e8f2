import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { fail } from '../../http/api-error.js';
import { requireUser } from '../../http/auth.js';
import { orThrow } from '../../http/present.js';
import { TournamentId } from '../../http/schemas.js';
import type { Database } from '../../store/database.js';
import { listTournaments, type StoredTournament } from '../../store/tournaments.js';
import type { TournamentService } from '../../tournament/service.js';

const FORMAT = Type.Union([
  Type.Literal('single_elimination'),
  Type.Literal('double_elimination'),
  Type.Literal('round_robin'),
  Type.Literal('swiss'),
]);
const STATE = Type.Union(
  ['DRAFT', 'REGISTRATION', 'ACTIVE', 'COMPLETED', 'CANCELLED', 'ARCHIVED'].map((s) =>
    Type.Literal(s),
  ),
);

const fields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  format: FORMAT,
  min_teams: Type.Integer({ minimum: 2, maximum: 1024 }),
  max_teams: Type.Integer({ minimum: 2, maximum: 1024 }),
  starts_at: Type.Optional(
    Type.Union([Type.Null(), Type.String({ format: 'date-time', maxLength: 40 })]),
  ),
  description: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 2000 })])),
  seeding: Type.Optional(Type.Union([Type.Literal('random'), Type.Literal('manual')])),
  options: Type.Optional(
    Type.Record(Type.String({ maxLength: 40 }), Type.Unknown(), { maxProperties: 10 }),
  ),
};

const Params = Type.Object({ id: TournamentId });

/**
 * The tournament registry (SPEC §5): CRUD while DRAFT, publish, the list.
 * Archive is a command of the tournament's owner (tournament-routes.ts).
 */
export function registryRoutes(deps: {
  database: Database;
  service: TournamentService;
  present: (stored: StoredTournament) => Promise<unknown>;
  /** A tournament left DRAFT: its server starts. */
  onPublished: (id: string) => Promise<void>;
}) {
  return async (root: FastifyInstance) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['tournaments'];

    app.get(
      '/api/v1/tournaments',
      {
        schema: {
          tags,
          summary: 'List tournaments (newest first)',
          querystring: Type.Object({
            state: Type.Optional(STATE),
            format: Type.Optional(FORMAT),
            q: Type.Optional(Type.String({ maxLength: 100 })),
            organizer_id: Type.Optional(Type.String({ pattern: '^u_\\d{1,9}$' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
          }),
        },
      },
      async (request) => {
        const q = request.query;
        const { rows, total } = await listTournaments(deps.database.db, {
          state: q.state,
          format: q.format,
          q: q.q?.trim() || undefined,
          organizer_id: q.organizer_id,
          limit: q.limit ?? 20,
          offset: q.offset ?? 0,
        });
        const tournaments = await Promise.all(
          rows.map((r) =>
            deps.present({
              agg: { ...r.agg, teams: [], play: null },
              version: 0,
              created_at: r.created_at,
              updated_at: r.updated_at,
              team_count: r.team_count,
            } as StoredTournament & { team_count: number }),
          ),
        );
        return { tournaments, total, limit: q.limit ?? 20, offset: q.offset ?? 0 };
      },
    );

    app.post(
      '/api/v1/tournaments',
      {
        schema: {
          tags,
          summary: 'Create a tournament (DRAFT); the caller becomes its organizer',
          body: Type.Object(fields, { additionalProperties: false }),
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        const r = orThrow(await deps.service.create(user, request.body));
        return reply.status(201).send(await deps.present(r.stored));
      },
    );

    app.get(
      '/api/v1/tournaments/:id',
      { schema: { tags, summary: 'One tournament', params: Params } },
      async (request) => {
        const stored = await deps.service.load(request.params.id);
        if (!stored) fail('tournament_not_found', { tournament_id: request.params.id });
        return deps.present(stored);
      },
    );

    app.patch(
      '/api/v1/tournaments/:id',
      {
        schema: {
          tags,
          summary: 'Edit a DRAFT tournament',
          params: Params,
          body: Type.Partial(Type.Object(fields), {
            additionalProperties: false,
            minProperties: 1,
          }),
        },
      },
      async (request) => {
        const user = requireUser(request);
        const r = orThrow(await deps.service.edit(user, request.params.id, request.body));
        return deps.present(r.stored);
      },
    );

    app.delete(
      '/api/v1/tournaments/:id',
      { schema: { tags, summary: 'Delete a DRAFT tournament', params: Params } },
      async (request, reply) => {
        const user = requireUser(request);
        orThrow(await deps.service.remove(user, request.params.id));
        return reply.status(204).send();
      },
    );

    app.post(
      '/api/v1/tournaments/:id/publish',
      {
        schema: {
          tags,
          summary: 'Publish: open registration and start its server',
          params: Params,
        },
      },
      async (request) => {
        const user = requireUser(request);
        const r = orThrow(await deps.service.publish(user, request.params.id));
        await deps.onPublished(request.params.id);
        return deps.present(r.stored);
      },
    );
  };
}
