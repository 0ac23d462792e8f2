import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { channels } from '../../../src/bus/bus.js';
import { isMissing } from '../api/client.js';
import { api, keys } from '../api/endpoints.js';
import {
  type NotificationItem,
  notificationFromEvent,
  parseNotifications,
  unreadCountOf,
} from '../api/feeds.js';
import type { User } from '../api/types.js';
import { Link } from '../router.js';
import { useLiveChannel } from './live-stream.js';

/** The user channel's notifications (SPEC §6). */
const USER_EVENTS = ['match_ready', 'tournament_starting'] as const;

/** Notifications seen live in this tab (for when the stored list is not available). */
let liveItems: NotificationItem[] = [];
const listeners = new Set<() => void>();
function addLive(item: NotificationItem) {
  liveItems = [item, ...liveItems].slice(0, 50);
  for (const l of listeners) l();
}
function subscribeLive(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Stored notifications if the API has them (null when it does not), plus the live ones. */
export function useNotifications(user: User | null | undefined) {
  const stored = useQuery({
    queryKey: keys.notifications,
    queryFn: async () => {
      try {
        const raw = await api.notifications();
        return { items: parseNotifications(raw), unread: unreadCountOf(raw) };
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    enabled: !!user,
  });
  const live = useSyncExternalStore(subscribeLive, () => liveItems);
  const items = stored.data?.items ?? live;
  return {
    items,
    stored: !!stored.data,
    unread: stored.data?.unread ?? items.filter((n) => !n.read).length,
  };
}

/**
 * The header's notification count for a signed-in user, kept live by the
 * user's channel on the page's stream, which the dashboard reuses.
 */
export function NotificationsBadge({ user }: { user: User }) {
  const qc = useQueryClient();
  useLiveChannel(channels.user(user.id), USER_EVENTS, {
    onEvent: (type, data, id) => {
      addLive(notificationFromEvent(type, data, id));
      void qc.invalidateQueries({ queryKey: keys.notifications });
    },
    onReconnect: () => void qc.invalidateQueries({ queryKey: keys.notifications }),
  });
  const { unread } = useNotifications(user);
  return (
    <Link
      to="/dashboard#notifications"
      className="notif-link"
      aria-label={`Notifications: ${unread} unread`}
    >
      <svg
        className="bell"
        viewBox="0 0 24 24"
        width="20"
        height="20"
        aria-hidden="true"
        focusable="false"
      >
        <path
          d="M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinejoin="round"
        />
      </svg>
      {unread > 0 && (
        <span className="count" aria-hidden="true">
          {unread}
        </span>
      )}
    </Link>
  );
}
