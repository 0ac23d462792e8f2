import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../http/error-handler.js';
import { isPageRoute, webRoutes } from './web.js';

describe('web routes', () => {
  let root: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tourney-web-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
    app = Fastify();
    installErrorHandling(app);
    app.get('/api/v1/thing', async () => ({ ok: true }));
    await app.register(webRoutes({ root }));
  });

  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers index.html with 200 for the pages of SPEC §8', async () => {
    for (const url of [
      '/',
      '/tournaments',
      '/tournaments/new',
      '/tournaments/t_3',
      '/tournaments/t_3/results',
      '/dashboard',
      '/login',
      '/signup?next=/x',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('id="root"');
    }
  });

  it("answers index.html with 404 for other paths, so the app's 404 page shows", async () => {
    const res = await app.inject({ url: '/no/such/page' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('id="root"');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('leaves the API its JSON errors and serves the assets', async () => {
    expect((await app.inject({ url: '/api/v1/thing' })).json()).toEqual({ ok: true });
    const miss = await app.inject({ url: '/api/v1/nothing' });
    expect(miss.statusCode).toBe(404);
    expect(miss.json().error.code).toBe('not_found');
    const asset = await app.inject({ url: '/assets/app-1234.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/assets/none.js' })).statusCode).toBe(404);
  });

  it("on a tournament server: that tournament's page at / and the assets, nothing else", async () => {
    const own = mkdtempSync(join(tmpdir(), 'tourney-web-'));
    mkdirSync(join(own, 'assets'));
    writeFileSync(join(own, 'index.html'), '<!doctype html><head></head><div id="root"></div>');
    writeFileSync(join(own, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(own, 'assets', 'app-1234.css'), 'body{}');
    writeFileSync(join(own, '.secret'), 'secret-contents-42');
    const server = Fastify();
    installErrorHandling(server);
    await server.register(webRoutes({ root: own, tournamentId: 't_7' }));
    try {
      const page = await server.inject({ url: '/' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<meta name="tourney-tournament" content="t_7">');
      expect((await server.inject({ url: '/tournaments' })).statusCode).toBe(404);
      const js = await server.inject({ url: '/assets/app-1234.js' });
      expect(js.statusCode).toBe(200);
      expect(js.body).toBe('console.log(1)');
      expect(js.headers['content-type']).toContain('text/javascript');
      expect(js.headers['cache-control']).toContain('immutable');
      const css = await server.inject({ method: 'HEAD', url: '/assets/app-1234.css' });
      expect(css.statusCode).toBe(200);
      expect(css.headers['content-type']).toContain('text/css');
      for (const url of [
        '/assets/none.js',
        '/assets/..%2Findex.html',
        '/assets/..%2F.secret',
        '/assets/.secret',
        '/assets/',
      ]) {
        const miss = await server.inject({ url });
        expect(miss.statusCode, url).toBe(404);
        expect(miss.body, url).not.toContain('secret-contents-42');
      }
    } finally {
      await server.close();
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('says so when the web app is not built', async () => {
    const bare = Fastify();
    await bare.register(webRoutes({ root: join(root, 'missing') }));
    const res = await bare.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
    await bare.close();
  });

  it('tells page routes apart', () => {
    expect(isPageRoute('/tournaments/t_1/')).toBe(true);
    expect(isPageRoute('/tournaments/x')).toBe(false);
  });
});
