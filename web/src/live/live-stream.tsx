import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { keys } from '../api/endpoints.js';
import { useMe } from '../session.js';
import { type ChannelHandlers, LiveConnection, type StreamStatus } from './live-connection.js';

const LiveContext = createContext<LiveConnection | null>(null);

function useConnection(): LiveConnection {
  const connection = useContext(LiveContext);
  if (!connection) throw new Error('live channels are followed inside <LiveStreamProvider>');
  return connection;
}

/** The page's one live stream, shared by the header and the page below it. */
export function LiveStreamProvider({ children }: { children: ReactNode }) {
  const [connection] = useState(() => new LiveConnection());
  // Whether the user's notifications come along is known once the session is: wait for it.
  useLiveHold(useMe() === undefined, connection);
  // A refused stream may be a session that ended (signed out in another tab): asking who is
  // signed in again drops the notifications, and the stream reopens without them.
  const qc = useQueryClient();
  useEffect(
    () =>
      connection.subscribe(() => {
        if (connection.streamStatus === 'closed') void qc.invalidateQueries({ queryKey: keys.me });
      }),
    [connection, qc],
  );
  useEffect(() => () => connection.close(), [connection]);
  return <LiveContext.Provider value={connection}>{children}</LiveContext.Provider>;
}

/** While `active`, the page is still finding out which channels it follows: the stream waits. */
export function useLiveHold(active: boolean, given?: LiveConnection): void {
  const context = useContext(LiveContext);
  const connection = given ?? context;
  useEffect(() => {
    if (!active || !connection) return;
    return connection.hold();
  }, [active, connection]);
}

/**
 * Follows one channel (a name of SPEC §6) on the page's stream; null follows
 * nothing. Returns the stream's status ('closed' when following nothing).
 */
export function useLiveChannel(
  channel: string | null,
  types: readonly string[],
  handlers: ChannelHandlers,
): StreamStatus {
  const connection = useConnection();
  const latest = useRef(handlers);
  latest.current = handlers;
  const typeList = types.join(',');
  useEffect(() => {
    if (channel === null) return;
    return connection.add(channel, typeList.split(','), () => latest.current);
  }, [connection, channel, typeList]);
  return useSyncExternalStore(connection.subscribe, () =>
    channel === null ? 'closed' : connection.statusOf(channel),
  );
}
