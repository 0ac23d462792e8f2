CREATE TABLE "leaders" (
	"role" text PRIMARY KEY NOT NULL,
	"holder" text,
	"epoch" bigint DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "matches" ADD COLUMN "links" jsonb;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "withdrawn_round" integer;--> statement-breakpoint
-- Matches were kept twice: as rows and inside tournaments.play. The rows become
-- the only copy; their bracket links come over from the document first.
UPDATE "matches" AS m SET "links" = jsonb_strip_nulls(jsonb_build_object(
	'winner_to', j.value->'winner_to', 'loser_to', j.value->'loser_to',
	'team1_from', j.value->'team1_from', 'team2_from', j.value->'team2_from'))
FROM "tournaments" AS t, jsonb_array_elements(t."play"->'matches') AS j(value)
WHERE m."tournament_id" = t."id" AND m."id" = j.value->>'id' AND t."play" ? 'matches';--> statement-breakpoint
UPDATE "matches" SET "links" = NULL WHERE "links" = '{}'::jsonb;--> statement-breakpoint
UPDATE "tournaments" SET "play" = "play" - 'matches' WHERE "play" ? 'matches';
