import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_job_outbox_target" AS ENUM('launch', 'social-post');
  CREATE TABLE "job_outbox" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"target" "enum_job_outbox_target" NOT NULL,
  	"target_collection" varchar NOT NULL,
  	"target_id" varchar NOT NULL,
  	"dispatched_at" timestamp(3) with time zone,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "job_outbox_id" integer;
  CREATE INDEX "job_outbox_dispatched_at_idx" ON "job_outbox" USING btree ("dispatched_at");
  CREATE INDEX "job_outbox_updated_at_idx" ON "job_outbox" USING btree ("updated_at");
  CREATE INDEX "job_outbox_created_at_idx" ON "job_outbox" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_job_outbox_fk" FOREIGN KEY ("job_outbox_id") REFERENCES "public"."job_outbox"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_job_outbox_id_idx" ON "payload_locked_documents_rels" USING btree ("job_outbox_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "job_outbox" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "job_outbox" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_job_outbox_fk";
  
  DROP INDEX "payload_locked_documents_rels_job_outbox_id_idx";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "job_outbox_id";
  DROP TYPE "public"."enum_job_outbox_target";`)
}
