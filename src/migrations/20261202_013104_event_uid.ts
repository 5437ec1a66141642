import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

/**
 * Every outbox event gets a uid, and the ledger's unit keys (also the social networks' idempotency
 * keys) move from the event's row id to it, so a redelivery of an event written before this finds its
 * units under the keys it plans now.
 */
export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "outbox_events" ADD COLUMN "uid" varchar;
  UPDATE "outbox_events" SET "uid" = gen_random_uuid()::text;
  ALTER TABLE "outbox_events" ALTER COLUMN "uid" SET NOT NULL;
  CREATE UNIQUE INDEX "outbox_events_uid_idx" ON "outbox_events" USING btree ("uid");
  UPDATE "deliveries" d SET "unit_key" = e."uid" || substr(d."unit_key", length(e."id"::text) + 1)
    FROM "outbox_events" e WHERE e."id" = d."event_id" AND d."unit_key" LIKE e."id"::text || '-%';
  UPDATE "social_posts" p SET "unit_key" = e."uid" || substr(p."unit_key", length(e."id"::text) + 1)
    FROM "outbox_events" e WHERE e."id" = p."event_id" AND p."unit_key" LIKE e."id"::text || '-%';`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   UPDATE "deliveries" d SET "unit_key" = e."id"::text || substr(d."unit_key", length(e."uid") + 1)
    FROM "outbox_events" e WHERE e."id" = d."event_id" AND d."unit_key" LIKE e."uid" || '-%';
  UPDATE "social_posts" p SET "unit_key" = e."id"::text || substr(p."unit_key", length(e."uid") + 1)
    FROM "outbox_events" e WHERE e."id" = p."event_id" AND p."unit_key" LIKE e."uid" || '-%';
  DROP INDEX "outbox_events_uid_idx";
  ALTER TABLE "outbox_events" DROP COLUMN "uid";`)
}
