import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "announcements" ADD COLUMN "publish_at" timestamp(3) with time zone;
  ALTER TABLE "_announcements_v" ADD COLUMN "version_publish_at" timestamp(3) with time zone;
  ALTER TABLE "reports" ADD COLUMN "publish_at" timestamp(3) with time zone;
  ALTER TABLE "_reports_v" ADD COLUMN "version_publish_at" timestamp(3) with time zone;
  CREATE INDEX "announcements_publish_at_idx" ON "announcements" USING btree ("publish_at");
  CREATE INDEX "_announcements_v_version_version_publish_at_idx" ON "_announcements_v" USING btree ("version_publish_at");
  CREATE INDEX "reports_publish_at_idx" ON "reports" USING btree ("publish_at");
  CREATE INDEX "_reports_v_version_version_publish_at_idx" ON "_reports_v" USING btree ("version_publish_at");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   DROP INDEX "announcements_publish_at_idx";
  DROP INDEX "_announcements_v_version_version_publish_at_idx";
  DROP INDEX "reports_publish_at_idx";
  DROP INDEX "_reports_v_version_version_publish_at_idx";
  ALTER TABLE "announcements" DROP COLUMN "publish_at";
  ALTER TABLE "_announcements_v" DROP COLUMN "version_publish_at";
  ALTER TABLE "reports" DROP COLUMN "publish_at";
  ALTER TABLE "_reports_v" DROP COLUMN "version_publish_at";`)
}
