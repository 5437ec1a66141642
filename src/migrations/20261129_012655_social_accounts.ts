import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_accounts_urgencies" AS ENUM('urgent', 'standard');
  CREATE TYPE "public"."enum_accounts_schedule_slots_weekday" AS ENUM('1', '2', '3', '4', '5', '6', '7');
  CREATE TYPE "public"."enum_accounts_network" AS ENUM('mastodon', 'bluesky', 'webhook');
  CREATE TABLE "accounts_urgencies" (
  	"order" integer NOT NULL,
  	"parent_id" integer NOT NULL,
  	"value" "enum_accounts_urgencies",
  	"id" serial PRIMARY KEY NOT NULL
  );
  
  CREATE TABLE "accounts_schedule_slots" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"weekday" "enum_accounts_schedule_slots_weekday" NOT NULL,
  	"time" varchar NOT NULL
  );
  
  CREATE TABLE "accounts" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"network" "enum_accounts_network" NOT NULL,
  	"display_name" varchar NOT NULL,
  	"base_url" varchar NOT NULL,
  	"identifier" varchar,
  	"secret" varchar,
  	"enabled" boolean DEFAULT true,
  	"schedule_time_zone" varchar DEFAULT 'Europe/London' NOT NULL,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "accounts_rels" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"order" integer,
  	"parent_id" integer NOT NULL,
  	"path" varchar NOT NULL,
  	"topics_id" integer
  );
  
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "accounts_id" integer;
  ALTER TABLE "accounts_urgencies" ADD CONSTRAINT "accounts_urgencies_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "accounts_schedule_slots" ADD CONSTRAINT "accounts_schedule_slots_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "accounts_rels" ADD CONSTRAINT "accounts_rels_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "accounts_rels" ADD CONSTRAINT "accounts_rels_topics_fk" FOREIGN KEY ("topics_id") REFERENCES "public"."topics"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "accounts_urgencies_order_idx" ON "accounts_urgencies" USING btree ("order");
  CREATE INDEX "accounts_urgencies_parent_idx" ON "accounts_urgencies" USING btree ("parent_id");
  CREATE INDEX "accounts_schedule_slots_order_idx" ON "accounts_schedule_slots" USING btree ("_order");
  CREATE INDEX "accounts_schedule_slots_parent_id_idx" ON "accounts_schedule_slots" USING btree ("_parent_id");
  CREATE INDEX "accounts_updated_at_idx" ON "accounts" USING btree ("updated_at");
  CREATE INDEX "accounts_created_at_idx" ON "accounts" USING btree ("created_at");
  CREATE INDEX "accounts_rels_order_idx" ON "accounts_rels" USING btree ("order");
  CREATE INDEX "accounts_rels_parent_idx" ON "accounts_rels" USING btree ("parent_id");
  CREATE INDEX "accounts_rels_path_idx" ON "accounts_rels" USING btree ("path");
  CREATE INDEX "accounts_rels_topics_id_idx" ON "accounts_rels" USING btree ("topics_id");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_accounts_fk" FOREIGN KEY ("accounts_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_accounts_id_idx" ON "payload_locked_documents_rels" USING btree ("accounts_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "accounts_urgencies" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "accounts_schedule_slots" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "accounts" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "accounts_rels" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "accounts_urgencies" CASCADE;
  DROP TABLE "accounts_schedule_slots" CASCADE;
  DROP TABLE "accounts" CASCADE;
  DROP TABLE "accounts_rels" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT IF EXISTS "payload_locked_documents_rels_accounts_fk";
  
  DROP INDEX "payload_locked_documents_rels_accounts_id_idx";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "accounts_id";
  DROP TYPE "public"."enum_accounts_urgencies";
  DROP TYPE "public"."enum_accounts_schedule_slots_weekday";
  DROP TYPE "public"."enum_accounts_network";`)
}
