import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/api-error.js';
import { ownerlessFence } from '../../src/orchestrator/ownerless-fence.js';
import type { Runner, ServerHandle } from '../../src/tournament/runner.js';
import { type ApiHarness, startApi } from '../support/api-harness.js';
import { eventually } from '../support/eventually.js';
import { createTournament, publish } from './builders.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/**
 * A runner whose "tournament servers" are small HTTP servers of the test:
 * they answer /healthz as the tournament's server (epoch 0: no lease was
 * taken) and hand every other request to the handler of their start.
 */
class ScriptedRunner implements Runner {
  readonly kind = 'process' as const;
  readonly requests: string[] = [];
  readonly servers: Server[] = [];

  constructor(private readonly handlers: Handler[]) {}

  async adopt(): Promise<null> {
    return null;
  }

  async start(opts: { tournamentId: string; port: number; host: string }): Promise<ServerHandle> {
    const handler = this.handlers[Math.min(this.servers.length, this.handlers.length - 1)];
    if (!handler) throw new Error('this server cannot start');
    const server = createServer((req, res) => {
      if (req.url === '/healthz') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'ok', tournament_id: opts.tournamentId, epoch: 0 }));
        return;
      }
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        this.requests.push(`${req.method} ${req.url}`);
        handler(req, res, body);
      });
    });
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(opts.port, opts.host, resolve));
    const exited = new Promise<void>((resolve) => server.once('close', () => resolve()));
    const end = () => {
      server.closeAllConnections();
      server.close();
    };
    return {
      url: `http://${opts.host}:${opts.port}`,
      pid: null,
      exited,
      stop: async () => {
        end();
        await exited;
      },
      kill: end,
    };
  }
}

describe('forwarding to a tournament server', () => {
  let api: ApiHarness | undefined;

  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('a live tournament whose server cannot start answers 503 with Retry-After, and the orchestrator writes nothing', async () => {
    api = await startApi({ runner: new ScriptedRunner([]) });
    const org = await api.user();
    const t = await createTournament(api, org);
    const published = await publish(api, org, t.id);
    expect(published.state).toBe('REGISTRATION');
    expect(published.server.status).toBe('failed');

    const read = await api.get(`/api/v1/tournaments/${t.id}/teams`, { as: org });
    expect(read.status).toBe(503);
    expect(read.body.error.code).toBe('service_unavailable');
    expect(read.headers['retry-after']).toBeDefined();
    const write = await api.post(`/api/v1/tournaments/${t.id}/teams`, { name: 'Ana' }, { as: org });
    expect(write.status).toBe(503);
    expect(write.body.error.code).toBe('service_unavailable');
    const cancel = await api.post(`/api/v1/tournaments/${t.id}/cancel`, undefined, { as: org });
    expect(cancel.status).toBe(503);

    const after = await api.get(`/api/v1/tournaments/${t.id}`);
    expect(after.body).toMatchObject({ state: 'REGISTRATION', team_count: 0 });
    api.serverErrors.splice(0);

    // A tournament without a server (DRAFT) is still the orchestrator's to answer.
    const draft = await createTournament(api, org);
    expect((await api.get(`/api/v1/tournaments/${draft.id}/teams`)).status).toBe(200);
  });

  it('a POST whose server dies before answering is answered 503 and not sent again', async () => {
    const runner = new ScriptedRunner([(req) => req.socket.destroy()]);
    api = await startApi({ runner });
    const org = await api.user();
    const t = await createTournament(api, org);
    await publish(api, org, t.id);

    const res = await api.post(`/api/v1/tournaments/${t.id}/teams`, { name: 'Ana' }, { as: org });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('service_unavailable');
    expect(res.headers['retry-after']).toBe('2');
    expect(runner.requests).toEqual([`POST /api/v1/tournaments/${t.id}/teams`]);
    api.serverErrors.splice(0);
  });

  it('a request refused by a server that is gone is sent once to its replacement', async () => {
    const created = (res: ServerResponse) => {
      res.statusCode = 201;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: 'team_1', name: 'Ana', captain_id: 'u_1', seed: null }));
    };
    const runner = new ScriptedRunner([(_req, res) => created(res)]);
    api = await startApi({ runner });
    const org = await api.user();
    const t = await createTournament(api, org);
    await publish(api, org, t.id);
    const path = `/api/v1/tournaments/${t.id}/teams`;
    expect((await api.post(path, { name: 'Ana' }, { as: org })).status).toBe(201);

    // The server goes away between two requests: the next one finds its port closed.
    const first = runner.servers[0] as Server;
    first.closeAllConnections();
    await new Promise((r) => first.close(r));
    const res = await api.post(path, { name: 'Bo' }, { as: org });
    expect(res.status).toBe(201);
    expect(runner.servers).toHaveLength(2);
    expect(runner.requests).toEqual([`POST ${path}`, `POST ${path}`]);
    await eventually(() => runner.servers.length === 2, 1000, 'no further start');
  });

  it("the orchestrator's own writes are fenced: none to a tournament that has a server", async () => {
    api = await startApi();
    const org = await api.user();
    const draft = await createTournament(api, org);
    const live = await createTournament(api, org);
    await publish(api, org, live.id);
    const db = api.t.database.db;
    await expect(db.transaction((tx) => ownerlessFence(tx, draft.id))).resolves.toBeUndefined();
    const refused = await db.transaction((tx) => ownerlessFence(tx, live.id)).catch((e) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).body.code).toBe('service_unavailable');
  });
});
