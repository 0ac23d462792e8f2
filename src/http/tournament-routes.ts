import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { channels } from '../bus/bus.js';
import { matchesOfRound, standings } from '../domain/index.js';
import type { ResultInput } from '../domain/types.js';
import type { LiveHub } from '../live/hub.js';
import { serveEventStream } from '../live/sse.js';
import type { Database } from '../store/database.js';
import type { StoredTournament } from '../store/tournaments.js';
import type { User } from '../store/users.js';
import type { TournamentService } from '../tournament/service.js';
import type { WriteResult } from '../tournament/writer.js';
import { fail } from './api-error.js';
import { requireUser } from './auth.js';
import { matchJson, orThrow, teamJson } from './present.js';
import { LastEventQuery, MatchIdParam, ResultBody, TeamIdParam } from './schemas.js';

export interface TournamentRoutesOptions {
  service: TournamentService;
  database: Database;
  hub: LiveHub;
  /** Route prefix: `/api/v1/tournaments/:id` on the orchestrator, `/api` on a tournament server. */
  base: string;
  /** The tournament a request is about. */
  idOf: (request: FastifyRequest) => string;
  /** The tournament after a change, as the caller shows it. */
  present: (stored: StoredTournament) => Promise<unknown> | unknown;
  tags: string[];
  /**
   * Hands the request to the tournament's own server when one runs (the
   * orchestrator's routing); `path` is the server's path for it. Returns true
   * when the request was forwarded.
   */
  forward?: (request: FastifyRequest, reply: FastifyReply, path: string) => Promise<boolean>;
  /**
   * Whether the tournament exists, for its event stream; by default it is
   * loaded. The orchestrator asks the store for the row alone: a stream
   * needs no aggregate, and hundreds of viewers may connect at once.
   */
  exists?: (id: string) => Promise<boolean>;
}

/**
 * The endpoints of a published tournament, shared by the orchestrator (under
 * /api/v1/tournaments/:id) and the tournament server (under /api): one set of
 * rules, two addresses (SPEC §5).
 */
export function tournamentRoutes(o: TournamentRoutesOptions) {
  return async (root: FastifyInstance) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const forward = o.forward;
    const eventsPath = `${o.base}/events`;
    if (forward) {
      // Forwarded on its own path, tournament id included: a server answers only for its own.
      // The event stream is not: the gateway serves it from the bus and the event log, so that a
      // server's sockets do not grow with its viewers (SPEC §9).
      app.addHook('preHandler', async (request, reply) => {
        const pattern = request.routeOptions.url ?? '';
        if (!pattern.startsWith(o.base) || pattern === eventsPath) return;
        if (await forward(request, reply, request.url)) return reply;
      });
    }
    const load = async (request: FastifyRequest) => {
      const id = o.idOf(request);
      const stored = await o.service.load(id);
      if (!stored) fail('tournament_not_found', { tournament_id: id });
      return stored;
    };
    const tags = o.tags;

    app.get(`${o.base}/teams`, { schema: { tags, summary: 'List teams' } }, async (request) => {
      const stored = await load(request);
      return { teams: stored.agg.teams.map(teamJson) };
    });

    app.post(
      `${o.base}/teams`,
      {
        schema: {
          tags,
          summary: 'Register a team (the caller becomes its captain)',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              seed: Type.Optional(
                Type.Union([Type.Null(), Type.Integer({ minimum: 1, maximum: 1024 })]),
              ),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        const r = orThrow(await o.service.registerTeam(user, o.idOf(request), request.body));
        const team = r.stored.agg.teams.find((t) => t.id === r.team_id);
        return reply.status(201).send(team ? teamJson(team) : null);
      },
    );

    app.delete(
      `${o.base}/teams/:team_id`,
      {
        schema: {
          tags,
          summary: 'Unregister a team (REGISTRATION) or withdraw it (ACTIVE)',
          params: Type.Object({ team_id: TeamIdParam }, { additionalProperties: true }),
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        orThrow(await o.service.removeTeam(user, o.idOf(request), request.params.team_id));
        return reply.status(204).send();
      },
    );

    app.get(
      `${o.base}/matches`,
      {
        schema: {
          tags,
          summary:
            "The current round's matches; ?round=all for every match, ?round=n for one round",
          querystring: Type.Object({
            round: Type.Optional(Type.String({ pattern: '^(all|\\d{1,4})$' })),
          }),
        },
      },
      async (request) => {
        const stored = await load(request);
        const q = request.query.round;
        const round = q === 'all' ? 'all' : q ? Number(q) : stored.agg.current_round;
        return {
          round: q === 'all' ? stored.agg.current_round : round,
          matches: matchesOfRound(stored.agg, round).map(matchJson),
        };
      },
    );

    const matchParams = Type.Object({ match_id: MatchIdParam }, { additionalProperties: true });

    const afterMatch = (stored: StoredTournament, matchId: string) => {
      const match = matchesOfRound(stored.agg, 'all').find((m) => m.id === matchId);
      return {
        ...(match ? matchJson(match) : { id: matchId }),
        tournament: {
          state: stored.agg.state,
          current_round: stored.agg.current_round,
          winner: stored.agg.winner,
        },
      };
    };

    type MatchRequest = FastifyRequest<{ Params: { match_id: string }; Body: ResultInput }>;
    /** A write to one match by the organizer; answers the match as it now stands. */
    const matchCommand =
      (run: (user: User, id: string, matchId: string, body: ResultInput) => Promise<WriteResult>) =>
      async (request: MatchRequest) => {
        const user = requireUser(request);
        const { match_id } = request.params;
        const r = orThrow(await run(user, o.idOf(request), match_id, request.body));
        return afterMatch(r.stored, match_id);
      };

    app.post(
      `${o.base}/matches/:match_id/result`,
      { schema: { tags, summary: 'Record a result', params: matchParams, body: ResultBody } },
      matchCommand((user, id, matchId, body) => o.service.recordResult(user, id, matchId, body)),
    );

    app.post(
      `${o.base}/matches/:match_id/abandon`,
      { schema: { tags, summary: 'Abandon a match (double forfeit)', params: matchParams } },
      matchCommand((user, id, matchId) => o.service.abandon(user, id, matchId)),
    );

    app.post(
      `${o.base}/matches/:match_id/correction/preview`,
      {
        schema: {
          tags,
          summary: 'Which later matches a corrected result would change',
          params: matchParams,
          body: ResultBody,
        },
      },
      async (request) => {
        const user = requireUser(request);
        const r = orThrow(
          await o.service.previewCorrection(
            user,
            o.idOf(request),
            request.params.match_id,
            request.body,
          ),
        );
        const { ok: _ok, ...preview } = r as { ok: true } & Record<string, unknown>;
        return preview;
      },
    );

    app.post(
      `${o.base}/matches/:match_id/correction`,
      {
        schema: {
          tags,
          summary: 'Replace a result while no later result depends on it',
          params: matchParams,
          body: ResultBody,
        },
      },
      matchCommand((user, id, matchId, body) => o.service.correct(user, id, matchId, body)),
    );

    app.get(
      `${o.base}/standings`,
      { schema: { tags, summary: 'Standings with ranks and tiebreaks' } },
      async (request) => {
        const stored = await load(request);
        return { standings: standings(stored.agg) };
      },
    );

    const command =
      (run: 'start' | 'cancel' | 'archive') =>
      async (request: FastifyRequest, reply: FastifyReply) => {
        const user = requireUser(request);
        const r = orThrow(await o.service[run](user, o.idOf(request)));
        return reply.send(await o.present(r.stored));
      };
    app.post(
      `${o.base}/start`,
      { schema: { tags, summary: 'Start the tournament (REGISTRATION -> ACTIVE)' } },
      command('start'),
    );
    app.post(
      `${o.base}/cancel`,
      { schema: { tags, summary: 'Cancel the tournament' } },
      command('cancel'),
    );
    app.post(
      `${o.base}/archive`,
      { schema: { tags, summary: 'Archive a completed or cancelled tournament' } },
      command('archive'),
    );

    const exists = o.exists ?? (async (id: string) => (await o.service.load(id)) !== null);
    app.get(
      eventsPath,
      {
        schema: {
          tags,
          summary: "The tournament's events (SSE; Last-Event-ID replays what was missed)",
          querystring: LastEventQuery,
        },
      },
      async (request, reply) => {
        const id = o.idOf(request);
        if (!(await exists(id))) fail('tournament_not_found', { tournament_id: id });
        await serveEventStream(request, reply, {
          hub: o.hub,
          db: o.database.db,
          channel: channels.tournament(id),
        });
      },
    );
  };
}
