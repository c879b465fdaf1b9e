import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TABLE "payload_logins_sessions" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"created_at" timestamp(3) with time zone,
  	"expires_at" timestamp(3) with time zone NOT NULL
  );
  
  CREATE TABLE "payload_logins" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"email" varchar NOT NULL,
  	"reset_password_token" varchar,
  	"reset_password_expiration" timestamp(3) with time zone,
  	"salt" varchar,
  	"hash" varchar,
  	"reset_password_requested_at" timestamp(3) with time zone,
  	"login_attempts" numeric DEFAULT 0,
  	"lock_until" timestamp(3) with time zone
  );
  
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "payload_logins_id" integer;
  ALTER TABLE "payload_preferences_rels" ADD COLUMN "payload_logins_id" integer;
  ALTER TABLE "payload_logins_sessions" ADD CONSTRAINT "payload_logins_sessions_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."payload_logins"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_logins_sessions_order_idx" ON "payload_logins_sessions" USING btree ("_order");
  CREATE INDEX "payload_logins_sessions_parent_id_idx" ON "payload_logins_sessions" USING btree ("_parent_id");
  CREATE INDEX "payload_logins_updated_at_idx" ON "payload_logins" USING btree ("updated_at");
  CREATE INDEX "payload_logins_created_at_idx" ON "payload_logins" USING btree ("created_at");
  CREATE UNIQUE INDEX "payload_logins_email_idx" ON "payload_logins" USING btree ("email");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_payload_logins_fk" FOREIGN KEY ("payload_logins_id") REFERENCES "public"."payload_logins"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_preferences_rels" ADD CONSTRAINT "payload_preferences_rels_payload_logins_fk" FOREIGN KEY ("payload_logins_id") REFERENCES "public"."payload_logins"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_payload_logins_id_idx" ON "payload_locked_documents_rels" USING btree ("payload_logins_id");
  CREATE INDEX "payload_preferences_rels_payload_logins_id_idx" ON "payload_preferences_rels" USING btree ("payload_logins_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "payload_logins_sessions" DISABLE ROW LEVEL SECURITY;
  ALTER TABLE "payload_logins" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "payload_logins_sessions" CASCADE;
  DROP TABLE "payload_logins" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_payload_logins_fk";
  
  ALTER TABLE "payload_preferences_rels" DROP CONSTRAINT "payload_preferences_rels_payload_logins_fk";
  
  DROP INDEX "payload_locked_documents_rels_payload_logins_id_idx";
  DROP INDEX "payload_preferences_rels_payload_logins_id_idx";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "payload_logins_id";
  ALTER TABLE "payload_preferences_rels" DROP COLUMN "payload_logins_id";`)
}
