CREATE TYPE "public"."out_of_hours_action" AS ENUM('wait', 'close');--> statement-breakpoint
CREATE TYPE "public"."preferred_agent_fallback" AS ENUM('queue', 'wait');--> statement-breakpoint
CREATE TABLE "calendars" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"weekly" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"holidays" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"closures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendars_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "preferred_agents" (
	"customer_number" text NOT NULL,
	"workstream_id" uuid NOT NULL,
	"rank" integer NOT NULL,
	"agent_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "preferred_agents_customer_number_workstream_id_rank_pk" PRIMARY KEY("customer_number","workstream_id","rank")
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "held_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "overflowed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "calendar_id" uuid;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "overflow" jsonb;--> statement-breakpoint
ALTER TABLE "workstreams" ADD COLUMN "calendar_id" uuid;--> statement-breakpoint
ALTER TABLE "workstreams" ADD COLUMN "out_of_hours_action" "out_of_hours_action" DEFAULT 'wait' NOT NULL;--> statement-breakpoint
ALTER TABLE "workstreams" ADD COLUMN "preferred_agent_fallback" "preferred_agent_fallback" DEFAULT 'queue' NOT NULL;--> statement-breakpoint
ALTER TABLE "preferred_agents" ADD CONSTRAINT "preferred_agents_workstream_id_workstreams_id_fk" FOREIGN KEY ("workstream_id") REFERENCES "public"."workstreams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "preferred_agents" ADD CONSTRAINT "preferred_agents_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workstreams" ADD CONSTRAINT "workstreams_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE no action ON UPDATE no action;