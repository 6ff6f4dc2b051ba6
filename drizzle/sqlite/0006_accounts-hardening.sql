ALTER TABLE `api_keys` ADD `created_by_user` text;--> statement-breakpoint
ALTER TABLE `users` ADD `totp_last_step` integer;--> statement-breakpoint
-- Keys made before this column existed: their person is the user named in created_by (user:<email>).
UPDATE `api_keys` SET `created_by_user` = (SELECT `users`.`id` FROM `users` WHERE 'user:' || `users`.`email` = `api_keys`.`created_by`) WHERE `created_by_user` IS NULL;
