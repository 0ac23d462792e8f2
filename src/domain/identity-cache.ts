/**
 * A few values remembered by the identity of their key object, newest first.
 * Successive aggregates of one tournament hand the same derived data (indexes
 * of matches and teams) from command to command; a tournament server works
 * on one tournament, an orchestrator on a few at a time, so a handful of
 * entries is enough and a miss only costs a rebuild. Unlike a WeakMap, it
 * puts no per-entry work on the garbage collector.
 */
export class IdentityCache<K extends object, V> {
  private readonly keys: (K | undefined)[];
  private readonly values: (V | undefined)[];

  constructor(readonly size = 8) {
    this.keys = new Array(size).fill(undefined);
    this.values = new Array(size).fill(undefined);
  }

  get(key: K): V | undefined {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) {
        const value = this.values[i];
        if (i > 0) this.promote(i, key, value as V);
        return value;
      }
    }
    return undefined;
  }

  set(key: K, value: V): void {
    const at = this.keys.indexOf(key);
    this.promote(at === -1 ? this.keys.length - 1 : at, key, value);
  }

  /** Files the value of `from` under `to` instead (`from` is forgotten). */
  rekey(from: K, to: K, value: V): void {
    const at = this.keys.indexOf(from);
    this.promote(at === -1 ? this.keys.length - 1 : at, to, value);
  }

  /** Puts (key, value) first, dropping what was at position `from`. */
  private promote(from: number, key: K, value: V): void {
    for (let i = from; i > 0; i--) {
      this.keys[i] = this.keys[i - 1];
      this.values[i] = this.values[i - 1];
    }
    this.keys[0] = key;
    this.values[0] = value;
  }
}
