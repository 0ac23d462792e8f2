import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** This folder: the config works whatever the working directory is. */
const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

/**
 * The web app (SPEC §8), built to dist/web and served by the orchestrator.
 * `vite --config web/vite.config.ts` serves it in development against an
 * orchestrator on :5000.
 */
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: `${root}../dist/web`,
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:5000' },
  },
});
