import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_email_events_type" AS ENUM('processed', 'deferred', 'delivered', 'open', 'click', 'bounce', 'dropped', 'spamreport', 'unsubscribe', 'group_unsubscribe');
  CREATE TABLE "email_events" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"sg_event_id" varchar NOT NULL,
  	"type" "enum_email_events_type" NOT NULL,
  	"campaign_id" integer,
  	"subscriber_id" integer,
  	"at" timestamp(3) with time zone NOT NULL,
  	"reason" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "email_events_id" integer;
  ALTER TABLE "email_events" ADD CONSTRAINT "email_events_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "email_events" ADD CONSTRAINT "email_events_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;
  CREATE UNIQUE INDEX "email_events_sg_event_id_idx" ON "email_events" USING btree ("sg_event_id");
  CREATE INDEX "email_events_type_idx" ON "email_events" USING btree ("type");
  CREATE INDEX "email_events_campaign_idx" ON "email_events" USING btree ("campaign_id");
  CREATE INDEX "email_events_subscriber_idx" ON "email_events" USING btree ("subscriber_id");
  CREATE INDEX "email_events_at_idx" ON "email_events" USING btree ("at");
  CREATE INDEX "email_events_updated_at_idx" ON "email_events" USING btree ("updated_at");
  CREATE INDEX "email_events_created_at_idx" ON "email_events" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_email_events_fk" FOREIGN KEY ("email_events_id") REFERENCES "public"."email_events"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_email_events_id_idx" ON "payload_locked_documents_rels" USING btree ("email_events_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "email_events" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "email_events" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT IF EXISTS "payload_locked_documents_rels_email_events_fk";
  
  DROP INDEX "payload_locked_documents_rels_email_events_id_idx";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "email_events_id";
  DROP TYPE "public"."enum_email_events_type";`)
}
