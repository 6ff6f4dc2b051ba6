-- Issue 13: anonymous Google reviewers were stored as "A Google user"; Google, and Plaudit's attribution,
-- write "A Google User" (ANONYMOUS_REVIEWER in src/domain/attribution.ts). Only the Google sync stored the
-- old spelling; imported rows keep what their file said. The content hash covers rating and text only,
-- so no revision is recorded and the next sync leaves the row as it is.
UPDATE reviews SET author = 'A Google User' WHERE source = 'google-business-profile' AND author = 'A Google user';
