import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { isMissing } from '../api/client.js';
import { api, keys } from '../api/endpoints.js';
import { parseSubscriptions, type SubscriptionItem } from '../api/feeds.js';
import type { User } from '../api/types.js';
import { ErrorNote } from '../components/common.js';

/** The user's subscriptions; null when the API has no subscriptions yet. */
export function useSubscriptions(user: User | null | undefined) {
  return useQuery<SubscriptionItem[] | null>({
    queryKey: keys.subscriptions,
    queryFn: async () => {
      try {
        return parseSubscriptions(await api.subscriptions());
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    enabled: !!user,
  });
}

/** Follow or unfollow a tournament (notifications such as `tournament_starting`). */
export function SubscribeButton({
  user,
  tournamentId,
  name,
}: {
  user: User;
  tournamentId: string;
  name: string;
}) {
  const qc = useQueryClient();
  const subs = useSubscriptions(user);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!subs.data) return null;
  const following = subs.data.some((s) => s.tournamentId === tournamentId);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      if (following) await api.unsubscribe(tournamentId);
      else await api.subscribe(tournamentId);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      await qc.invalidateQueries({ queryKey: keys.subscriptions });
    }
  };
  return (
    <span className="subscribe">
      <button type="button" aria-pressed={following} disabled={busy} onClick={() => void toggle()}>
        {following ? 'Following' : 'Follow'}
        <span className="sr-only"> {name}</span>
      </button>
      <ErrorNote error={error} />
    </span>
  );
}
