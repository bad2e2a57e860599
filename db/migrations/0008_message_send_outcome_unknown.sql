ALTER TABLE "messages" ADD COLUMN "send_outcome_unknown" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Sends started by older code recorded only the attempt count: a queued message with attempts may have reached TeleSign.
UPDATE "messages" SET "send_outcome_unknown" = true WHERE "status" = 'queued' AND "attempts" > 0;
