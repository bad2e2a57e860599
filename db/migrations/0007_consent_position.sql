ALTER TABLE "consent_events" ADD COLUMN "applied" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "from_inbox_seq" bigint;--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "from_at" timestamp with time zone;