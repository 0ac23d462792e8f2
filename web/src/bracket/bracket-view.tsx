import type { Format, Match, Standing } from '../api/types.js';
import { type Names, nameOf } from '../results/results-state.js';
import {
  eliminationSections,
  isElimination,
  matchStatusText,
  roundTables,
  TIEBREAK_LABEL,
  tiebreakColumns,
} from './bracket-layout.js';

function Side({ match, teamId, names }: { match: Match; teamId: string | null; names: Names }) {
  const won = match.winner !== null && match.winner === teamId;
  const score = teamId !== null ? match.scores?.[teamId] : undefined;
  return (
    <div className={`side${won ? ' won' : ''}${teamId === null ? ' tbd' : ''}`}>
      <span className="team">{nameOf(names, teamId)}</span>
      {won && <span className="sr-only"> (winner)</span>}
      {score !== undefined && <span className="score">{score}</span>}
    </div>
  );
}

function MatchCard({ match, names, current }: { match: Match; names: Names; current: boolean }) {
  return (
    <li
      className={`match-card status-${match.status}${current ? ' current' : ''}`}
      data-match-id={match.id}
    >
      <Side match={match} teamId={match.team1_id} names={names} />
      {match.status !== 'bye' && <Side match={match} teamId={match.team2_id} names={names} />}
      <div className="match-status muted">{matchStatusText(match)}</div>
    </li>
  );
}

function EliminationBracket({
  matches,
  names,
  round,
}: {
  matches: Match[];
  names: Names;
  round: number;
}) {
  return (
    <>
      {eliminationSections(matches).map((section) => (
        <section key={section.bracket} className="bracket-section" aria-label={section.title}>
          {section.bracket !== 'main' && <h3>{section.title}</h3>}
          <div className="bracket">
            {section.columns.map((col) => (
              <div key={col.key} className="bracket-col">
                <h4>{col.title}</h4>
                <ol className="bracket-matches">
                  {col.matches.map((m) => (
                    <MatchCard key={m.id} match={m} names={names} current={m.round === round} />
                  ))}
                </ol>
              </div>
            ))}
          </div>
        </section>
      ))}
    </>
  );
}

function resultText(m: Match, names: Names): string {
  if (m.status === 'bye') return `${nameOf(names, m.team1_id ?? m.team2_id)} has a bye`;
  if (m.status === 'completed')
    return m.winner === null ? 'Draw' : `${nameOf(names, m.winner)} won`;
  return matchStatusText(m);
}

function RoundTables({ matches, names, round }: { matches: Match[]; names: Names; round: number }) {
  return (
    <div className="rounds">
      {roundTables(matches).map((t) => (
        <table key={t.round} className={t.round === round ? 'current' : undefined}>
          <caption>
            Round {t.round}
            {t.round === round ? ' (current)' : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col">Score</th>
              <th scope="col">Team</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {t.matches.map((m) => (
              <tr key={m.id} data-match-id={m.id}>
                <td className={m.winner !== null && m.winner === m.team1_id ? 'won' : undefined}>
                  {nameOf(names, m.team1_id)}
                </td>
                <td className="score">
                  {m.scores && m.team1_id && m.team2_id
                    ? `${m.scores[m.team1_id] ?? ''}–${m.scores[m.team2_id] ?? ''}`
                    : ''}
                </td>
                <td className={m.winner !== null && m.winner === m.team2_id ? 'won' : undefined}>
                  {m.status === 'bye' ? '—' : nameOf(names, m.team2_id)}
                </td>
                <td>{resultText(m, names)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

export function StandingsTable({
  standings,
  caption = 'Standings',
}: {
  standings: Standing[];
  caption?: string;
}) {
  if (standings.length === 0) return null;
  const tiebreaks = tiebreakColumns(standings);
  return (
    <div className="table-scroll">
      <table className="standings">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Team</th>
            <th scope="col">
              <abbr title="Wins">W</abbr>
            </th>
            <th scope="col">
              <abbr title="Draws">D</abbr>
            </th>
            <th scope="col">
              <abbr title="Losses">L</abbr>
            </th>
            <th scope="col">Points</th>
            {tiebreaks.map((k) => (
              <th key={k} scope="col">
                {TIEBREAK_LABEL[k] ?? k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {standings.map((s) => (
            <tr key={s.team_id}>
              <td>{s.rank}</td>
              <th scope="row">
                {s.name}
                {s.withdrawn ? ' (withdrawn)' : ''}
              </th>
              <td>{s.wins}</td>
              <td>{s.draws}</td>
              <td>{s.losses}</td>
              <td>{s.points}</td>
              {tiebreaks.map((k) => (
                <td key={k}>{s.tiebreaks?.[k] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The bracket of every format (SPEC §8): a tree for elimination, round tables otherwise. */
export function BracketView({
  format,
  matches,
  names,
  round,
  standings,
}: {
  format: Format;
  matches: Match[];
  names: Names;
  round: number;
  standings: Standing[];
}) {
  return (
    <section className="bracket-view" aria-labelledby="bracket-heading">
      <h2 id="bracket-heading">{isElimination(format) ? 'Bracket' : 'Rounds'}</h2>
      {matches.length === 0 ? (
        <p className="muted">The matches appear when the tournament starts.</p>
      ) : isElimination(format) ? (
        <div className="table-scroll">
          <EliminationBracket matches={matches} names={names} round={round} />
        </div>
      ) : (
        <RoundTables matches={matches} names={names} round={round} />
      )}
      <StandingsTable standings={standings} />
    </section>
  );
}
