import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_campaigns_kind" AS ENUM('alert', 'correction');
  ALTER TABLE "announcements" ADD COLUMN "notify_subscribers" boolean DEFAULT false;
  ALTER TABLE "_announcements_v" ADD COLUMN "version_notify_subscribers" boolean DEFAULT false;
  ALTER TABLE "reports" ADD COLUMN "notify_subscribers" boolean DEFAULT false;
  ALTER TABLE "_reports_v" ADD COLUMN "version_notify_subscribers" boolean DEFAULT false;
  ALTER TABLE "outbox_events" ADD COLUMN "notify" boolean DEFAULT false;
  ALTER TABLE "campaigns" ADD COLUMN "kind" "enum_campaigns_kind" DEFAULT 'alert' NOT NULL;
  ALTER TABLE "campaigns" ADD COLUMN "original_id" integer;
  ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_original_id_campaigns_id_fk" FOREIGN KEY ("original_id") REFERENCES "public"."campaigns"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "campaigns_original_idx" ON "campaigns" USING btree ("original_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "campaigns" DROP CONSTRAINT IF EXISTS "campaigns_original_id_campaigns_id_fk";
  
  DROP INDEX "campaigns_original_idx";
  ALTER TABLE "announcements" DROP COLUMN "notify_subscribers";
  ALTER TABLE "_announcements_v" DROP COLUMN "version_notify_subscribers";
  ALTER TABLE "reports" DROP COLUMN "notify_subscribers";
  ALTER TABLE "_reports_v" DROP COLUMN "version_notify_subscribers";
  ALTER TABLE "outbox_events" DROP COLUMN "notify";
  ALTER TABLE "campaigns" DROP COLUMN "kind";
  ALTER TABLE "campaigns" DROP COLUMN "original_id";
  DROP TYPE "public"."enum_campaigns_kind";`)
}
