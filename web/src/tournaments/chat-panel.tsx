import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { channels } from '../../../src/bus/bus.js';
import { isMissing } from '../api/client.js';
import { api } from '../api/endpoints.js';
import { type ChatMessage, chatFromEvent, parseChat } from '../api/feeds.js';
import { ErrorNote, Field, formatTime, LiveStatus } from '../components/common.js';
import type { StreamStatus } from '../live/live-connection.js';
import { useLiveChannel } from '../live/live-stream.js';
import { Link } from '../router.js';
import { useMe } from '../session.js';

const CHAT_EVENTS = ['chat_message'] as const;

const chatKey = (tournamentId: string) => ['chat', tournamentId];

function ChatBody({ tournamentId, status }: { tournamentId: string; status: StreamStatus }) {
  const me = useMe();
  const qc = useQueryClient();
  const key = chatKey(tournamentId);
  const history = useQuery({
    queryKey: key,
    queryFn: async () => {
      try {
        return parseChat(await api.chat(tournamentId));
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
  });
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  if (history.isPending) return <p className="muted">Loading chat…</p>;
  const messages = history.data;
  if (!messages) return <p className="muted">Chat is not available on this server.</p>;

  const send = async (e: FormEvent) => {
    e.preventDefault();
    const text = body.trim();
    if (text.length < 1 || text.length > 500) {
      setProblem('A message has 1 to 500 characters.');
      return;
    }
    setProblem(null);
    setError(null);
    try {
      await api.postChat(tournamentId, text);
      setBody('');
    } catch (err) {
      setError(err);
    }
    await qc.invalidateQueries({ queryKey: key });
  };

  return (
    <>
      <LiveStatus status={status} />
      <ol className="chat-log" aria-live="polite">
        {messages.map((m) => (
          <li key={m.key}>
            <strong>{m.author}</strong> <span className="muted">{formatTime(m.at)}</span>
            <p>{m.body}</p>
          </li>
        ))}
      </ol>
      {me ? (
        <form onSubmit={send} className="chat-form">
          <Field label="Message" error={problem ?? undefined}>
            {(p) => (
              <textarea
                {...p}
                rows={2}
                maxLength={500}
                value={body}
                onChange={(e) => setBody(e.target.value)}
              />
            )}
          </Field>
          <button type="submit">Send</button>
          <ErrorNote error={error} />
        </form>
      ) : (
        <p>
          <Link to={`/login?next=/tournaments/${tournamentId}`}>Sign in</Link> to chat.
        </p>
      )}
    </>
  );
}

/**
 * The tournament's chat, opened on demand. Its channel is followed on the
 * page's stream all along (it costs no connection of its own), so that opening
 * the panel does not open the stream again; new messages join the history
 * once it is loaded.
 */
export function ChatPanel({ tournamentId }: { tournamentId: string }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const status = useLiveChannel(channels.chat(tournamentId), CHAT_EVENTS, {
    onEvent: (_type, data, id) => {
      const message = chatFromEvent(data, id);
      if (!message) return;
      qc.setQueryData<ChatMessage[] | null>(chatKey(tournamentId), (old) =>
        old && !old.some((m) => m.key === message.key) ? [...old, message] : old,
      );
    },
    onReconnect: () => void qc.invalidateQueries({ queryKey: chatKey(tournamentId) }),
  });
  return (
    <details className="chat" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Chat</summary>
      {open && <ChatBody tournamentId={tournamentId} status={status} />}
    </details>
  );
}
