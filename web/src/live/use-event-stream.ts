import { useEffect, useRef, useState } from 'react';

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StreamHandlers {
  /** One event: its SSE `event:` name, its parsed data, its id. */
  onEvent: (type: string, data: Record<string, unknown>, id: string) => void;
  /** The stream came back after a break (the server has replayed what was missed). */
  onReconnect?: () => void;
}

/**
 * Follows one SSE channel (SPEC §6). EventSource reconnects by itself and
 * sends Last-Event-ID, so the server replays what the break missed; a stream
 * the server refuses (401, 404) is closed and reported, never retried in a loop.
 */
export function useEventStream(
  url: string | null,
  types: readonly string[],
  handlers: StreamHandlers,
): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;
  const typeList = types.join(',');

  useEffect(() => {
    if (url === null) {
      setStatus('closed');
      return;
    }
    setStatus('connecting');
    const source = new EventSource(url, { withCredentials: true });
    let broken = false;
    source.onopen = () => {
      setStatus('open');
      if (broken) latest.current.onReconnect?.();
      broken = false;
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) setStatus('closed');
      else {
        broken = true;
        setStatus('reconnecting');
      }
    };
    const listener = (e: Event) => {
      const message = e as MessageEvent<string>;
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      if (typeof data !== 'object' || data === null) return;
      latest.current.onEvent(message.type, data as Record<string, unknown>, message.lastEventId);
    };
    const names = typeList.split(',').filter(Boolean);
    for (const type of names) source.addEventListener(type, listener);
    return () => {
      for (const type of names) source.removeEventListener(type, listener);
      source.close();
    };
  }, [url, typeList]);

  return status;
}

export const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Not live: reload to retry',
};
