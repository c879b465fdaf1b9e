import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`users_sessions\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`created_at\` text,
  	\`expires_at\` text NOT NULL,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`users_sessions_order_idx\` ON \`users_sessions\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`users_sessions_parent_id_idx\` ON \`users_sessions\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`users\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`name\` text,
  	\`role\` text DEFAULT 'user',
  	\`ba_user_id\` text,
  	\`email_password_account_id\` integer,
  	\`magic_link_account_id\` integer,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`email\` text NOT NULL,
  	\`reset_password_token\` text,
  	\`reset_password_expiration\` text,
  	\`salt\` text,
  	\`hash\` text,
  	\`reset_password_requested_at\` text,
  	\`login_attempts\` numeric DEFAULT 0,
  	\`lock_until\` text,
  	FOREIGN KEY (\`email_password_account_id\`) REFERENCES \`better_auth_email_password\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`magic_link_account_id\`) REFERENCES \`better_auth_magic_link\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`users_ba_user_id_idx\` ON \`users\` (\`ba_user_id\`);`)
  await db.run(sql`CREATE INDEX \`users_email_password_account_idx\` ON \`users\` (\`email_password_account_id\`);`)
  await db.run(sql`CREATE INDEX \`users_magic_link_account_idx\` ON \`users\` (\`magic_link_account_id\`);`)
  await db.run(sql`CREATE INDEX \`users_updated_at_idx\` ON \`users\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`users_created_at_idx\` ON \`users\` (\`created_at\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`users_email_idx\` ON \`users\` (\`email\`);`)
  await db.run(sql`CREATE TABLE \`users_rels\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer,
  	\`parent_id\` integer NOT NULL,
  	\`path\` text NOT NULL,
  	\`better_auth_social_id\` integer,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`better_auth_social_id\`) REFERENCES \`better_auth_social\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`users_rels_order_idx\` ON \`users_rels\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`users_rels_parent_idx\` ON \`users_rels\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`users_rels_path_idx\` ON \`users_rels\` (\`path\`);`)
  await db.run(sql`CREATE INDEX \`users_rels_better_auth_social_id_idx\` ON \`users_rels\` (\`better_auth_social_id\`);`)
  await db.run(sql`CREATE TABLE \`posts\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`title\` text NOT NULL,
  	\`body\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`posts_updated_at_idx\` ON \`posts\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`posts_created_at_idx\` ON \`posts\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`better_auth_email_password\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`ba_account_id\` text NOT NULL,
  	\`ba_user_id\` text NOT NULL,
  	\`email\` text,
  	\`email_verified\` integer DEFAULT false,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`better_auth_email_password_ba_account_id_idx\` ON \`better_auth_email_password\` (\`ba_account_id\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_email_password_ba_user_id_idx\` ON \`better_auth_email_password\` (\`ba_user_id\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_email_password_email_idx\` ON \`better_auth_email_password\` (\`email\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_email_password_updated_at_idx\` ON \`better_auth_email_password\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_email_password_created_at_idx\` ON \`better_auth_email_password\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`better_auth_magic_link\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`ba_account_id\` text NOT NULL,
  	\`ba_user_id\` text NOT NULL,
  	\`email\` text,
  	\`email_verified\` integer DEFAULT false,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`better_auth_magic_link_ba_account_id_idx\` ON \`better_auth_magic_link\` (\`ba_account_id\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_magic_link_ba_user_id_idx\` ON \`better_auth_magic_link\` (\`ba_user_id\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_magic_link_email_idx\` ON \`better_auth_magic_link\` (\`email\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_magic_link_updated_at_idx\` ON \`better_auth_magic_link\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_magic_link_created_at_idx\` ON \`better_auth_magic_link\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`better_auth_social\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`ba_account_id\` text NOT NULL,
  	\`ba_user_id\` text NOT NULL,
  	\`provider_id\` text NOT NULL,
  	\`account_id\` text NOT NULL,
  	\`email\` text,
  	\`email_verified\` integer DEFAULT false,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`better_auth_social_ba_account_id_idx\` ON \`better_auth_social\` (\`ba_account_id\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_social_ba_user_id_idx\` ON \`better_auth_social\` (\`ba_user_id\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_social_provider_id_idx\` ON \`better_auth_social\` (\`provider_id\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_social_email_idx\` ON \`better_auth_social\` (\`email\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_social_updated_at_idx\` ON \`better_auth_social\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`better_auth_social_created_at_idx\` ON \`better_auth_social\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`payload_kv\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`key\` text NOT NULL,
  	\`data\` text NOT NULL
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`payload_kv_key_idx\` ON \`payload_kv\` (\`key\`);`)
  await db.run(sql`CREATE TABLE \`payload_locked_documents\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`global_slug\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_global_slug_idx\` ON \`payload_locked_documents\` (\`global_slug\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_updated_at_idx\` ON \`payload_locked_documents\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_created_at_idx\` ON \`payload_locked_documents\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`payload_locked_documents_rels\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer,
  	\`parent_id\` integer NOT NULL,
  	\`path\` text NOT NULL,
  	\`users_id\` integer,
  	\`posts_id\` integer,
  	\`better_auth_email_password_id\` integer,
  	\`better_auth_magic_link_id\` integer,
  	\`better_auth_social_id\` integer,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`payload_locked_documents\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`users_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`posts_id\`) REFERENCES \`posts\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`better_auth_email_password_id\`) REFERENCES \`better_auth_email_password\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`better_auth_magic_link_id\`) REFERENCES \`better_auth_magic_link\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`better_auth_social_id\`) REFERENCES \`better_auth_social\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_order_idx\` ON \`payload_locked_documents_rels\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_parent_idx\` ON \`payload_locked_documents_rels\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_path_idx\` ON \`payload_locked_documents_rels\` (\`path\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_users_id_idx\` ON \`payload_locked_documents_rels\` (\`users_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_posts_id_idx\` ON \`payload_locked_documents_rels\` (\`posts_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_better_auth_email_password_idx\` ON \`payload_locked_documents_rels\` (\`better_auth_email_password_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_better_auth_magic_link_id_idx\` ON \`payload_locked_documents_rels\` (\`better_auth_magic_link_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_better_auth_social_id_idx\` ON \`payload_locked_documents_rels\` (\`better_auth_social_id\`);`)
  await db.run(sql`CREATE TABLE \`payload_preferences\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`key\` text,
  	\`value\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`payload_preferences_key_idx\` ON \`payload_preferences\` (\`key\`);`)
  await db.run(sql`CREATE INDEX \`payload_preferences_updated_at_idx\` ON \`payload_preferences\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`payload_preferences_created_at_idx\` ON \`payload_preferences\` (\`created_at\`);`)
  await db.run(sql`CREATE TABLE \`payload_preferences_rels\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer,
  	\`parent_id\` integer NOT NULL,
  	\`path\` text NOT NULL,
  	\`users_id\` integer,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`payload_preferences\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`users_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`payload_preferences_rels_order_idx\` ON \`payload_preferences_rels\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`payload_preferences_rels_parent_idx\` ON \`payload_preferences_rels\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`payload_preferences_rels_path_idx\` ON \`payload_preferences_rels\` (\`path\`);`)
  await db.run(sql`CREATE INDEX \`payload_preferences_rels_users_id_idx\` ON \`payload_preferences_rels\` (\`users_id\`);`)
  await db.run(sql`CREATE TABLE \`payload_migrations\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`name\` text,
  	\`batch\` numeric,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`payload_migrations_updated_at_idx\` ON \`payload_migrations\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`payload_migrations_created_at_idx\` ON \`payload_migrations\` (\`created_at\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`users_sessions\`;`)
  await db.run(sql`DROP TABLE \`users\`;`)
  await db.run(sql`DROP TABLE \`users_rels\`;`)
  await db.run(sql`DROP TABLE \`posts\`;`)
  await db.run(sql`DROP TABLE \`better_auth_email_password\`;`)
  await db.run(sql`DROP TABLE \`better_auth_magic_link\`;`)
  await db.run(sql`DROP TABLE \`better_auth_social\`;`)
  await db.run(sql`DROP TABLE \`payload_kv\`;`)
  await db.run(sql`DROP TABLE \`payload_locked_documents\`;`)
  await db.run(sql`DROP TABLE \`payload_locked_documents_rels\`;`)
  await db.run(sql`DROP TABLE \`payload_preferences\`;`)
  await db.run(sql`DROP TABLE \`payload_preferences_rels\`;`)
  await db.run(sql`DROP TABLE \`payload_migrations\`;`)
}
