import { defineConfig } from 'vitest/config';

/**
 * The fast loop (`npm run test:unit`): tests that need no PostgreSQL, no Redis
 * and no build, so no global setup. The full suite is vitest.config.ts.
 */
export default defineConfig({
  test: {
    include: ['src/domain/**/*.test.ts', 'web/src/**/*.test.ts'],
    exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
  },
});
