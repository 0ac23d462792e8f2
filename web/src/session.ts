import { useQuery } from '@tanstack/react-query';
import { ApiError } from './api/client.js';
import { api, keys } from './api/endpoints.js';
import type { User } from './api/types.js';

/** The signed-in user, null when anonymous; `undefined` while it is being asked. */
export function useMe(): User | null | undefined {
  const q = useQuery({
    queryKey: keys.me,
    queryFn: async () => {
      try {
        return (await api.me()).user;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
  if (q.isError) return null;
  return q.data;
}

export function isOrganizerOf(user: User | null | undefined, organizerId: string): boolean {
  return !!user && (user.id === organizerId || user.is_admin === true);
}

/** A `?next=` target that stays on this site. */
export function safeNext(next: string | null, fallback: string): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : fallback;
}
