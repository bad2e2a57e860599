ALTER TABLE "consent_events" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_idempotencyKey_unique" UNIQUE("idempotency_key");