import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** Where `vite build` puts the web app: dist/web, whether this file runs from src/ or dist/. */
export const defaultWebRoot = fileURLToPath(new URL('../../dist/web', import.meta.url));

/** The pages of SPEC §8; any other path gets the app's 404 page with status 404. */
const PAGES = [
  /^\/$/,
  /^\/tournaments$/,
  /^\/tournaments\/new$/,
  /^\/tournaments\/t_\d{1,9}$/,
  /^\/tournaments\/t_\d{1,9}\/results$/,
  /^\/dashboard$/,
  /^\/login$/,
  /^\/signup$/,
];

/** Paths that belong to the API and its docs: their misses stay JSON 404s. */
const NOT_PAGES = /^\/(api|docs|assets)(\/|$)/;

export function isPageRoute(path: string): boolean {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return PAGES.some((p) => p.test(trimmed));
}

/**
 * The app's own scripts only: a team name that slipped through as markup
 * still could not run anything (SPEC §7).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** A file name of the assets directory itself: no path, no hidden file. */
const ASSET_NAME = /^[\w-][\w.-]{0,199}$/;

/**
 * The built assets for a tournament server, which serves one page: the files
 * of `dir` by name, immutable (Vite names them by content). Lighter than
 * @fastify/static, which a tournament server process then need not load.
 */
function assetFiles(dir: string) {
  return async (app: FastifyInstance) => {
    app.get('/assets/:file', { schema: { hide: true } }, async (request, reply) => {
      const { file } = request.params as { file: string };
      const path = join(dir, file);
      if (!ASSET_NAME.test(file) || !(await stat(path).catch(() => null))?.isFile())
        return reply.callNotFound();
      return reply
        .type(ASSET_TYPES[extname(file)] ?? 'application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(createReadStream(path));
    });
  };
}

/**
 * Serves the web app built by Vite (SPEC §8): hashed assets under /assets/,
 * and index.html for every other GET that is not the API's, so the client
 * router draws the page; 200 for the known pages, 404 for the rest.
 */
export function webRoutes(opts: { root?: string; tournamentId?: string } = {}) {
  const root = opts.root ?? defaultWebRoot;
  // On a tournament server the app is that tournament's results form, at `/` (SPEC §5).
  const served = opts.tournamentId;
  const isPage = served ? (path: string) => path === '/' : isPageRoute;
  const inject = (html: string) =>
    served
      ? html.replace('<head>', `<head><meta name="tourney-tournament" content="${served}">`)
      : html;
  return async (app: FastifyInstance) => {
    const assets = join(root, 'assets');
    if (served) {
      await app.register(assetFiles(assets));
    } else if (existsSync(assets)) {
      const { default: fastifyStatic } = await import('@fastify/static');
      await app.register(fastifyStatic, {
        root: assets,
        prefix: '/assets/',
        decorateReply: false,
        index: false,
        immutable: true,
        maxAge: '365d',
      });
    }

    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (NOT_PAGES.test(path)) return reply.callNotFound();
      let html: string;
      try {
        html = inject(await readFile(join(root, 'index.html'), 'utf8'));
      } catch {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The web app is not built: run `npm run build`.');
      }
      return reply
        .code(isPage(path) ? 200 : 404)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin')
        .send(html);
    });
  };
}
