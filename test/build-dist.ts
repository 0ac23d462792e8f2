import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Compiles and bundles the server once before the tests: tests that spawn real
 * tournament server processes run the bundled CLI, as production does, which
 * starts in a fraction of the time the TypeScript sources take.
 */
export default function setup() {
  const root = join(import.meta.dirname, '..');
  const run = (args: string[]) =>
    execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  run([join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  run([join(root, 'scripts/bundle-server.mjs')]);
}
