import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_outbox_events_kind" AS ENUM('publish', 'update', 'retract', 'expire');
  CREATE TYPE "public"."enum_outbox_events_collection" AS ENUM('announcements', 'reports');
  CREATE TYPE "public"."enum_outbox_events_urgency" AS ENUM('urgent', 'standard');
  CREATE TYPE "public"."enum_deliveries_collection" AS ENUM('announcements', 'reports');
  CREATE TYPE "public"."enum_deliveries_state" AS ENUM('pending', 'sending', 'sent', 'failed', 'in_doubt');
  CREATE TYPE "public"."enum_deliveries_urgency" AS ENUM('urgent', 'standard');
  CREATE TABLE "outbox_events" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"kind" "enum_outbox_events_kind" NOT NULL,
  	"collection" "enum_outbox_events_collection" NOT NULL,
  	"item_id" varchar NOT NULL,
  	"version_id" varchar NOT NULL,
  	"urgency" "enum_outbox_events_urgency" NOT NULL,
  	"title" varchar,
  	"dedupe_key" varchar NOT NULL,
  	"dispatched_at" timestamp(3) with time zone,
  	"generation" numeric DEFAULT 0 NOT NULL,
  	"completed_at" timestamp(3) with time zone,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "deliveries" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"event_id" integer NOT NULL,
  	"collection" "enum_deliveries_collection" NOT NULL,
  	"item_id" varchar NOT NULL,
  	"channel" varchar NOT NULL,
  	"unit_key" varchar NOT NULL,
  	"state" "enum_deliveries_state" DEFAULT 'pending' NOT NULL,
  	"urgency" "enum_deliveries_urgency" NOT NULL,
  	"size" numeric DEFAULT 1,
  	"attempts" numeric DEFAULT 0 NOT NULL,
  	"last_error" varchar,
  	"detail" varchar,
  	"sending_at" timestamp(3) with time zone,
  	"sent_at" timestamp(3) with time zone,
  	"resolved_by_id" integer,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "outbox_events_id" integer;
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "deliveries_id" integer;
  ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_event_id_outbox_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."outbox_events"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "outbox_events_item_id_idx" ON "outbox_events" USING btree ("item_id");
  CREATE UNIQUE INDEX "outbox_events_dedupe_key_idx" ON "outbox_events" USING btree ("dedupe_key");
  CREATE INDEX "outbox_events_dispatched_at_idx" ON "outbox_events" USING btree ("dispatched_at");
  CREATE INDEX "outbox_events_updated_at_idx" ON "outbox_events" USING btree ("updated_at");
  CREATE INDEX "outbox_events_created_at_idx" ON "outbox_events" USING btree ("created_at");
  CREATE INDEX "deliveries_event_idx" ON "deliveries" USING btree ("event_id");
  CREATE INDEX "deliveries_item_id_idx" ON "deliveries" USING btree ("item_id");
  CREATE INDEX "deliveries_channel_idx" ON "deliveries" USING btree ("channel");
  CREATE UNIQUE INDEX "deliveries_unit_key_idx" ON "deliveries" USING btree ("unit_key");
  CREATE INDEX "deliveries_state_idx" ON "deliveries" USING btree ("state");
  CREATE INDEX "deliveries_sent_at_idx" ON "deliveries" USING btree ("sent_at");
  CREATE INDEX "deliveries_resolved_by_idx" ON "deliveries" USING btree ("resolved_by_id");
  CREATE INDEX "deliveries_updated_at_idx" ON "deliveries" USING btree ("updated_at");
  CREATE INDEX "deliveries_created_at_idx" ON "deliveries" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_outbox_events_fk" FOREIGN KEY ("outbox_events_id") REFERENCES "public"."outbox_events"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_deliveries_fk" FOREIGN KEY ("deliveries_id") REFERENCES "public"."deliveries"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_outbox_events_id_idx" ON "payload_locked_documents_rels" USING btree ("outbox_events_id");
  CREATE INDEX "payload_locked_documents_rels_deliveries_id_idx" ON "payload_locked_documents_rels" USING btree ("deliveries_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "outbox_events" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "deliveries" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "outbox_events" CASCADE;
  DROP TABLE "deliveries" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_outbox_events_fk";
  
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_deliveries_fk";
  
  DROP INDEX "payload_locked_documents_rels_outbox_events_id_idx";
  DROP INDEX "payload_locked_documents_rels_deliveries_id_idx";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "outbox_events_id";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "deliveries_id";
  DROP TYPE "public"."enum_outbox_events_kind";
  DROP TYPE "public"."enum_outbox_events_collection";
  DROP TYPE "public"."enum_outbox_events_urgency";
  DROP TYPE "public"."enum_deliveries_collection";
  DROP TYPE "public"."enum_deliveries_state";
  DROP TYPE "public"."enum_deliveries_urgency";`)
}
