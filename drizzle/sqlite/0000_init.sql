CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject` text NOT NULL,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE TABLE `collection_items` (
	`collection_slug` text NOT NULL,
	`testimonial_id` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`collection_slug`, `testimonial_id`),
	FOREIGN KEY (`collection_slug`) REFERENCES `collections`(`slug`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`testimonial_id`) REFERENCES `testimonials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `collections` (
	`slug` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `import_rejections` (
	`import_id` text NOT NULL,
	`line` integer NOT NULL,
	`field` text NOT NULL,
	`value` text,
	`message` text NOT NULL,
	FOREIGN KEY (`import_id`) REFERENCES `import_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `import_rejections_import` ON `import_rejections` (`import_id`,`line`);--> statement-breakpoint
CREATE TABLE `import_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`location_id` text NOT NULL,
	`file_name` text NOT NULL,
	`format` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`status` text NOT NULL,
	`rows_read` integer DEFAULT 0 NOT NULL,
	`rows_inserted` integer DEFAULT 0 NOT NULL,
	`rows_revised` integer DEFAULT 0 NOT NULL,
	`rows_unchanged` integer DEFAULT 0 NOT NULL,
	`rows_rejected` integer DEFAULT 0 NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE TABLE `job_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`queue` text NOT NULL,
	`job_name` text NOT NULL,
	`job_id` text,
	`reason` text NOT NULL,
	`payload` text NOT NULL,
	`failed_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `locations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`aggregate_source` text,
	`aggregate_rating` real,
	`aggregate_count` integer,
	`aggregate_url` text,
	`checked_at` text
);
--> statement-breakpoint
CREATE TABLE `mentions` (
	`review_id` text NOT NULL,
	`theme` text NOT NULL,
	`polarity` text NOT NULL,
	`start` integer NOT NULL,
	`end` integer NOT NULL,
	`score` real NOT NULL,
	`pack_id` text NOT NULL,
	`pack_version` integer NOT NULL,
	PRIMARY KEY(`review_id`, `theme`, `start`),
	FOREIGN KEY (`review_id`) REFERENCES `reviews`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `published_feeds` (
	`slug` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`etag` text NOT NULL,
	`built_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `review_revisions` (
	`review_id` text NOT NULL,
	`revision` integer NOT NULL,
	`content_hash` text NOT NULL,
	`rating` integer NOT NULL,
	`text` text NOT NULL,
	`recorded_at` text NOT NULL,
	PRIMARY KEY(`review_id`, `revision`),
	FOREIGN KEY (`review_id`) REFERENCES `reviews`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `review_themes` (
	`review_id` text NOT NULL,
	`theme` text NOT NULL,
	`polarity` text NOT NULL,
	PRIMARY KEY(`review_id`, `theme`),
	FOREIGN KEY (`review_id`) REFERENCES `reviews`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_themes_theme` ON `review_themes` (`theme`,`polarity`);--> statement-breakpoint
CREATE TABLE `reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`location_id` text NOT NULL,
	`source` text NOT NULL,
	`external_id` text NOT NULL,
	`author` text,
	`rating` integer NOT NULL,
	`text` text NOT NULL,
	`url` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`content_hash` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`analyzed_hash` text,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reviews_source_external` ON `reviews` (`source`,`external_id`);--> statement-breakpoint
CREATE INDEX `reviews_location_created` ON `reviews` (`location_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `reviews_location_rating` ON `reviews` (`location_id`,`rating`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `testimonials` (
	`id` text PRIMARY KEY NOT NULL,
	`review_id` text NOT NULL,
	`start` integer NOT NULL,
	`end` integer NOT NULL,
	`excerpt` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`published_at` text,
	`withdrawn_at` text,
	`withdrawn_reason` text,
	FOREIGN KEY (`review_id`) REFERENCES `reviews`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `testimonials_review` ON `testimonials` (`review_id`);