/** REGISTRATION -> ACTIVE: seed the teams, lay out round 1, announce it. */
import type { CommandContext, CommandResult, TournamentAggregate } from '../aggregate.js';
import { fail } from '../errors.js';
import { advance, startRound } from '../flow.js';
import { engineFor } from '../formats/registry.js';
import { shuffle } from '../rng.js';
import { targetState } from '../state-machine.js';
import type { Team, TournamentState } from '../types.js';
import { Work } from '../work.js';
import { guard } from './guard.js';

/**
 * Seed order (index 0 = seed 1). Manual: teams given a seed first, by seed,
 * then the others in registration order (SPEC §5). Random: a shuffle drawn
 * from the tournament's stored seed, so it is reproducible.
 */
export function seedOrder(agg: TournamentAggregate): { order: Team[]; rng: number } {
  if (agg.seeding === 'random') {
    const [order, rng] = shuffle(agg.teams, agg.seed);
    return { order, rng };
  }
  if (agg.teams.every((t) => t.seed === null)) {
    return { order: agg.teams.slice(), rng: agg.seed >>> 0 };
  }
  const seeded = agg.teams
    .map((team, i) => ({ team, i }))
    .filter(({ team }) => team.seed !== null)
    .sort((a, b) => (a.team.seed as number) - (b.team.seed as number) || a.i - b.i)
    .map(({ team }) => team);
  const rest = agg.teams.filter((t) => t.seed === null);
  return { order: [...seeded, ...rest], rng: agg.seed >>> 0 };
}

/** `teams`, each with its place in `order` (1-based) as its seed. */
function seeded(teams: readonly Team[], order: readonly Team[]): Team[] {
  const seedOf = new Map(order.map((t, i) => [t.id, i + 1]));
  return teams.map((t) => {
    // Field by field, not a spread, as revised() in match-status.ts.
    const copy: Team = {
      id: t.id,
      name: t.name,
      captain_id: t.captain_id,
      seed: seedOf.get(t.id) ?? null,
    };
    if (t.withdrawn !== undefined) copy.withdrawn = t.withdrawn;
    if (t.withdrawn_round !== undefined) copy.withdrawn_round = t.withdrawn_round;
    return copy;
  });
}

export function startTournament(agg: TournamentAggregate, ctx: CommandContext): CommandResult {
  const denied = guard(agg, 'start');
  if (denied) return denied;
  const needed = Math.max(2, agg.min_teams);
  if (agg.teams.length < needed) {
    return fail('min_teams_not_met', { min_teams: needed, team_count: agg.teams.length });
  }
  const { order, rng } = seedOrder(agg);
  const w = new Work(agg, ctx.now, engineFor(agg.format));
  // Teams show the seed they play with from now on.
  w.setTeams(seeded(agg.teams, order));
  w.rng = rng;
  const seeds = order.map((t) => t.id);
  const built = w.engine.build(seeds, agg.options);
  w.startPlay(seeds, built.matches, built.total_rounds);
  const to = targetState(agg.state, 'start') as TournamentState;
  w.state = to;
  w.emit({
    type: 'state_changed',
    tournament_id: agg.id,
    from_state: agg.state,
    to_state: to,
    timestamp: ctx.now,
  });
  startRound(w, 1);
  advance(w);
  return w.finish();
}
