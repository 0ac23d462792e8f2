import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPerson,
  PASSWORD,
  type Person,
  type Server,
  screenshot,
  startServer,
  username,
} from './support.js';

interface Account {
  id: string;
  name: string;
  token: string;
}

interface MatchJson {
  id: string;
  bracket: string;
  status: string;
  team1_id: string | null;
  team2_id: string | null;
}

describe('the pages around the results form', () => {
  let server: Server;
  let alice: Person;
  let bob: Person;
  let organizer: Account;
  const ids: Record<string, string> = {};

  /** The API steps of the set-up (the pages under test are looked at in the browser). */
  async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await server.api<T>(method, path, organizer.token, body);
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    return res.body;
  }

  async function tournament(
    name: string,
    format: string,
    teams: number,
    options?: object,
  ): Promise<string> {
    const t = await call<{ id: string }>('POST', '/api/v1/tournaments', {
      name,
      format,
      min_teams: 2,
      max_teams: 16,
      ...(options ? { options } : {}),
    });
    if (teams === 0) return t.id;
    await call('POST', `/api/v1/tournaments/${t.id}/publish`);
    for (let i = 1; i <= teams; i++) {
      await call('POST', `/api/v1/tournaments/${t.id}/teams`, { name: `${name} team ${i}` });
    }
    await call('POST', `/api/v1/tournaments/${t.id}/start`);
    return t.id;
  }

  async function playPending(id: string): Promise<void> {
    const { matches } = await call<{ matches: MatchJson[] }>(
      'GET',
      `/api/v1/tournaments/${id}/matches`,
    );
    for (const m of matches.filter((x) => x.status === 'pending')) {
      await call('POST', `/api/v1/tournaments/${id}/matches/${m.id}/result`, {
        winner: m.team1_id,
        scores: { [m.team1_id as string]: 2, [m.team2_id as string]: 1 },
      });
    }
  }

  async function signIn(person: Person, name: string) {
    await person.page.goto('/login');
    await person.page.getByLabel('Username').fill(name);
    await person.page.getByLabel('Password').fill(PASSWORD);
    await person.page.getByRole('button', { name: 'Sign in' }).click();
    await person.page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  }

  beforeAll(async () => {
    server = await startServer();
    [alice, bob] = await Promise.all([
      openPerson('alice', server.url),
      openPerson('bob', server.url),
    ]);
    const name = username('alice');
    const reg = await server.api<{ user: { id: string }; token: string }>(
      'POST',
      '/api/v1/auth/register',
      undefined,
      {
        username: name,
        password: PASSWORD,
      },
    );
    organizer = { id: reg.body.user.id, name, token: reg.body.token };
    ids.double = await tournament('Double Trouble', 'double_elimination', 4);
    await playPending(ids.double);
    ids.swiss = await tournament('Swiss Open', 'swiss', 4);
    await playPending(ids.swiss);
    ids.robin = await tournament('Round Table', 'round_robin', 3);
    ids.draft = await tournament('Autumn Draft', 'single_elimination', 0);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([alice, bob].filter(Boolean).map((p) => p.close()));
    await server?.close();
  });

  it('signs in, refusing a wrong password with a visible message', async () => {
    const page = alice.page;
    await page.goto('/login');
    await page.getByLabel('Username').fill(organizer.name);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Unknown username or wrong password' })
      .waitFor();
    await screenshot(page, 'sign-in-refused');
    await signIn(alice, organizer.name);
    await page.getByRole('heading', { name: 'My tournaments' }).waitFor();
    await expect
      .poll(() =>
        page
          .locator('section[aria-labelledby="mine-heading"] li a', {
            hasText: /Double Trouble|Swiss Open|Round Table|Autumn Draft/,
          })
          .count(),
      )
      .toBe(4);
    await screenshot(page, 'dashboard-organizer');
  });

  it('draws a double elimination as winners, losers and grand final columns', async () => {
    const page = alice.page;
    await page.goto(`/tournaments/${ids.double}`);
    await page.getByRole('heading', { name: 'Bracket', level: 2 }).waitFor();
    const { matches } = await call<{ matches: MatchJson[] }>(
      'GET',
      `/api/v1/tournaments/${ids.double}/matches?round=all`,
    );
    const titles = {
      winners: 'Winners bracket',
      losers: 'Losers bracket',
      grand_final: 'Grand final',
    } as const;
    for (const bracket of new Set(matches.map((m) => m.bracket))) {
      await page
        .getByRole('heading', { name: titles[bracket as keyof typeof titles], level: 3 })
        .waitFor();
    }
    expect(matches.some((m) => m.bracket === 'losers')).toBe(true);
    expect(await page.locator('.bracket-col h4').allTextContents()).toEqual(
      expect.arrayContaining(['Winners round 1', 'Losers round 1']),
    );
    expect(await page.locator('.match-card').count()).toBe(matches.length);
    await screenshot(page, 'bracket-double-elimination');
  });

  it('draws Swiss rounds as tables with standings and tiebreaks, and offers a draw', async () => {
    const page = alice.page;
    await page.goto(`/tournaments/${ids.swiss}`);
    await page.getByRole('heading', { name: 'Rounds', level: 2 }).waitFor();
    await page.locator('caption', { hasText: 'Round 1' }).first().waitFor();
    await page.locator('caption', { hasText: 'Round 2 (current)' }).waitFor();
    await page.getByRole('columnheader', { name: 'Buchholz' }).waitFor();
    expect(
      await page.locator('li.result-row').first().getByLabel('Draw', { exact: true }).count(),
    ).toBe(1);
    await screenshot(page, 'bracket-swiss');

    await page.goto(`/tournaments/${ids.robin}`);
    await page.locator('caption', { hasText: 'Round 1' }).first().waitFor();
    await page.locator('table.standings').waitFor();
    await screenshot(page, 'bracket-round-robin');
  });

  it('filters the tournament list by state, format and name, in the address', async () => {
    const page = bob.page;
    await page.goto('/tournaments');
    const rows = page.locator('table.list tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    await page.getByLabel('Format').selectOption({ label: 'Swiss' });
    await expect
      .poll(() => rows.allTextContents())
      .toEqual([expect.stringContaining('Swiss Open')]);
    expect(page.url()).toContain('format=swiss');
    await page.getByLabel('Format').selectOption({ label: 'Any format' });
    await page.getByLabel('State').selectOption({ label: 'Draft' });
    await expect
      .poll(() => rows.allTextContents())
      .toEqual([expect.stringContaining('Autumn Draft')]);
    await page.getByLabel('State').selectOption({ label: 'Any state' });
    await page.getByLabel('Name').fill('table');
    await expect
      .poll(() => rows.allTextContents())
      .toEqual([expect.stringContaining('Round Table')]);
    expect(page.url()).toContain('q=table');
    await screenshot(page, 'tournaments-filtered');
  });

  it("shows a non-organizer the live matches but no results form, and a draft's config only to its organizer", async () => {
    const page = bob.page;
    await page.goto('/signup');
    await page.getByLabel('Username').fill(username('bob'));
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.goto(`/tournaments/${ids.swiss}`);
    await page.getByText('Only the organizer records results').waitFor();
    expect(await page.locator('li.result-row').count()).toBe(0);
    expect(await page.locator('.organizer-bar').count()).toBe(0);
    await page.goto(`/tournaments/${ids.draft}`);
    await page.getByText('This tournament is a draft').waitFor();
    expect(await page.getByRole('button', { name: /Publish/ }).count()).toBe(0);
  });

  it('subscribes and unsubscribes from the tournament page and the dashboard', async () => {
    const page = bob.page;
    await page.goto(`/tournaments/${ids.robin}`);
    await page.getByRole('button', { name: 'Follow Round Table' }).click();
    await page.getByRole('button', { name: 'Following Round Table', pressed: true }).waitFor();
    await page.goto('/dashboard');
    const unsubscribe = page.getByRole('button', { name: 'Unsubscribe from Round Table' });
    await unsubscribe.click();
    await page.getByRole('button', { name: 'Subscribe to Round Table' }).waitFor();
    const subs = await server.api<{ subscriptions: unknown[] }>(
      'GET',
      '/api/v1/subscriptions',
      organizer.token,
    );
    expect(subs.status).toBe(200);
    await screenshot(page, 'dashboard-subscriptions');
  });

  it('carries chat messages live between two people, as text', async () => {
    const message = 'Good luck <b>all</b>';
    await alice.page.goto(`/tournaments/${ids.robin}`);
    await bob.page.goto(`/tournaments/${ids.robin}`);
    for (const p of [alice, bob]) {
      await p.page.getByText('Chat', { exact: true }).click();
      await p.page.locator('details.chat .live-open').waitFor();
    }
    await bob.page.getByLabel('Message').fill(message);
    await bob.page.getByRole('button', { name: 'Send' }).click();
    await alice.page.locator('.chat-log li p', { hasText: message }).waitFor({ timeout: 3000 });
    expect(await alice.page.locator('.chat-log b').count()).toBe(0);
    await screenshot(alice.page, 'chat');
  });

  it("puts the server's 422 field errors on the create form", async () => {
    const page = alice.page;
    await page.route('**/api/v1/tournaments', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 422,
            contentType: 'application/json',
            body: JSON.stringify({
              error: {
                code: 'validation_error',
                message: 'body.name must NOT have more than 100 characters',
                details: {
                  issues: [
                    { field: 'body.name', message: 'must NOT have more than 100 characters' },
                  ],
                },
              },
            }),
          })
        : route.continue(),
    );
    await page.goto('/tournaments/new');
    await page.getByLabel('Name', { exact: true }).fill('Refused by the server');
    await page.getByRole('button', { name: 'Create tournament' }).click();
    await page.getByText('name must NOT have more than 100 characters').waitFor();
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(new URL(page.url()).pathname).toBe('/tournaments/new');
    await screenshot(page, 'create-form-server-422');
    await page.unroute('**/api/v1/tournaments');
  });

  it('shows statistics and the leaderboard on the home page', async () => {
    const page = bob.page;
    await page.goto('/');
    await page.locator('.stats .stat', { hasText: 'In progress' }).waitFor();
    expect(
      await page.locator('.stats .stat', { hasText: 'In progress' }).locator('dd').textContent(),
    ).toBe('3');
    await page.locator('#feed-heading .live-open').waitFor();
    await page.locator('.leaderboard li', { hasText: organizer.name }).waitFor();
    await screenshot(page, 'home');
  });

  it('saw no dialog, no page error and no server error', () => {
    for (const p of [alice, bob]) {
      expect(p.dialogs, p.name).toEqual([]);
      expect(p.pageErrors, p.name).toEqual([]);
    }
    expect(server.serverErrors).toEqual([]);
  });
});
