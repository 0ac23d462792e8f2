import { describe, expect, it } from 'vitest';
import { type ApiResponse, useApi } from '../support/api-harness.js';

const password = 'correct horse battery';

function sessionCookie(setCookie: string | string[] | undefined): string {
  const all = Array.isArray(setCookie) ? setCookie : [setCookie ?? ''];
  const found = all.find((c) => c.startsWith('tourney_session='));
  expect(found, 'a session cookie').toBeDefined();
  expect(found).toMatch(/HttpOnly/i);
  expect(found).toMatch(/SameSite=Lax/i);
  return (found as string).split(';')[0] as string;
}

describe('accounts and sessions', () => {
  const api = useApi();

  it('registers, signs in by token and by cookie, and signs out', async () => {
    const reg = await api.post('/api/v1/auth/register', { username: 'ana_auth', password });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toMatchObject({ username: 'ana_auth' });
    expect(reg.body.user.id).toMatch(/^u_\d+$/);
    expect(reg.body.user).not.toHaveProperty('password_hash');
    expect(typeof reg.body.token).toBe('string');
    sessionCookie(reg.headers['set-cookie']);

    const login = await api.post('/api/v1/auth/login', { username: 'ANA_auth', password });
    expect(login.status).toBe(200);
    expect(login.body.user.id).toBe(reg.body.user.id);
    const cookie = sessionCookie(login.headers['set-cookie']);

    const byToken = await api.get('/api/v1/auth/me', {
      headers: { authorization: `Bearer ${login.body.token}` },
    });
    expect(byToken.status).toBe(200);
    expect(byToken.body.user).toMatchObject({ id: reg.body.user.id, username: 'ana_auth' });
    const byCookie = await api.get('/api/v1/auth/me', { headers: { cookie } });
    expect(byCookie.body.user.id).toBe(reg.body.user.id);

    const out = await api.post('/api/v1/auth/logout', undefined, {
      headers: { authorization: `Bearer ${login.body.token}` },
    });
    expect(out.status).toBe(204);
    const after = await api.get('/api/v1/auth/me', {
      headers: { authorization: `Bearer ${login.body.token}` },
    });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
    // The other session (the registration's token) still works.
    expect(
      (await api.get('/api/v1/auth/me', { headers: { authorization: `Bearer ${reg.body.token}` } }))
        .status,
    ).toBe(200);
  });

  it('refuses a taken name, wrong credentials and a malformed token', async () => {
    await api.post('/api/v1/auth/register', { username: 'bob_auth', password });
    const taken = await api.post('/api/v1/auth/register', { username: 'BOB_AUTH', password });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('username_taken');

    const wrong = await api.post('/api/v1/auth/login', {
      username: 'bob_auth',
      password: 'not the password',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const unknown = await api.post('/api/v1/auth/login', { username: 'nobody_here', password });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_credentials');

    expect((await api.get('/api/v1/auth/me')).body.error.code).toBe('unauthorized');
    const garbage = await api.get('/api/v1/auth/me', { headers: { authorization: 'Basic abc' } });
    expect(garbage.status).toBe(401);
    const unknownToken = await api.get('/api/v1/auth/me', {
      headers: { authorization: `Bearer ${'x'.repeat(43)}` },
    });
    expect(unknownToken.status).toBe(401);
  });

  it('validates credentials by schema (422 with the error shape)', async () => {
    for (const body of [
      { username: 'ab', password },
      { username: 'has space', password },
      { username: 'x'.repeat(33), password },
      { username: 'carol', password: 'short' },
      { username: 'carol' },
      { username: 'carol', password, admin: true },
    ]) {
      const res = await api.post('/api/v1/auth/register', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe('validation_error');
      expect(typeof res.body.error.message).toBe('string');
    }
  });

  it('refuses a cookie-authenticated write from another site; bearer writes are unaffected', async () => {
    const reg = await api.post('/api/v1/auth/register', { username: 'dan_auth', password });
    const cookie = sessionCookie(reg.headers['set-cookie']);
    const body = { name: 'Cross-site Cup', format: 'swiss', min_teams: 2, max_teams: 8 };

    const foreign = await api.post('/api/v1/tournaments', body, {
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('forbidden');

    const own = await api.post('/api/v1/tournaments', body, {
      headers: { cookie, origin: api.url, host: new URL(api.url).host },
    });
    expect(own.status).toBe(201);
    // The tournament servers' origin (another port of the same host) is the same site.
    const sibling = await api.post('/api/v1/tournaments', body, {
      headers: { cookie, origin: 'http://127.0.0.1:6007', host: '127.0.0.1:5000' },
    });
    expect(sibling.status).toBe(201);
    const bearer = await api.post('/api/v1/tournaments', body, {
      headers: { authorization: `Bearer ${reg.body.token}`, origin: 'https://evil.example' },
    });
    expect(bearer.status).toBe(201);
    // Reads by cookie from anywhere are fine.
    expect(
      (await api.get('/api/v1/auth/me', { headers: { cookie, origin: 'https://evil.example' } }))
        .status,
    ).toBe(200);
  });
});

describe('login and registration flood', () => {
  const api = useApi({ authRateLimit: 3 });

  it('answers 429 rate_limited past the limit, with the error shape', async () => {
    const statuses: number[] = [];
    let last: ApiResponse | undefined;
    for (let i = 0; i < 5; i++) {
      last = await api.post('/api/v1/auth/login', {
        username: 'flooder',
        password: 'wrong password',
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(last?.body.error.code).toBe('rate_limited');
    expect(last?.headers['retry-after']).toBeDefined();
  });
});
