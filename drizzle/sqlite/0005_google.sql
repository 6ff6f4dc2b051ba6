CREATE TABLE `google_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`refresh_token_enc` text NOT NULL,
	`access_token_enc` text,
	`access_token_expires_at` text,
	`status` text DEFAULT 'active' NOT NULL,
	`last_error` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `google_locations` (
	`location_id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`google_name` text NOT NULL,
	`title` text,
	`place_id` text,
	`maps_uri` text,
	`last_sync_at` text,
	`last_full_sync_at` text,
	`last_error_at` text,
	`last_error` text,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`connection_id`) REFERENCES `google_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `google_oauth_states` (
	`state` text PRIMARY KEY NOT NULL,
	`redirect_uri` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `google_review_details` (
	`review_id` text PRIMARY KEY NOT NULL,
	`google_update_time` text NOT NULL,
	`anonymous` integer DEFAULT false NOT NULL,
	`translation` text,
	`reply_comment` text,
	`reply_updated_at` text,
	FOREIGN KEY (`review_id`) REFERENCES `reviews`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `place_locations` (
	`location_id` text PRIMARY KEY NOT NULL,
	`place_id` text NOT NULL,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
