CREATE TABLE `mention_corrections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`review_id` text NOT NULL,
	`pack_id` text NOT NULL,
	`theme` text NOT NULL,
	`verdict` text NOT NULL,
	`polarity` text,
	`start` integer NOT NULL,
	`end` integer NOT NULL,
	`evidence` text NOT NULL,
	`actor` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`review_id`) REFERENCES `reviews`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mention_corrections_key` ON `mention_corrections` (`review_id`,`theme`,`start`,`end`);--> statement-breakpoint
CREATE TABLE `theme_backfills` (
	`id` text PRIMARY KEY NOT NULL,
	`pack_id` text NOT NULL,
	`pack_version` integer NOT NULL,
	`status` text NOT NULL,
	`total` integer NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`cursor` text,
	`started_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE TABLE `theme_models` (
	`pack_id` text PRIMARY KEY NOT NULL,
	`pack_version` integer NOT NULL,
	`model` text NOT NULL,
	`examples` integer NOT NULL,
	`corrections` integer NOT NULL,
	`trained_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `theme_pack_versions` (
	`pack_id` text NOT NULL,
	`version` integer NOT NULL,
	`body` text NOT NULL,
	`saved_at` text NOT NULL,
	`saved_by` text NOT NULL,
	PRIMARY KEY(`pack_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `theme_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`active_pack_id` text NOT NULL
);
