import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TABLE "feeds" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"scope" varchar NOT NULL,
  	"title" varchar NOT NULL,
  	"path" varchar,
  	"etag" varchar,
  	"last_modified" timestamp(3) with time zone,
  	"item_count" numeric DEFAULT 0,
  	"generation" numeric DEFAULT 0,
  	"changed_by_event" varchar,
  	"entry_keys" varchar,
  	"build_token" numeric DEFAULT 0,
  	"built_token" numeric DEFAULT 0,
  	"rss" varchar,
  	"atom" varchar,
  	"json" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "announcements" ADD COLUMN "feed_guid" varchar;
  ALTER TABLE "_announcements_v" ADD COLUMN "version_feed_guid" varchar;
  ALTER TABLE "reports" ADD COLUMN "feed_guid" varchar;
  ALTER TABLE "_reports_v" ADD COLUMN "version_feed_guid" varchar;
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "feeds_id" integer;
  CREATE UNIQUE INDEX "feeds_scope_idx" ON "feeds" USING btree ("scope");
  CREATE INDEX "feeds_updated_at_idx" ON "feeds" USING btree ("updated_at");
  CREATE INDEX "feeds_created_at_idx" ON "feeds" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_feeds_fk" FOREIGN KEY ("feeds_id") REFERENCES "public"."feeds"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "announcements_feed_guid_idx" ON "announcements" USING btree ("feed_guid");
  CREATE INDEX "_announcements_v_version_version_feed_guid_idx" ON "_announcements_v" USING btree ("version_feed_guid");
  CREATE INDEX "reports_feed_guid_idx" ON "reports" USING btree ("feed_guid");
  CREATE INDEX "_reports_v_version_version_feed_guid_idx" ON "_reports_v" USING btree ("version_feed_guid");
  CREATE INDEX "payload_locked_documents_rels_feeds_id_idx" ON "payload_locked_documents_rels" USING btree ("feeds_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "feeds" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "feeds" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT IF EXISTS "payload_locked_documents_rels_feeds_fk";
  
  DROP INDEX "announcements_feed_guid_idx";
  DROP INDEX "_announcements_v_version_version_feed_guid_idx";
  DROP INDEX "reports_feed_guid_idx";
  DROP INDEX "_reports_v_version_version_feed_guid_idx";
  DROP INDEX "payload_locked_documents_rels_feeds_id_idx";
  ALTER TABLE "announcements" DROP COLUMN "feed_guid";
  ALTER TABLE "_announcements_v" DROP COLUMN "version_feed_guid";
  ALTER TABLE "reports" DROP COLUMN "feed_guid";
  ALTER TABLE "_reports_v" DROP COLUMN "version_feed_guid";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "feeds_id";`)
}
