/** Receives a message; `channel` is the channel's name without the deployment prefix. */
export type MessageHandler = (channel: string, message: string) => void;

export type Unsubscribe = () => Promise<void>;

/**
 * The pub/sub port (STYLE.md "narrow ports"). Delivery is at most once: the
 * event log under `live/` is what makes delivery lossless.
 */
export interface Bus {
  publish(channel: string, message: string): Promise<void>;
  /** `channel` is a name, or a Redis glob pattern when `pattern` is true. */
  subscribe(
    channel: string,
    handler: MessageHandler,
    opts?: { pattern?: boolean },
  ): Promise<Unsubscribe>;
  /** Resolves when the bus answers; rejects otherwise. */
  ping(): Promise<void>;
  /** Called each time the bus (re)connects after an outage. */
  onReconnect(listener: () => void): void;
  /**
   * False while the bus is known to be down (Redis unreachable): what is
   * published now reaches nobody, so live delivery reads the event log.
   */
  readonly connected: boolean;
  close(): Promise<void>;
}

/** The bus could not be reached at start. */
export class BusUnavailableError extends Error {}

/** Channel names of SPEC §6. */
export const channels = {
  tournament: (id: string) => `tournament:${id}:events`,
  chat: (id: string) => `tournament:${id}:chat`,
  user: (id: string) => `user:${id}:notifications`,
  global: 'global:announcements',
} as const;

/** Redis glob (`*`, `?`, `[...]`) as a RegExp, for the in-process bus. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('^')) body = `^${body.slice(1)}`;
        out += `[${body}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += (glob[++i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
