-- Curation search: an FTS5 index over review text, kept by triggers (drizzle-kit cannot express virtual tables).
-- External content: the index stores no second copy of the text; rowid is the reviews table's rowid.
-- detail=none: the search ANDs words and needs no phrase positions, so writes and the index stay small.
CREATE VIRTUAL TABLE `reviews_fts` USING fts5(`text`, content='reviews', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2', detail='none', columnsize=0);
--> statement-breakpoint
INSERT INTO `reviews_fts`(`rowid`, `text`) SELECT `rowid`, `text` FROM `reviews`;
--> statement-breakpoint
CREATE TRIGGER `reviews_fts_insert` AFTER INSERT ON `reviews` BEGIN
  INSERT INTO `reviews_fts`(`rowid`, `text`) VALUES (new.`rowid`, new.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `reviews_fts_delete` AFTER DELETE ON `reviews` BEGIN
  INSERT INTO `reviews_fts`(`reviews_fts`, `rowid`, `text`) VALUES ('delete', old.`rowid`, old.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `reviews_fts_update` AFTER UPDATE OF `text` ON `reviews` BEGIN
  INSERT INTO `reviews_fts`(`reviews_fts`, `rowid`, `text`) VALUES ('delete', old.`rowid`, old.`text`);
  INSERT INTO `reviews_fts`(`rowid`, `text`) VALUES (new.`rowid`, new.`text`);
END;
--> statement-breakpoint
-- Newest-first walks for the curation search when a filter matches many reviews (see curation-search.ts).
CREATE INDEX `reviews_created` ON `reviews` (`created_at`, `id`);
