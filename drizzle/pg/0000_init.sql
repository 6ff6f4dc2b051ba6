CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"scope" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" text NOT NULL,
	"revoked_at" text,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"at" text NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"subject" text NOT NULL,
	"before" text,
	"after" text
);
--> statement-breakpoint
CREATE TABLE "collection_items" (
	"collection_slug" text NOT NULL,
	"testimonial_id" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "collection_items_collection_slug_testimonial_id_pk" PRIMARY KEY("collection_slug","testimonial_id")
);
--> statement-breakpoint
CREATE TABLE "collections" (
	"slug" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "google_connections" (
	"id" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"refresh_token_enc" text NOT NULL,
	"access_token_enc" text,
	"access_token_expires_at" text,
	"status" text DEFAULT 'active' NOT NULL,
	"last_error" text,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "google_locations" (
	"location_id" text PRIMARY KEY NOT NULL,
	"connection_id" text NOT NULL,
	"google_name" text NOT NULL,
	"title" text,
	"place_id" text,
	"maps_uri" text,
	"last_sync_at" text,
	"last_full_sync_at" text,
	"last_error_at" text,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "google_oauth_states" (
	"state" text PRIMARY KEY NOT NULL,
	"redirect_uri" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "google_review_details" (
	"review_id" text PRIMARY KEY NOT NULL,
	"google_update_time" text NOT NULL,
	"anonymous" boolean DEFAULT false NOT NULL,
	"translation" text,
	"reply_comment" text,
	"reply_updated_at" text
);
--> statement-breakpoint
CREATE TABLE "import_rejections" (
	"import_id" text NOT NULL,
	"line" integer NOT NULL,
	"field" text NOT NULL,
	"value" text,
	"message" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"file_name" text NOT NULL,
	"format" text NOT NULL,
	"started_at" text NOT NULL,
	"finished_at" text,
	"status" text NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_inserted" integer DEFAULT 0 NOT NULL,
	"rows_revised" integer DEFAULT 0 NOT NULL,
	"rows_unchanged" integer DEFAULT 0 NOT NULL,
	"rows_rejected" integer DEFAULT 0 NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "job_failures" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "job_failures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"queue" text NOT NULL,
	"job_name" text NOT NULL,
	"job_id" text,
	"reason" text NOT NULL,
	"payload" text NOT NULL,
	"failed_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "locations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"aggregate_source" text,
	"aggregate_rating" double precision,
	"aggregate_count" integer,
	"aggregate_url" text,
	"checked_at" text
);
--> statement-breakpoint
CREATE TABLE "mention_corrections" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "mention_corrections_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"review_id" text NOT NULL,
	"pack_id" text NOT NULL,
	"theme" text NOT NULL,
	"verdict" text NOT NULL,
	"polarity" text,
	"start" integer NOT NULL,
	"end" integer NOT NULL,
	"evidence" text NOT NULL,
	"actor" text NOT NULL,
	"at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mentions" (
	"review_id" text NOT NULL,
	"theme" text NOT NULL,
	"polarity" text NOT NULL,
	"start" integer NOT NULL,
	"end" integer NOT NULL,
	"score" double precision NOT NULL,
	"pack_id" text NOT NULL,
	"pack_version" integer NOT NULL,
	CONSTRAINT "mentions_review_id_theme_start_pk" PRIMARY KEY("review_id","theme","start")
);
--> statement-breakpoint
CREATE TABLE "patient_authorizations" (
	"id" text PRIMARY KEY NOT NULL,
	"testimonial_id" text NOT NULL,
	"signed_by" text NOT NULL,
	"signed_at" text NOT NULL,
	"scope" text NOT NULL,
	"reference" text NOT NULL,
	"expires_at" text,
	"revoked_at" text,
	"recorded_by" text NOT NULL,
	"recorded_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "place_locations" (
	"location_id" text PRIMARY KEY NOT NULL,
	"place_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "published_feeds" (
	"slug" text PRIMARY KEY NOT NULL,
	"body" text NOT NULL,
	"etag" text NOT NULL,
	"built_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_hides" (
	"review_id" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"actor" text NOT NULL,
	"at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_revisions" (
	"review_id" text NOT NULL,
	"revision" integer NOT NULL,
	"content_hash" text NOT NULL,
	"rating" integer NOT NULL,
	"text" text NOT NULL,
	"recorded_at" text NOT NULL,
	CONSTRAINT "review_revisions_review_id_revision_pk" PRIMARY KEY("review_id","revision")
);
--> statement-breakpoint
CREATE TABLE "review_themes" (
	"review_id" text NOT NULL,
	"theme" text NOT NULL,
	"polarity" text NOT NULL,
	CONSTRAINT "review_themes_review_id_theme_pk" PRIMARY KEY("review_id","theme")
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"author" text,
	"rating" integer NOT NULL,
	"text" text NOT NULL,
	"url" text,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"content_hash" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"analyzed_hash" text,
	"reply_time" text,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', "text")) STORED
);
--> statement-breakpoint
CREATE TABLE "rollup_review_counts" (
	"location_id" text NOT NULL,
	"grain" text NOT NULL,
	"period" text NOT NULL,
	"rating" integer NOT NULL,
	"reviews" integer NOT NULL,
	CONSTRAINT "rollup_review_counts_location_id_grain_period_rating_pk" PRIMARY KEY("location_id","grain","period","rating")
);
--> statement-breakpoint
CREATE TABLE "rollup_theme_counts" (
	"location_id" text NOT NULL,
	"grain" text NOT NULL,
	"period" text NOT NULL,
	"theme" text NOT NULL,
	"polarity" text NOT NULL,
	"reviews" integer NOT NULL,
	CONSTRAINT "rollup_theme_counts_location_id_grain_period_theme_polarity_pk" PRIMARY KEY("location_id","grain","period","theme","polarity")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" text NOT NULL,
	"expires_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "source_sync_state" (
	"location_id" text NOT NULL,
	"source" text NOT NULL,
	"last_attempt_at" text,
	"last_success_at" text,
	"needs_reauth" boolean DEFAULT false NOT NULL,
	"last_error" text,
	"consecutive_errors" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "source_sync_state_location_id_source_pk" PRIMARY KEY("location_id","source")
);
--> statement-breakpoint
CREATE TABLE "testimonials" (
	"id" text PRIMARY KEY NOT NULL,
	"review_id" text NOT NULL,
	"start" integer NOT NULL,
	"end" integer NOT NULL,
	"excerpt" text NOT NULL,
	"status" text NOT NULL,
	"created_at" text NOT NULL,
	"published_at" text,
	"withdrawn_at" text,
	"withdrawn_reason" text
);
--> statement-breakpoint
CREATE TABLE "theme_backfills" (
	"id" text PRIMARY KEY NOT NULL,
	"pack_id" text NOT NULL,
	"pack_version" integer NOT NULL,
	"status" text NOT NULL,
	"total" integer NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"cursor" text,
	"started_at" text NOT NULL,
	"finished_at" text
);
--> statement-breakpoint
CREATE TABLE "theme_corrections" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "theme_corrections_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"review_id" text NOT NULL,
	"theme" text NOT NULL,
	"polarity" text NOT NULL,
	"verdict" text NOT NULL,
	"actor" text NOT NULL,
	"at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "theme_models" (
	"pack_id" text PRIMARY KEY NOT NULL,
	"pack_version" integer NOT NULL,
	"model" text NOT NULL,
	"examples" integer NOT NULL,
	"corrections" integer NOT NULL,
	"trained_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "theme_pack_versions" (
	"pack_id" text NOT NULL,
	"version" integer NOT NULL,
	"body" text NOT NULL,
	"saved_at" text NOT NULL,
	"saved_by" text NOT NULL,
	CONSTRAINT "theme_pack_versions_pack_id_version_pk" PRIMARY KEY("pack_id","version")
);
--> statement-breakpoint
CREATE TABLE "theme_settings" (
	"id" integer PRIMARY KEY NOT NULL,
	"active_pack_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"totp_secret" text,
	"created_at" text NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
ALTER TABLE "collection_items" ADD CONSTRAINT "collection_items_collection_slug_collections_slug_fk" FOREIGN KEY ("collection_slug") REFERENCES "collections"("slug") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_items" ADD CONSTRAINT "collection_items_testimonial_id_testimonials_id_fk" FOREIGN KEY ("testimonial_id") REFERENCES "testimonials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "google_locations" ADD CONSTRAINT "google_locations_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "google_locations" ADD CONSTRAINT "google_locations_connection_id_google_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "google_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "google_review_details" ADD CONSTRAINT "google_review_details_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_rejections" ADD CONSTRAINT "import_rejections_import_id_import_runs_id_fk" FOREIGN KEY ("import_id") REFERENCES "import_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mention_corrections" ADD CONSTRAINT "mention_corrections_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentions" ADD CONSTRAINT "mentions_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_authorizations" ADD CONSTRAINT "patient_authorizations_testimonial_id_testimonials_id_fk" FOREIGN KEY ("testimonial_id") REFERENCES "testimonials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "place_locations" ADD CONSTRAINT "place_locations_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_hides" ADD CONSTRAINT "review_hides_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_revisions" ADD CONSTRAINT "review_revisions_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_themes" ADD CONSTRAINT "review_themes_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "testimonials" ADD CONSTRAINT "testimonials_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "theme_corrections" ADD CONSTRAINT "theme_corrections_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_rejections_import" ON "import_rejections" USING btree ("import_id","line");--> statement-breakpoint
CREATE UNIQUE INDEX "mention_corrections_key" ON "mention_corrections" USING btree ("review_id","theme","start","end");--> statement-breakpoint
CREATE INDEX "patient_authorizations_testimonial" ON "patient_authorizations" USING btree ("testimonial_id");--> statement-breakpoint
CREATE INDEX "review_themes_theme" ON "review_themes" USING btree ("theme","polarity");--> statement-breakpoint
CREATE UNIQUE INDEX "reviews_source_external" ON "reviews" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "reviews_location_created" ON "reviews" USING btree ("location_id","created_at","id");--> statement-breakpoint
CREATE INDEX "reviews_location_rating" ON "reviews" USING btree ("location_id","rating","created_at","id");--> statement-breakpoint
CREATE INDEX "reviews_location_reply" ON "reviews" USING btree ("location_id","reply_time","created_at");--> statement-breakpoint
CREATE INDEX "reviews_search" ON "reviews" USING gin ("search");--> statement-breakpoint
CREATE INDEX "reviews_created" ON "reviews" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "rollup_review_counts_read" ON "rollup_review_counts" USING btree ("location_id","grain","period","rating","reviews");--> statement-breakpoint
CREATE INDEX "rollup_theme_counts_read" ON "rollup_theme_counts" USING btree ("location_id","grain","period","theme","polarity","reviews");--> statement-breakpoint
CREATE INDEX "sessions_user" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "testimonials_review" ON "testimonials" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "theme_corrections_review" ON "theme_corrections" USING btree ("review_id","theme");