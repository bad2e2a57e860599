CREATE TABLE "csat_surveys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"conversation_id" uuid NOT NULL,
	"channel_id" uuid,
	"queue_id" uuid,
	"agent_id" uuid,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"rating" integer,
	"answer" text,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sla_measurements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"conversation_id" uuid NOT NULL,
	"queue_id" uuid,
	"agent_id" uuid,
	"kind" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone NOT NULL,
	"seconds" real NOT NULL,
	"target_seconds" integer,
	"breached" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_policies" (
	"queue_id" uuid PRIMARY KEY NOT NULL,
	"first_response_seconds" integer,
	"next_response_seconds" integer,
	"resolution_seconds" integer,
	"warning_percent" integer DEFAULT 80 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "sla_first_response_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "sla_first_response_warned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "sla_first_response_breached_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "sla_next_response_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "sla_next_response_warned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "sla_next_response_breached_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "sla_resolution_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "sla_resolution_warned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "sla_resolution_breached_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sms_channels" ADD COLUMN "csat_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sms_channels" ADD COLUMN "csat_window_minutes" integer DEFAULT 1440 NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "csat_surveys_conversation_idx" ON "csat_surveys" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "csat_surveys_queue_idx" ON "csat_surveys" USING btree ("queue_id","answered_at");--> statement-breakpoint
CREATE INDEX "csat_surveys_agent_idx" ON "csat_surveys" USING btree ("agent_id","answered_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sla_measurements_key_uq" ON "sla_measurements" USING btree ("conversation_id","kind","started_at");--> statement-breakpoint
CREATE INDEX "sla_measurements_queue_idx" ON "sla_measurements" USING btree ("queue_id","ended_at");--> statement-breakpoint
CREATE INDEX "sla_measurements_agent_idx" ON "sla_measurements" USING btree ("agent_id","ended_at");