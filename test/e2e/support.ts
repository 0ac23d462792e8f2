import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { startApi } from '../support/api-harness.js';

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
  const h = await startApi();
  return {
    url: h.url,
    app: h.app,
    serverErrors: h.serverErrors,
    api: async (method, path, token, body) => {
      const as = token ? { id: '', username: '', token } : null;
      const res = await h.request(method, path, { as, body });
      return { status: res.status, body: res.body as never };
    },
    close: () => h.close(),
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
