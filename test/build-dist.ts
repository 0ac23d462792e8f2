import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Compiles the server once before the tests: tests that spawn real tournament
 * server processes run the compiled CLI, which starts in a fraction of the
 * time the TypeScript sources take.
 */
export default function setup() {
  const root = join(import.meta.dirname, '..');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}
