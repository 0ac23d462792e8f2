import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { buildOrchestratorApp } from '../../src/orchestrator/app.js';
import { createTestBus, createTestDatabase } from '../support/backends.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = join(import.meta.dirname, '../../test-output');
export const PASSWORD = 'correct horse battery';

/** The orchestrator, with the web app, on embedded backends and a free port. */
export interface Server {
  url: string;
  app: FastifyInstance;
  /** 5xx answers seen: none is expected. */
  serverErrors: string[];
  /** Sends an API request as a user (Bearer token), for set-up steps the test is not about. */
  api<T = unknown>(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startServer(): Promise<Server> {
  const t = await createTestDatabase('pglite');
  const bus = await createTestBus('memory');
  const dataDir = mkdtempSync(join(tmpdir(), 'tourney-e2e-'));
  // A range of its own keeps parallel test files' tournament servers off each other's ports.
  const first = 6001 + Math.floor(Math.random() * 19) * 50;
  const config = loadConfig({ DATA_DIR: dataDir, TOURNAMENT_PORTS: `${first}-${first + 49}` });
  const app = await buildOrchestratorApp({
    config,
    database: t.database,
    bus,
    logger: createLogger('silent'),
    authRateLimit: 1000,
  });
  const serverErrors: string[] = [];
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 500)
      serverErrors.push(`${request.method} ${request.url} -> ${reply.statusCode}`);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    app,
    serverErrors,
    api: async (method, path, token, body) => {
      const res = await app.inject({
        method: method as 'GET',
        url: path,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(body !== undefined ? { payload: body as object } : {}),
      });
      return { status: res.statusCode, body: (res.body ? res.json() : null) as never };
    },
    close: async () => {
      await app.close();
      await bus.close();
      await t.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One simulated person: a browser profile of their own (own cookies), and its first tab. */
export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Browser dialogs (alert...) seen: none is expected. */
  dialogs: string[];
  /** Uncaught page errors seen: none is expected. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openPerson(
  name: string,
  baseURL: string,
  viewport = { width: 1100, height: 900 },
): Promise<Person> {
  const dir = mkdtempSync(join(tmpdir(), `tourney-e2e-${name}-`));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    baseURL,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(10_000);
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const watch = (page: Page) => {
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  };
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  return {
    name,
    context,
    page,
    dialogs,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

let serial = 0;

/** A username no other test run takes. */
export function username(base: string): string {
  return `${base}_${process.pid % 100_000}_${++serial}`;
}

/** Signs up through the sign-up page; ends on the dashboard. */
export async function signUp(page: Page, name: string, shot?: string): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  if (shot) await screenshot(page, shot);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
}
