import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPerson,
  type Person,
  type Server,
  screenshot,
  signUp,
  startServer,
  username,
} from './support.js';

const XSS = '<img src=x onerror=alert(1)>';
const TEAMS = ['Ants', 'Bees', XSS, 'Dogs'];

interface MatchJson {
  id: string;
  team1_id: string;
  team2_id: string;
}

/** Fills one match of the results form (winner, scores); returns its submit button. */
async function fill(
  page: Page,
  matchId: string,
  winner: string,
  scores: [string, string],
  names: [string, string],
) {
  const row = page.locator(`li.result-row[data-match-id="${matchId}"]`);
  await row.getByLabel(winner, { exact: true }).check();
  await row.getByLabel(`Score of ${names[0]}`, { exact: true }).fill(scores[0]);
  await row.getByLabel(`Score of ${names[1]}`, { exact: true }).fill(scores[1]);
  return row.getByRole('button', { name: 'Record result' });
}

async function record(
  page: Page,
  matchId: string,
  winner: string,
  scores: [string, string],
  names: [string, string],
) {
  await (await fill(page, matchId, winner, scores, names)).click();
}

describe('a tournament organized and played in the browser', () => {
  let server: Server;
  let organizer: Person;
  let captains: Person[] = [];
  let path = '';
  let names: Record<string, string> = {};
  let round1: MatchJson[] = [];
  const nameOf = (teamId: string) => names[teamId] ?? teamId;

  beforeAll(async () => {
    server = await startServer();
    const people = await Promise.all(
      ['organizer', 'captain1', 'captain2', 'captain3', 'captain4'].map((n) =>
        openPerson(n, server.url),
      ),
    );
    organizer = people[0] as Person;
    captains = people.slice(1);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([organizer, ...captains].filter(Boolean).map((p) => p.close()));
    await server?.close();
  });

  it('creates a tournament through the form, with its validation messages, and publishes it', async () => {
    const page = organizer.page;
    await signUp(page, username('organizer'), 'sign-up');
    await page.goto('/tournaments/new');
    await page.getByLabel('Name', { exact: true }).fill('   ');
    await page.getByLabel('Minimum teams').fill('1');
    await page.getByRole('button', { name: 'Create tournament' }).click();
    await page.getByText('Give the tournament a name.').waitFor();
    await page.getByText('At least 2 teams, at most 1024.').waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain(
      'Please correct 2 fields',
    );
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe(
      'true',
    );
    await screenshot(page, 'create-form-errors');

    await page.getByLabel('Name', { exact: true }).fill('Spring Cup');
    await page.getByLabel('Minimum teams').fill('4');
    await page.getByLabel('Maximum teams').fill('8');
    await page.getByLabel('Format').selectOption({ label: 'Single elimination' });
    await page.getByRole('button', { name: 'Create tournament' }).click();
    await page.waitForURL(/\/tournaments\/t_\d+$/);
    path = new URL(page.url()).pathname;
    await page.getByRole('heading', { name: 'Spring Cup', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Configuration' }).waitFor();
    // DRAFT: edit, publish, delete; nothing of later states.
    expect(await page.getByRole('button', { name: /Start tournament/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Delete draft…' }).waitFor();
    await screenshot(page, 'tournament-draft');

    await page.getByRole('button', { name: 'Publish (open registration)' }).click();
    await page.locator('.page-header .badge', { hasText: 'Registration open' }).waitFor();
    expect(await page.getByRole('button', { name: 'Publish (open registration)' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Start tournament' }).waitFor();
  });

  it('lets four captains sign up their teams, shown live and as text', async () => {
    await Promise.all(
      captains.map(async (c, i) => {
        await signUp(c.page, username(`captain${i + 1}`));
        await c.page.goto(path);
        await c.page.getByLabel('Your team name').fill(TEAMS[i] as string);
        await c.page.getByRole('button', { name: 'Register team' }).click();
        await c.page.getByText(`You captain ${TEAMS[i]} in this tournament.`).waitFor();
      }),
    );
    // The organizer's page follows the registrations without a reload.
    const org = organizer.page;
    await expect.poll(() => org.locator('ul.teams li').count(), { timeout: 5000 }).toBe(4);
    expect(await org.locator('ul.teams .team').allTextContents()).toEqual(
      expect.arrayContaining(TEAMS),
    );
    // The team name with markup is text: no image element, no script run.
    expect(await org.locator('ul.teams .team', { hasText: XSS }).count()).toBe(1);
    expect(await org.locator('img').count()).toBe(0);
    await screenshot(org, 'tournament-registration');
  });

  it('says "tournament not started" on the results page, then opens it live at the start', async () => {
    const watcher = captains[0] as Person;
    await watcher.page.goto(`${path}/results`);
    await watcher.page.getByRole('heading', { name: 'Tournament not started' }).waitFor();
    await watcher.page.locator('.live-open').waitFor();
    await screenshot(watcher.page, 'results-not-started');

    await organizer.page.getByRole('button', { name: 'Start tournament' }).click();
    await organizer.page.getByRole('heading', { name: 'Results: round 1' }).waitFor();
    await watcher.page
      .getByRole('heading', { name: 'Results: round 1' })
      .waitFor({ timeout: 5000 });
    await expect
      .poll(() => watcher.page.locator('.announcer').textContent())
      .toBe('Round 1 has started: 2 matches to play.');

    const teams = await server.api<{ teams: { id: string; name: string }[] }>(
      'GET',
      `/api/v1${path}/teams`,
    );
    names = Object.fromEntries(teams.body.teams.map((t) => [t.id, t.name]));
    const matches = await server.api<{ matches: (MatchJson & { status: string })[] }>(
      'GET',
      `/api/v1${path}/matches`,
    );
    round1 = matches.body.matches.filter((m) => m.status === 'pending');
    expect(round1.map((m) => m.id)).toEqual(['r1_match_1', 'r1_match_2']);
    // Only the pending matches of the current round are in the form.
    expect(await organizer.page.locator('li.result-row').count()).toBe(2);
    await screenshot(organizer.page, 'tournament-active-organizer');
  });

  it('tells the captains that their match is ready (header badge, dashboard)', async () => {
    const c = captains[3] as Person;
    const badge = c.page.getByRole('link', { name: /^Notifications: [1-9]\d* unread$/ });
    await badge.waitFor({ timeout: 5000 });
    await c.page.goto('/dashboard');
    await c.page.locator('.notifications li', { hasText: 'is ready' }).first().waitFor();
    await screenshot(c.page, 'dashboard-notifications');
  });

  it('shows a result entered on one page on another within a second, without reload', async () => {
    const watcher = captains[1] as Person;
    await watcher.page.goto(path);
    await watcher.page.locator('.toolbar .live-open').waitFor();
    const m = round1[0] as MatchJson;
    const pair: [string, string] = [nameOf(m.team1_id), nameOf(m.team2_id)];
    const seen = watcher.page.locator(`.decided li[data-match-id="${m.id}"]`);
    expect(await seen.count()).toBe(0);

    // Times are taken inside the browsers (one clock, one machine), so that the test's own
    // round trips to them, slow on a busy machine, do not count.
    const selector = `.decided li[data-match-id="${m.id}"]`;
    // (The script's value is true, not the promise: evaluate would wait for a promise.)
    const watch = `window.__seenAt = new Promise((resolve) => {
      const seen = () => document.querySelector('${selector}');
      setTimeout(() => resolve(null), 30000);
      new MutationObserver((_, observer) => {
        if (seen()) { observer.disconnect(); resolve(Date.now()); }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    }); true`;
    await watcher.page.evaluate(watch);
    const submit = await fill(organizer.page, m.id, pair[0], ['2', '1'], pair);
    await organizer.page.evaluate(watch);
    await organizer.page.evaluate(
      `document.addEventListener('click', () => { window.__clickedAt = Date.now(); }, { capture: true, once: true })`,
    );
    await submit.click();
    const clickedAt = (await organizer.page.evaluate('window.__clickedAt')) as number;
    // Optimistic: the organizer's own page shows it at once (the rollback test holds the request).
    const shownAt = (await organizer.page.evaluate('window.__seenAt')) as number | null;
    expect(shownAt, 'the result never showed on the organizer page').not.toBeNull();
    expect((shownAt as number) - clickedAt).toBeLessThan(500);
    const seenAt = (await watcher.page.evaluate('window.__seenAt')) as number | null;
    expect(seenAt, 'the result never showed on the other page').not.toBeNull();
    expect((seenAt as number) - clickedAt).toBeLessThan(1000);
    expect(await seen.textContent()).toContain(`${pair[0]} won`);
    expect(await seen.textContent()).toContain('2–1');
    await watcher.page
      .locator(`.match-card[data-match-id="${m.id}"] .side.won .team`, { hasText: pair[0] })
      .waitFor();
    await screenshot(watcher.page, 'tournament-live-result');
  });

  it('rolls back a result the server refuses, with a visible message', async () => {
    const m = round1[1] as MatchJson;
    const pair: [string, string] = [nameOf(m.team1_id), nameOf(m.team2_id)];
    // A second tab of the organizer, whose request is held until the first tab has recorded another result.
    const tab = await organizer.context.newPage();
    let held: (route: Route) => void = () => {};
    const arrived = new Promise<Route>((resolve) => {
      held = resolve;
    });
    await tab.route(`**/matches/${m.id}/result`, (route) => held(route));
    await tab.goto(`${path}/results`);
    await tab.locator('.live-open').waitFor();
    await record(tab, m.id, pair[1], ['0', '3'], pair);
    const optimistic = tab.locator(`.decided li[data-match-id="${m.id}"]`);
    await optimistic.waitFor();
    expect(await optimistic.textContent()).toContain(`${pair[1]} won`);
    expect(await optimistic.textContent()).toContain('saving');
    const request = await arrived;

    await record(organizer.page, m.id, pair[0], ['3', '0'], pair);
    await organizer.page.getByRole('heading', { name: 'Results: round 2' }).waitFor();
    await request.continue();

    const alert = tab.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(`Result not saved for ${pair[0]} vs ${pair[1]}`);
    expect(await alert.textContent()).toContain('another result was recorded first');
    await tab.getByRole('heading', { name: 'Results: round 2' }).waitFor();
    expect(await tab.getByText('saving…').count()).toBe(0);
    await screenshot(tab, 'results-refused-rollback');
    // The detail page's bracket shows the result the server kept.
    await tab.goto(path);
    await tab
      .locator(`.match-card[data-match-id="${m.id}"] .side.won .team`, { hasText: pair[0] })
      .waitFor();
    await tab.close();

    const announcer = (captains[1] as Person).page.locator('.announcer');
    await expect.poll(() => announcer.textContent()).toBe('Round 2 has started: 1 match to play.');
  });

  it('plays the final by keyboard to the winner, announced everywhere, then archives', async () => {
    const home = captains[3] as Person;
    await home.page.goto('/');
    await home.page.locator('#feed-heading .live-open').waitFor();

    const matches = await server.api<{ matches: (MatchJson & { status: string })[] }>(
      'GET',
      `/api/v1${path}/matches`,
    );
    const final = matches.body.matches.find((m) => m.status === 'pending') as MatchJson;
    expect(final.id).toBe('r2_match_1');
    const winner = nameOf(final.team1_id);

    const org = organizer.page;
    const row = org.locator(`li.result-row[data-match-id="${final.id}"]`);
    await row.getByLabel(winner, { exact: true }).focus();
    await org.keyboard.press('Space');
    await org.keyboard.press('Tab');
    await org.keyboard.type('3');
    await org.keyboard.press('Tab');
    await org.keyboard.type('1');
    await org.keyboard.press('Tab');
    await org.keyboard.press('Enter');

    const done = `The tournament is complete. Winner: ${winner}.`;
    await expect.poll(() => org.locator('.announcer').textContent(), { timeout: 5000 }).toBe(done);
    const watcher = (captains[1] as Person).page;
    await expect
      .poll(() => watcher.locator('.announcer').textContent(), { timeout: 5000 })
      .toBe(done);
    await watcher.locator('.final .winner', { hasText: winner }).waitFor();
    // Read-only: no results form any more, the bracket stays.
    expect(await watcher.locator('li.result-row').count()).toBe(0);
    await watcher.getByRole('heading', { name: 'Bracket', level: 2 }).waitFor();
    await screenshot(watcher, 'tournament-completed');
    await home.page
      .locator('.feed li', { hasText: `Spring Cup is complete: ${winner} won.` })
      .waitFor({ timeout: 5000 });
    await screenshot(home.page, 'home-live-feed');

    // COMPLETED allows only archive.
    const bar = org.locator('.organizer-bar');
    await bar.getByRole('button', { name: 'Archive' }).waitFor();
    expect(await bar.getByRole('button').allTextContents()).toEqual(['Archive']);
    await bar.getByRole('button', { name: 'Archive' }).click();
    await org.locator('.page-header .badge', { hasText: 'Archived' }).waitFor();
    expect(await org.locator('.organizer-bar').count()).toBe(0);
    await screenshot(org, 'tournament-archived');
  });

  it('answers unknown paths with the 404 page and status, and is readable at phone width', async () => {
    const page = organizer.page;
    const res = await page.goto('/no/such/page');
    expect(res?.status()).toBe(404);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await screenshot(page, 'not-found');
    const gone = await page.goto('/tournaments/t_999999');
    expect(gone?.status()).toBe(200);
    await page.getByRole('heading', { name: 'No such tournament' }).waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${path}/results`);
    await page.getByRole('heading', { name: 'Results: Spring Cup' }).waitFor();
    await screenshot(page, 'results-phone');
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('saw no dialog, no page error and no server error', () => {
    for (const p of [organizer, ...captains]) {
      expect(p.dialogs, p.name).toEqual([]);
      expect(p.pageErrors, p.name).toEqual([]);
    }
    expect(server.serverErrors).toEqual([]);
  });
});
