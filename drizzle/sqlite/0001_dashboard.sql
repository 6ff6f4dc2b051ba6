CREATE TABLE `rollup_review_counts` (
	`location_id` text NOT NULL,
	`grain` text NOT NULL,
	`period` text NOT NULL,
	`rating` integer NOT NULL,
	`reviews` integer NOT NULL,
	PRIMARY KEY(`location_id`, `grain`, `period`, `rating`)
);
--> statement-breakpoint
CREATE INDEX `rollup_review_counts_read` ON `rollup_review_counts` (`location_id`,`grain`,`period`,`rating`,`reviews`);--> statement-breakpoint
CREATE TABLE `rollup_theme_counts` (
	`location_id` text NOT NULL,
	`grain` text NOT NULL,
	`period` text NOT NULL,
	`theme` text NOT NULL,
	`polarity` text NOT NULL,
	`reviews` integer NOT NULL,
	PRIMARY KEY(`location_id`, `grain`, `period`, `theme`, `polarity`)
);
--> statement-breakpoint
CREATE INDEX `rollup_theme_counts_read` ON `rollup_theme_counts` (`location_id`,`grain`,`period`,`theme`,`polarity`,`reviews`);--> statement-breakpoint
CREATE TABLE `source_sync_state` (
	`location_id` text NOT NULL,
	`source` text NOT NULL,
	`last_attempt_at` text,
	`last_success_at` text,
	`needs_reauth` integer DEFAULT false NOT NULL,
	`last_error` text,
	`consecutive_errors` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`location_id`, `source`)
);
--> statement-breakpoint
ALTER TABLE `reviews` ADD `reply_time` text;--> statement-breakpoint
CREATE INDEX `reviews_location_reply` ON `reviews` (`location_id`,`reply_time`,`created_at`);