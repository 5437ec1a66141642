import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TABLE "subscriber_imports" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"consent_source" varchar NOT NULL,
  	"wording_version" varchar,
  	"send_confirmation" boolean DEFAULT false,
  	"imported_by_id" integer,
  	"report_summary" varchar,
  	"report_rows_read" numeric,
  	"report_added" numeric,
  	"report_already_subscribed" numeric,
  	"report_rejected" numeric,
  	"report_ignored_columns" varchar,
  	"report_rejected_rows" jsonb,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"url" varchar,
  	"thumbnail_u_r_l" varchar,
  	"filename" varchar,
  	"mime_type" varchar,
  	"filesize" numeric,
  	"width" numeric,
  	"height" numeric,
  	"focal_x" numeric,
  	"focal_y" numeric
  );
  
  CREATE TABLE "subscriber_imports_rels" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"order" integer,
  	"parent_id" integer NOT NULL,
  	"path" varchar NOT NULL,
  	"topics_id" integer
  );
  
  ALTER TABLE "subscribers" ADD COLUMN "consent_import_id" integer;
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "subscriber_imports_id" integer;
  ALTER TABLE "subscriber_imports" ADD CONSTRAINT "subscriber_imports_imported_by_id_users_id_fk" FOREIGN KEY ("imported_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "subscriber_imports_rels" ADD CONSTRAINT "subscriber_imports_rels_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."subscriber_imports"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "subscriber_imports_rels" ADD CONSTRAINT "subscriber_imports_rels_topics_fk" FOREIGN KEY ("topics_id") REFERENCES "public"."topics"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "subscriber_imports_imported_by_idx" ON "subscriber_imports" USING btree ("imported_by_id");
  CREATE INDEX "subscriber_imports_updated_at_idx" ON "subscriber_imports" USING btree ("updated_at");
  CREATE INDEX "subscriber_imports_created_at_idx" ON "subscriber_imports" USING btree ("created_at");
  CREATE UNIQUE INDEX "subscriber_imports_filename_idx" ON "subscriber_imports" USING btree ("filename");
  CREATE INDEX "subscriber_imports_rels_order_idx" ON "subscriber_imports_rels" USING btree ("order");
  CREATE INDEX "subscriber_imports_rels_parent_idx" ON "subscriber_imports_rels" USING btree ("parent_id");
  CREATE INDEX "subscriber_imports_rels_path_idx" ON "subscriber_imports_rels" USING btree ("path");
  CREATE INDEX "subscriber_imports_rels_topics_id_idx" ON "subscriber_imports_rels" USING btree ("topics_id");
  ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_consent_import_id_subscriber_imports_id_fk" FOREIGN KEY ("consent_import_id") REFERENCES "public"."subscriber_imports"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_subscriber_imports_fk" FOREIGN KEY ("subscriber_imports_id") REFERENCES "public"."subscriber_imports"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "subscribers_consent_consent_import_idx" ON "subscribers" USING btree ("consent_import_id");
  CREATE INDEX "payload_locked_documents_rels_subscriber_imports_id_idx" ON "payload_locked_documents_rels" USING btree ("subscriber_imports_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "subscriber_imports" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "subscriber_imports_rels" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "subscriber_imports" CASCADE;
  DROP TABLE "subscriber_imports_rels" CASCADE;
  ALTER TABLE "subscribers" DROP CONSTRAINT IF EXISTS "subscribers_consent_import_id_subscriber_imports_id_fk";
  
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT IF EXISTS "payload_locked_documents_rels_subscriber_imports_fk";
  
  DROP INDEX "subscribers_consent_consent_import_idx";
  DROP INDEX "payload_locked_documents_rels_subscriber_imports_id_idx";
  ALTER TABLE "subscribers" DROP COLUMN "consent_import_id";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "subscriber_imports_id";`)
}
