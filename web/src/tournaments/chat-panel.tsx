import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { isMissing } from '../api/client.js';
import { api } from '../api/endpoints.js';
import { type ChatMessage, chatFromEvent, parseChat } from '../api/feeds.js';
import { ErrorNote, Field, formatTime, LiveStatus } from '../components/common.js';
import { useEventStream } from '../live/use-event-stream.js';
import { Link } from '../router.js';
import { useMe } from '../session.js';

const CHAT_EVENTS = ['chat_message'] as const;

function ChatBody({ tournamentId }: { tournamentId: string }) {
  const me = useMe();
  const qc = useQueryClient();
  const key = ['chat', tournamentId];
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
  const available = history.data !== null && history.data !== undefined;
  const status = useEventStream(
    available ? `/api/v1/tournaments/${encodeURIComponent(tournamentId)}/chat/events` : null,
    CHAT_EVENTS,
    {
      onEvent: (_type, data, id) => {
        const message = chatFromEvent(data, id);
        if (!message) return;
        qc.setQueryData<ChatMessage[] | null>(key, (old) =>
          old && !old.some((m) => m.key === message.key) ? [...old, message] : old,
        );
      },
      onReconnect: () => void qc.invalidateQueries({ queryKey: key }),
    },
  );
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
 * The tournament's chat, opened on demand: its stream is only followed while
 * the panel is open, to spare the browser's few connections per site.
 */
export function ChatPanel({ tournamentId }: { tournamentId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="chat" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Chat</summary>
      {open && <ChatBody tournamentId={tournamentId} />}
    </details>
  );
}
