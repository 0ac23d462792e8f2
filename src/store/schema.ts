import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const createdAt = () =>
  timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    username: text('username').notNull(),
    password_hash: text('password_hash').notNull(),
    is_admin: boolean('is_admin').notNull().default(false),
    created_at: createdAt(),
  },
  (t) => [uniqueIndex('users_username_lower').on(sql`lower(${t.username})`)],
);

/** Sessions (cookie) and API tokens (Bearer); only a hash of the secret is kept. */
export const authTokens = pgTable(
  'auth_tokens',
  {
    token_hash: text('token_hash').primaryKey(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    created_at: createdAt(),
    expires_at: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('auth_tokens_user').on(t.user_id)],
);

export const tournaments = pgTable(
  'tournaments',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    format: text('format').notNull(),
    state: text('state').notNull(),
    organizer_id: integer('organizer_id')
      .notNull()
      .references(() => users.id),
    min_teams: integer('min_teams').notNull(),
    max_teams: integer('max_teams').notNull(),
    seeding: text('seeding').notNull(),
    options: jsonb('options').notNull(),
    /** Seed of the tournament's random generator: a replay gives the same tournament. */
    rng_seed: bigint('rng_seed', { mode: 'number' }).notNull(),
    /**
     * The engine's play state once started (seeds, planned rounds, generator
     * state); its matches are rows of `matches`, so a result writes one row.
     */
    play: jsonb('play'),
    winner: text('winner'),
    current_round: integer('current_round').notNull().default(0),
    starts_at: timestamp('starts_at', { withTimezone: true, mode: 'date' }),
    starting_notified: boolean('starting_notified').notNull().default(false),
    /** Optimistic concurrency: every write bumps it and checks the value it read. */
    version: integer('version').notNull().default(1),
    created_at: createdAt(),
    updated_at: timestamp('updated_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .defaultNow(),
  },
  (t) => [
    index('tournaments_state').on(t.state),
    index('tournaments_organizer').on(t.organizer_id),
  ],
);

export const teams = pgTable(
  'teams',
  {
    id: serial('id').primaryKey(),
    tournament_id: integer('tournament_id')
      .notNull()
      .references(() => tournaments.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    captain_id: integer('captain_id')
      .notNull()
      .references(() => users.id),
    seed: integer('seed'),
    withdrawn: boolean('withdrawn').notNull().default(false),
    /** The tournament round during which the team withdrew (Swiss stops pairing it after). */
    withdrawn_round: integer('withdrawn_round'),
    created_at: createdAt(),
  },
  (t) => [
    index('teams_tournament').on(t.tournament_id),
    uniqueIndex('teams_tournament_name').on(t.tournament_id, sql`lower(${t.name})`),
  ],
);

export const matches = pgTable(
  'matches',
  {
    tournament_id: integer('tournament_id')
      .notNull()
      .references(() => tournaments.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    round: integer('round').notNull(),
    bracket: text('bracket').notNull(),
    bracket_round: integer('bracket_round').notNull(),
    team1_id: text('team1_id'),
    team2_id: text('team2_id'),
    status: text('status').notNull(),
    winner: text('winner'),
    scores: jsonb('scores'),
    walkover: boolean('walkover').notNull().default(false),
    /** Elimination formats: where winner and loser go, which matches feed each slot. */
    links: jsonb('links'),
    /** Position in the tournament's match list (ordered by round). */
    ordinal: integer('ordinal').notNull(),
    updated_at: timestamp('updated_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tournament_id, t.id] }),
    index('matches_round').on(t.tournament_id, t.round),
  ],
);

export const subscriptions = pgTable(
  'subscriptions',
  {
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tournament_id: integer('tournament_id')
      .notNull()
      .references(() => tournaments.id, { onDelete: 'cascade' }),
    created_at: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.user_id, t.tournament_id] }),
    index('subscriptions_tournament').on(t.tournament_id),
  ],
);

export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: jsonb('data').notNull(),
    event_seq: bigint('event_seq', { mode: 'number' }),
    read_at: timestamp('read_at', { withTimezone: true, mode: 'date' }),
    created_at: createdAt(),
  },
  (t) => [index('notifications_user').on(t.user_id, t.id)],
);

export const chatMessages = pgTable(
  'chat_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tournament_id: integer('tournament_id')
      .notNull()
      .references(() => tournaments.id, { onDelete: 'cascade' }),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    created_at: createdAt(),
  },
  (t) => [index('chat_tournament').on(t.tournament_id, t.id)],
);

/**
 * Per-channel sequence. Taking the next number locks the channel's row until
 * commit, so a channel's events commit in the order of their ids: a reader that
 * has seen id n never finds an id below n appearing later.
 */
export const channels = pgTable('channels', {
  name: text('name').primaryKey(),
  last_seq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
});

/** Event log and outbox: written in the transaction of the change it reports. */
export const events = pgTable(
  'events',
  {
    channel: text('channel').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    data: jsonb('data').notNull(),
    created_at: createdAt(),
    published_at: timestamp('published_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.seq] }),
    index('events_unpublished').on(t.created_at).where(sql`${t.published_at} is null`),
  ],
);

/** Where each live tournament's server runs, and its lease (fencing epoch). */
export const tournamentServers = pgTable('tournament_servers', {
  tournament_id: integer('tournament_id')
    .primaryKey()
    .references(() => tournaments.id, { onDelete: 'cascade' }),
  runner: text('runner').notNull(),
  url: text('url'),
  port: integer('port'),
  pid: integer('pid'),
  status: text('status').notNull(),
  epoch: bigint('epoch', { mode: 'number' }).notNull().default(0),
  lease_holder: text('lease_holder'),
  lease_expires_at: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
  restarts: integer('restarts').notNull().default(0),
  started_at: timestamp('started_at', { withTimezone: true, mode: 'date' }),
  updated_at: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * Elections among orchestrators (SPEC §9): the row of a role names the one
 * holding it and until when; the epoch grows each time it changes hands.
 */
export const leaders = pgTable('leaders', {
  role: text('role').primaryKey(),
  holder: text('holder'),
  epoch: bigint('epoch', { mode: 'number' }).notNull().default(0),
  expires_at: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  updated_at: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
