import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

/** Times are stored as ISO-8601 UTC strings: sortable, readable in a dump, identical on PostgreSQL later. */

export const locations = sqliteTable('locations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  aggregateSource: text('aggregate_source'),
  aggregateRating: real('aggregate_rating'),
  aggregateCount: integer('aggregate_count'),
  aggregateUrl: text('aggregate_url'),
  checkedAt: text('checked_at'),
})

export const reviews = sqliteTable(
  'reviews',
  {
    id: text('id').primaryKey(),
    locationId: text('location_id').notNull().references(() => locations.id),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    author: text('author'),
    rating: integer('rating').notNull(),
    text: text('text').notNull(),
    url: text('url'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    revision: integer('revision').notNull().default(1),
    contentHash: text('content_hash').notNull(),
    status: text('status', { enum: ['active', 'removed'] }).notNull().default('active'),
    analyzedHash: text('analyzed_hash'),
  },
  (t) => [
    uniqueIndex('reviews_source_external').on(t.source, t.externalId),
    index('reviews_location_created').on(t.locationId, t.createdAt, t.id),
    index('reviews_location_rating').on(t.locationId, t.rating, t.createdAt, t.id),
  ],
)

export const reviewRevisions = sqliteTable(
  'review_revisions',
  {
    reviewId: text('review_id').notNull().references(() => reviews.id),
    revision: integer('revision').notNull(),
    contentHash: text('content_hash').notNull(),
    rating: integer('rating').notNull(),
    text: text('text').notNull(),
    recordedAt: text('recorded_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.reviewId, t.revision] })],
)

export const mentions = sqliteTable(
  'mentions',
  {
    reviewId: text('review_id').notNull().references(() => reviews.id),
    theme: text('theme').notNull(),
    polarity: text('polarity', { enum: ['positive', 'negative', 'mixed', 'neutral'] }).notNull(),
    start: integer('start').notNull(),
    end: integer('end').notNull(),
    score: real('score').notNull(),
    packId: text('pack_id').notNull(),
    packVersion: integer('pack_version').notNull(),
  },
  (t) => [primaryKey({ columns: [t.reviewId, t.theme, t.start] })],
)

/** One row per theme per review: the review-level polarity, so list filters need no aggregation. */
export const reviewThemes = sqliteTable(
  'review_themes',
  {
    reviewId: text('review_id').notNull().references(() => reviews.id),
    theme: text('theme').notNull(),
    polarity: text('polarity', { enum: ['positive', 'negative', 'mixed', 'neutral'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.reviewId, t.theme] }), index('review_themes_theme').on(t.theme, t.polarity)],
)

export const testimonials = sqliteTable(
  'testimonials',
  {
    id: text('id').primaryKey(),
    reviewId: text('review_id').notNull().references(() => reviews.id),
    start: integer('start').notNull(),
    end: integer('end').notNull(),
    excerpt: text('excerpt').notNull(),
    status: text('status', { enum: ['draft', 'published', 'withdrawn'] }).notNull(),
    createdAt: text('created_at').notNull(),
    publishedAt: text('published_at'),
    withdrawnAt: text('withdrawn_at'),
    withdrawnReason: text('withdrawn_reason'),
  },
  (t) => [index('testimonials_review').on(t.reviewId)],
)

export const collections = sqliteTable('collections', {
  slug: text('slug').primaryKey(),
  title: text('title').notNull(),
  updatedAt: text('updated_at').notNull(),
})

export const collectionItems = sqliteTable(
  'collection_items',
  {
    collectionSlug: text('collection_slug').notNull().references(() => collections.slug),
    testimonialId: text('testimonial_id').notNull().references(() => testimonials.id),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.collectionSlug, t.testimonialId] })],
)

/** The public feed as ready bytes: built by a job when its inputs change, served from memory. */
export const publishedFeeds = sqliteTable('published_feeds', {
  slug: text('slug').primaryKey(),
  body: text('body').notNull(),
  etag: text('etag').notNull(),
  builtAt: text('built_at').notNull(),
})

export const importRuns = sqliteTable('import_runs', {
  id: text('id').primaryKey(),
  locationId: text('location_id').notNull(),
  fileName: text('file_name').notNull(),
  format: text('format').notNull(),
  startedAt: text('started_at').notNull(),
  finishedAt: text('finished_at'),
  status: text('status', { enum: ['running', 'finished', 'failed'] }).notNull(),
  rowsRead: integer('rows_read').notNull().default(0),
  rowsInserted: integer('rows_inserted').notNull().default(0),
  rowsRevised: integer('rows_revised').notNull().default(0),
  rowsUnchanged: integer('rows_unchanged').notNull().default(0),
  rowsRejected: integer('rows_rejected').notNull().default(0),
  error: text('error'),
})

export const importRejections = sqliteTable(
  'import_rejections',
  {
    importId: text('import_id').notNull().references(() => importRuns.id),
    line: integer('line').notNull(),
    field: text('field').notNull(),
    value: text('value'),
    message: text('message').notNull(),
  },
  (t) => [index('import_rejections_import').on(t.importId, t.line)],
)

/** Jobs that failed for good (bad payload, attempts exhausted), kept for the owner to see. */
export const jobFailures = sqliteTable('job_failures', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  queue: text('queue').notNull(),
  jobName: text('job_name').notNull(),
  jobId: text('job_id'),
  reason: text('reason').notNull(),
  payload: text('payload').notNull(),
  failedAt: text('failed_at').notNull(),
})

export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: text('at').notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  subject: text('subject').notNull(),
  before: text('before'),
  after: text('after'),
})


// ---- Theme engine (issue 5): packs as data, curators' corrections, learned models, backfills ----

/** Each saved version of a theme pack, whole, as JSON; a pack's current version is its highest. */
export const themePackVersions = sqliteTable(
  'theme_pack_versions',
  {
    packId: text('pack_id').notNull(),
    version: integer('version').notNull(),
    body: text('body').notNull(),
    savedAt: text('saved_at').notNull(),
    savedBy: text('saved_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.packId, t.version] })],
)

/** Which pack tags the reviews (one row, id 1). */
export const themeSettings = sqliteTable('theme_settings', {
  id: integer('id').primaryKey(),
  activePackId: text('active_pack_id').notNull(),
})

/** A curator's word on a mention: confirmed, rejected, or a theme the tagger missed. */
export const mentionCorrections = sqliteTable(
  'mention_corrections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reviewId: text('review_id').notNull().references(() => reviews.id),
    packId: text('pack_id').notNull(),
    theme: text('theme').notNull(),
    verdict: text('verdict', { enum: ['confirm', 'reject', 'add'] }).notNull(),
    polarity: text('polarity', { enum: ['positive', 'negative', 'mixed', 'neutral'] }),
    start: integer('start').notNull(),
    end: integer('end').notNull(),
    /** the evidence text as the curator saw it: what the classifier learns from */
    evidence: text('evidence').notNull(),
    actor: text('actor').notNull(),
    at: text('at').notNull(),
  },
  (t) => [uniqueIndex('mention_corrections_key').on(t.reviewId, t.theme, t.start, t.end)],
)

/** The classifier trained for a pack (the model JSON), rebuilt by `plaudit themes retrain`. */
export const themeModels = sqliteTable('theme_models', {
  packId: text('pack_id').primaryKey(),
  packVersion: integer('pack_version').notNull(),
  model: text('model').notNull(),
  examples: integer('examples').notNull(),
  corrections: integer('corrections').notNull(),
  trainedAt: text('trained_at').notNull(),
})

/** Re-tagging every review after a pack change: a cursor so a crashed run resumes where it was. */
export const themeBackfills = sqliteTable('theme_backfills', {
  id: text('id').primaryKey(),
  packId: text('pack_id').notNull(),
  packVersion: integer('pack_version').notNull(),
  status: text('status', { enum: ['queued', 'running', 'finished', 'failed'] }).notNull(),
  total: integer('total').notNull(),
  done: integer('done').notNull().default(0),
  /** last review id handled, in id order */
  cursor: text('cursor'),
  startedAt: text('started_at').notNull(),
  finishedAt: text('finished_at'),
})
