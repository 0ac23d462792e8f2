// Bundles the CLI (dist/bundle/cli.mjs and its chunks): a tournament server
// process then loads a few files instead of hundreds, and only the modules of
// its own command. The code is split at the CLI's dynamic imports, so the
// orchestrator's modules (Swagger, the proxy, metrics, argon2...) stay out of
// a tournament server, which has many siblings on one host (docs/PERFORMANCE.md,
// "Tournament servers"). Native and WebAssembly packages stay in node_modules.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const OUT = 'dist/bundle';
/** Chunks of earlier builds stay this long, for processes started from them that load one late. */
const KEEP_STALE_MS = 10 * 60_000;

// pg tells Cloudflare Workers from Node by constructing a fetch `Response`,
// which on Node loads its whole fetch implementation (undici: about 40 ms and
// 10 MiB per process). In Node that check is false whatever it finds, so the
// bundle, which only runs on Node, skips it.
const pgOnNode = {
  name: 'pg-on-node',
  setup(b) {
    b.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const check = "typeof Response === 'function'";
      if (!source.includes(check)) {
        console.warn(`bundle-server: ${args.path} changed; its runtime check is left as it is`);
        return undefined;
      }
      return { contents: source.replace(check, 'false'), loader: 'js' };
    });
  },
};

const result = await build({
  entryPoints: ['src/cli.ts'],
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: OUT,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.mjs' },
  external: ['@node-rs/argon2', 'pg-native', '@electric-sql/pglite'],
  // ASCII source (a non-ASCII character makes V8 keep a module's text at two
  // bytes a character) and no comments: less text held in every process.
  charset: 'ascii',
  legalComments: 'none',
  minifyWhitespace: true,
  // Stack traces point into the bundle; `node --enable-source-maps` maps them back to src/.
  sourcemap: 'linked',
  plugins: [pgOnNode],
  banner: {
    js: "import { createRequire as __tourneyRequire } from 'node:module'; const require = __tourneyRequire(import.meta.url);",
  },
  metafile: true,
  logLevel: 'warning',
});

const written = new Set(Object.keys(result.metafile.outputs).map((f) => resolve(f)));
for (const name of readdirSync(OUT)) {
  const path = resolve(join(OUT, name));
  if (written.has(path) || !/\.mjs(\.map)?$/.test(name)) continue;
  if (Date.now() - statSync(path).mtimeMs > KEEP_STALE_MS) rmSync(path, { force: true });
}
