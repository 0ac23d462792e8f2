/** What a probe answers while its condition does not hold yet. */
export type NotYet = undefined | null | false;

/**
 * Polls `probe` until it returns a truthy value, which it hands back: for what
 * happens after an answer (events reaching the bus after a commit, a process
 * exiting, a standby coming up). Throws after `ms`, naming `what`.
 */
export async function eventually<T>(
  probe: () => T | NotYet | Promise<T | NotYet>,
  ms = 3000,
  what = 'a condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
