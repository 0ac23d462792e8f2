import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Bus } from '../../src/bus/bus.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { buildOrchestratorApp } from '../../src/orchestrator/app.js';
import type { Runner } from '../../src/tournament/runner.js';
import { InlineRunner } from '../../src/tournament-server/inline-runner.js';
import {
  type BusKind,
  createTestBus,
  createTestDatabase,
  type StoreKind,
  type TestDatabase,
} from './backends.js';
import { SseClient } from './sse-client.js';

/** A signed-in user of the API. */
export interface Actor {
  id: string;
  username: string;
  token: string;
}

/**
 * A JSON body as the tests read it: its shape is what the assertions check.
 */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by assertions, not by types
export type Json = any;

export interface ApiResponse<T = Json> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RequestOptions {
  /** The user the request is sent as (Bearer token); none: anonymous. */
  as?: Actor | null;
  body?: unknown;
  /** A raw payload, sent as is (with `headers` saying its type). */
  payload?: string | Buffer;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
}

export interface ApiHarness {
  app: FastifyInstance;
  /** http://127.0.0.1:<port> of the listening orchestrator. */
  url: string;
  t: TestDatabase;
  bus: Bus;
  request<T = Json>(method: string, path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
  get<T = Json>(path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
  post<T = Json>(path: string, body?: unknown, opts?: RequestOptions): Promise<ApiResponse<T>>;
  patch<T = Json>(path: string, body?: unknown, opts?: RequestOptions): Promise<ApiResponse<T>>;
  del<T = Json>(path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
  /** Registers a new user and returns it signed in. */
  user(name?: string): Promise<Actor>;
  /** Opens an SSE stream of the orchestrator (real HTTP). */
  sse(path: string, opts?: { as?: Actor; lastEventId?: number | string }): Promise<SseClient>;
  /** 5xx answers seen since the last check; each test fails if one is left. */
  serverErrors: string[];
  close(): Promise<void>;
}

export interface ApiOptions {
  store?: StoreKind;
  bus?: BusKind;
  authRateLimit?: number;
  /** How tournament servers run; by default inline. */
  runner?: Runner;
}

let users = 0;

/** The orchestrator on fresh backends, listening on a free port. */
export async function startApi(opts: ApiOptions = {}): Promise<ApiHarness> {
  const t = await createTestDatabase(opts.store ?? 'pglite');
  const bus = await createTestBus(opts.bus ?? 'memory');
  const dataDir = mkdtempSync(join(tmpdir(), 'tourney-api-'));
  // A range of its own keeps parallel test files' tournament servers off each other's ports.
  const first = 6001 + Math.floor(Math.random() * 19) * 50;
  const config = loadConfig({ DATA_DIR: dataDir, TOURNAMENT_PORTS: `${first}-${first + 49}` });
  const app = await buildOrchestratorApp({
    config,
    database: t.database,
    bus,
    logger: createLogger('silent'),
    authRateLimit: opts.authRateLimit ?? 1000,
    inlineRunner: (deps) => new InlineRunner(deps),
    runner: opts.runner,
  });
  const serverErrors: string[] = [];
  // A 5xx is never an answer the API means to give: any one fails the test (see useApi).
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 500)
      serverErrors.push(`${request.method} ${request.url} -> ${reply.statusCode}`);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const request = async <T = Json>(
    method: string,
    path: string,
    o: RequestOptions = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.as) headers.authorization = `Bearer ${o.as.token}`;
    const res = await app.inject({
      method: method as 'GET',
      url: path,
      query: o.query
        ? Object.fromEntries(Object.entries(o.query).map(([k, v]) => [k, String(v)]))
        : undefined,
      headers,
      ...(o.payload !== undefined
        ? { payload: o.payload }
        : o.body !== undefined
          ? { payload: o.body as object }
          : {}),
    });
    let body: unknown = null;
    if (res.body !== '' && String(res.headers['content-type'] ?? '').includes('json'))
      body = res.json();
    return {
      status: res.statusCode,
      body: body as T,
      headers: res.headers as ApiResponse['headers'],
      text: res.body,
    };
  };

  const harness: ApiHarness = {
    app,
    url,
    t,
    bus,
    request,
    get: (path, o) => request('GET', path, o),
    post: (path, body, o) => request('POST', path, { ...o, body }),
    patch: (path, body, o) => request('PATCH', path, { ...o, body }),
    del: (path, o) => request('DELETE', path, o),
    user: async (name) => {
      const username = name ?? `user${process.pid % 10_000}_${++users}`;
      const res = await request('POST', '/api/v1/auth/register', {
        body: { username, password: 'correct horse battery' },
      });
      expect(res.status, res.text).toBe(201);
      return { id: res.body.user.id, username, token: res.body.token };
    },
    sse: (path, o = {}) =>
      SseClient.open(`${url}${path}`, {
        lastEventId: o.lastEventId,
        headers: o.as ? { authorization: `Bearer ${o.as.token}` } : undefined,
      }),
    serverErrors,
    close: async () => {
      await app.close();
      await bus.close();
      await t.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * One orchestrator for the enclosing describe (or file): started before its
 * tests, closed after them; each test fails if any response was a 5xx.
 */
export function useApi(opts: ApiOptions = {}): ApiHarness {
  const api = {} as ApiHarness;
  beforeAll(async () => {
    Object.assign(api, await startApi(opts));
  });
  afterEach(() => {
    const seen = api.serverErrors?.splice(0) ?? [];
    if (seen.length > 0) throw new Error(`the API answered 5xx: ${seen.join('; ')}`);
  });
  afterAll(async () => {
    await api.close?.();
  });
  return api;
}
