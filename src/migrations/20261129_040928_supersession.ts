import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_announcements_supersession" AS ENUM('update', 'cancel');
  CREATE TYPE "public"."enum__announcements_v_version_supersession" AS ENUM('update', 'cancel');
  ALTER TABLE "announcements" ADD COLUMN "supersedes_id" integer;
  ALTER TABLE "announcements" ADD COLUMN "supersession" "enum_announcements_supersession" DEFAULT 'update';
  ALTER TABLE "_announcements_v" ADD COLUMN "version_supersedes_id" integer;
  ALTER TABLE "_announcements_v" ADD COLUMN "version_supersession" "enum__announcements_v_version_supersession" DEFAULT 'update';
  ALTER TABLE "announcements" ADD CONSTRAINT "announcements_supersedes_id_announcements_id_fk" FOREIGN KEY ("supersedes_id") REFERENCES "public"."announcements"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "_announcements_v" ADD CONSTRAINT "_announcements_v_version_supersedes_id_announcements_id_fk" FOREIGN KEY ("version_supersedes_id") REFERENCES "public"."announcements"("id") ON DELETE set null ON UPDATE no action;
  CREATE INDEX "announcements_supersedes_idx" ON "announcements" USING btree ("supersedes_id");
  CREATE INDEX "_announcements_v_version_version_supersedes_idx" ON "_announcements_v" USING btree ("version_supersedes_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "announcements" DROP CONSTRAINT IF EXISTS "announcements_supersedes_id_announcements_id_fk";
  
  ALTER TABLE "_announcements_v" DROP CONSTRAINT IF EXISTS "_announcements_v_version_supersedes_id_announcements_id_fk";
  
  DROP INDEX "announcements_supersedes_idx";
  DROP INDEX "_announcements_v_version_version_supersedes_idx";
  ALTER TABLE "announcements" DROP COLUMN "supersedes_id";
  ALTER TABLE "announcements" DROP COLUMN "supersession";
  ALTER TABLE "_announcements_v" DROP COLUMN "version_supersedes_id";
  ALTER TABLE "_announcements_v" DROP COLUMN "version_supersession";
  DROP TYPE "public"."enum_announcements_supersession";
  DROP TYPE "public"."enum__announcements_v_version_supersession";`)
}
