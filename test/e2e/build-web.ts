import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const out = join(root, 'dist/web');

/** The source the web app imports besides web/: the domain, and the wire shapes it shares. */
const SHARED = [
  'src/domain',
  'src/bus/bus.ts',
  'src/http/schemas.ts',
  'src/live/live-stream-shape.ts',
  'src/live/stream-position.ts',
];

/** The newest modification time of `path`, or of what is under it (tests and dependencies left out). */
function newest(path: string): number {
  if (!statSync(path).isDirectory()) return statSync(path).mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.endsWith('.test.ts')) continue;
    max = Math.max(max, newest(join(path, entry.name)));
  }
  return max;
}

/**
 * Builds the web app for the browser tests, only when dist/web is missing or
 * older than its sources (web/ and the shared code it imports). It builds
 * aside and swaps the folder in, so a server reading dist/web never sees
 * half a build.
 */
export default async function setup() {
  const index = join(out, 'index.html');
  const sources = Math.max(...['web', ...SHARED].map((p) => newest(join(root, p))));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const { build } = await import('vite');
  const tmp = `${out}.tmp-${process.pid}`;
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(root, 'web/vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir: tmp, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  rmSync(out, { recursive: true, force: true });
  try {
    renameSync(tmp, out);
  } catch (err) {
    // Another test run swapped its own fresh build in first: keep that one.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(index)) throw err;
  }
}
