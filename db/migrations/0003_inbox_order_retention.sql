CREATE TABLE "inbox_lanes" (
	"conversation_key" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"leased_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inbox" ALTER COLUMN "raw_body" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "inbox" ALTER COLUMN "payload" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "inbox" ADD COLUMN "seq" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "inbox_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "inbox" ADD COLUMN "conversation_key" text;--> statement-breakpoint
ALTER TABLE "inbox" ADD COLUMN "swept_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_seq_uq" ON "inbox" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "inbox_conversation_pending_idx" ON "inbox" USING btree ("conversation_key","seq") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "inbox_delivered_mo_idx" ON "inbox" USING btree ("delivered_at") WHERE kind = 'mo_sms' and status = 'delivered';--> statement-breakpoint
CREATE INDEX "inbox_received_idx" ON "inbox" USING btree ("received_at");