import type { Page } from 'playwright-core';
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

interface Registered {
  user: { id: string };
  token: string;
}

/** The event streams a tab opens, by URL, from the moment this is called. */
function watchStreams(page: Page): string[] {
  const streams: string[] = [];
  page.on('response', (response) => {
    if ((response.headers()['content-type'] ?? '').startsWith('text/event-stream'))
      streams.push(new URL(response.url()).pathname + new URL(response.url()).search);
  });
  return streams;
}

describe('one live stream per tab (issue 13)', () => {
  let server: Server;
  let organizer: Person;

  beforeAll(async () => {
    server = await startServer();
    organizer = await openPerson('organizer', server.url);
  }, 120_000);

  afterAll(async () => {
    await organizer?.close();
    await server?.close();
  });

  it('keeps two tabs of a tournament live on one stream each: results, notifications, chat', async () => {
    const register = async (name: string) =>
      (
        await server.api<Registered>('POST', '/api/v1/auth/register', undefined, {
          username: name,
          password: PASSWORD,
        })
      ).body;
    const orgName = username('organizer');
    const org = await register(orgName);
    const created = await server.api<{ id: string }>('POST', '/api/v1/tournaments', org.token, {
      name: 'Two Tabs Cup',
      format: 'single_elimination',
      min_teams: 4,
      max_teams: 4,
    });
    const id = created.body.id;
    expect((await server.api('POST', `/api/v1/tournaments/${id}/publish`, org.token)).status).toBe(
      200,
    );
    // The organizer captains one team, so that the start notifies them too.
    const teams: Record<string, string> = {};
    for (const [i, name] of ['Owls', 'Foxes', 'Hares', 'Wrens'].entries()) {
      const captain = i === 0 ? org : await register(username(`captain${i}`));
      const team = await server.api<{ id: string }>(
        'POST',
        `/api/v1/tournaments/${id}/teams`,
        captain.token,
        { name },
      );
      expect(team.status).toBe(201);
      teams[team.body.id] = name;
    }

    // Signed in through the page (the session cookie), then two tabs of the tournament.
    const first = organizer.page;
    await first.goto('/login');
    await first.getByLabel('Username').fill(orgName);
    await first.getByLabel('Password').fill(PASSWORD);
    await first.getByRole('button', { name: 'Sign in' }).click();
    await first.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await first.goto('about:blank');
    const tabs = [await organizer.context.newPage(), await organizer.context.newPage()] as const;
    const streams = tabs.map(watchStreams);
    for (const tab of tabs) {
      await tab.goto(`/tournaments/${id}`);
      await tab.getByRole('heading', { name: 'Two Tabs Cup', level: 1 }).waitFor();
      await tab.locator('.toolbar .live-open').waitFor();
    }

    // The start reaches both tabs: the tournament's channel and the user's notifications.
    expect((await server.api('POST', `/api/v1/tournaments/${id}/start`, org.token)).status).toBe(
      200,
    );
    for (const tab of tabs) {
      await tab.getByRole('heading', { name: 'Results: round 1' }).waitFor({ timeout: 5000 });
      await tab
        .getByRole('link', { name: /^Notifications: [1-9]\d* unread$/ })
        .waitFor({ timeout: 5000 });
    }

    // A result recorded through the first tab's form shows in both.
    const matches = await server.api<{
      matches: { id: string; status: string; team1_id: string; team2_id: string }[];
    }>('GET', `/api/v1/tournaments/${id}/matches`);
    const match = matches.body.matches.find((m) => m.status === 'pending');
    if (!match) throw new Error('no pending match');
    const [home, away] = [teams[match.team1_id] as string, teams[match.team2_id] as string];
    const row = tabs[0].locator(`li.result-row[data-match-id="${match.id}"]`);
    await row.getByLabel(home, { exact: true }).check();
    await row.getByLabel(`Score of ${home}`, { exact: true }).fill('3');
    await row.getByLabel(`Score of ${away}`, { exact: true }).fill('1');
    await row.getByRole('button', { name: 'Record result' }).click();
    for (const tab of tabs) {
      const decided = tab.locator(`.decided li[data-match-id="${match.id}"]`);
      await decided.waitFor({ timeout: 5000 });
      await expect.poll(() => decided.textContent(), { timeout: 5000 }).toContain(`${home} won`);
      await tab
        .locator(`.match-card[data-match-id="${match.id}"] .side.won .team`, { hasText: home })
        .waitFor({ timeout: 5000 });
    }
    await screenshot(tabs[1], 'one-stream-second-tab');

    // The chat rides on the same stream: sent from one tab, it appears in the other.
    for (const tab of tabs) {
      await tab.getByText('Chat', { exact: true }).click();
      await tab.locator('details.chat .live-open').waitFor();
    }
    await tabs[1].getByLabel('Message').fill('see you in the final');
    await tabs[1].getByRole('button', { name: 'Send' }).click();
    await tabs[0]
      .locator('.chat-log li p', { hasText: 'see you in the final' })
      .waitFor({ timeout: 5000 });

    // Each tab held one event stream all along, carrying its three channels.
    const one = `/api/v1/live?tournament=${id}&chat=true&notifications=true`;
    expect(streams).toEqual([[one], [one]]);
    // And the orchestrator serves two live connections: one a tab.
    await expect
      .poll(
        async () =>
          (await server.api<{ live_viewers: number }>('GET', '/api/v1/stats')).body.live_viewers,
        { timeout: 5000 },
      )
      .toBe(2);

    for (const tab of tabs) await tab.close();
    expect(organizer.dialogs).toEqual([]);
    expect(organizer.pageErrors).toEqual([]);
    expect(server.serverErrors).toEqual([]);
  });
});
