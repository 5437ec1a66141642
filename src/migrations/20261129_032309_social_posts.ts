import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_social_posts_state" AS ENUM('scheduled', 'posting', 'posted', 'failed', 'cancelled', 'deleted');
  CREATE TYPE "public"."enum_social_posts_network" AS ENUM('mastodon', 'bluesky', 'webhook');
  CREATE TYPE "public"."enum_social_posts_kind" AS ENUM('statement', 'correction');
  CREATE TYPE "public"."enum_social_posts_collection" AS ENUM('announcements', 'reports');
  CREATE TYPE "public"."enum_social_posts_urgency" AS ENUM('urgent', 'standard');
  ALTER TYPE "public"."enum_deliveries_state" ADD VALUE 'cancelled';
  CREATE TABLE "social_posts" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"text" varchar NOT NULL,
  	"scheduled_at" timestamp(3) with time zone NOT NULL,
  	"state" "enum_social_posts_state" DEFAULT 'scheduled' NOT NULL,
  	"last_error" varchar,
  	"remote_url" varchar,
  	"account_id" integer,
  	"network" "enum_social_posts_network" NOT NULL,
  	"kind" "enum_social_posts_kind" DEFAULT 'statement' NOT NULL,
  	"reply_to_id" integer,
  	"collection" "enum_social_posts_collection" NOT NULL,
  	"item_id" varchar NOT NULL,
  	"urgency" "enum_social_posts_urgency" NOT NULL,
  	"event_id" integer NOT NULL,
  	"delivery_id" integer NOT NULL,
  	"unit_key" varchar NOT NULL,
  	"link" varchar NOT NULL,
  	"card_title" varchar,
  	"card_description" varchar,
  	"record_key" varchar,
  	"text_edited" boolean DEFAULT false,
  	"remote_id" varchar,
  	"posted_at" timestamp(3) with time zone,
  	"deleted_at" timestamp(3) with time zone,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "social_posts_id" integer;
  ALTER TABLE "social_posts" ADD CONSTRAINT "social_posts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "social_posts" ADD CONSTRAINT "social_posts_reply_to_id_social_posts_id_fk" FOREIGN KEY ("reply_to_id") REFERENCES "public"."social_posts"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "social_posts" ADD CONSTRAINT "social_posts_event_id_outbox_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."outbox_events"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "social_posts" ADD CONSTRAINT "social_posts_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "social_posts_scheduled_at_idx" ON "social_posts" USING btree ("scheduled_at");
  CREATE INDEX "social_posts_state_idx" ON "social_posts" USING btree ("state");
  CREATE INDEX "social_posts_account_idx" ON "social_posts" USING btree ("account_id");
  CREATE INDEX "social_posts_reply_to_idx" ON "social_posts" USING btree ("reply_to_id");
  CREATE INDEX "social_posts_item_id_idx" ON "social_posts" USING btree ("item_id");
  CREATE INDEX "social_posts_event_idx" ON "social_posts" USING btree ("event_id");
  CREATE INDEX "social_posts_delivery_idx" ON "social_posts" USING btree ("delivery_id");
  CREATE UNIQUE INDEX "social_posts_unit_key_idx" ON "social_posts" USING btree ("unit_key");
  CREATE INDEX "social_posts_updated_at_idx" ON "social_posts" USING btree ("updated_at");
  CREATE INDEX "social_posts_created_at_idx" ON "social_posts" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_social_posts_fk" FOREIGN KEY ("social_posts_id") REFERENCES "public"."social_posts"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_social_posts_id_idx" ON "payload_locked_documents_rels" USING btree ("social_posts_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "social_posts" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "social_posts" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT IF EXISTS "payload_locked_documents_rels_social_posts_fk";
  
  ALTER TABLE "deliveries" ALTER COLUMN "state" SET DATA TYPE text;
  ALTER TABLE "deliveries" ALTER COLUMN "state" SET DEFAULT 'pending'::text;
  DROP TYPE "public"."enum_deliveries_state";
  CREATE TYPE "public"."enum_deliveries_state" AS ENUM('pending', 'sending', 'sent', 'failed', 'in_doubt');
  ALTER TABLE "deliveries" ALTER COLUMN "state" SET DEFAULT 'pending'::"public"."enum_deliveries_state";
  ALTER TABLE "deliveries" ALTER COLUMN "state" SET DATA TYPE "public"."enum_deliveries_state" USING "state"::"public"."enum_deliveries_state";
  DROP INDEX "payload_locked_documents_rels_social_posts_id_idx";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "social_posts_id";
  DROP TYPE "public"."enum_social_posts_state";
  DROP TYPE "public"."enum_social_posts_network";
  DROP TYPE "public"."enum_social_posts_kind";
  DROP TYPE "public"."enum_social_posts_collection";
  DROP TYPE "public"."enum_social_posts_urgency";`)
}
