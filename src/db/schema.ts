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
    polarity: text('polarity', { enum: ['positive', 'negative', 'mixed'] }).notNull(),
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
    polarity: text('polarity', { enum: ['positive', 'negative', 'mixed'] }).notNull(),
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


// --- Google Business Profile (issue 4) ---

/** One Google account an owner connected. The refresh token is AES-256-GCM ciphertext, never plaintext. */
export const googleConnections = sqliteTable('google_connections', {
  id: text('id').primaryKey(),
  label: text('label').notNull(),
  refreshTokenEnc: text('refresh_token_enc').notNull(),
  /** A cached access token (also encrypted) so a sync within its lifetime costs no token request. */
  accessTokenEnc: text('access_token_enc'),
  accessTokenExpiresAt: text('access_token_expires_at'),
  status: text('status', { enum: ['active', 'needs_reauth'] }).notNull().default('active'),
  lastError: text('last_error'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
})

/** A Plaudit location synced from a Business Profile location, and the state of its syncs. */
export const googleLocations = sqliteTable('google_locations', {
  locationId: text('location_id').primaryKey().references(() => locations.id),
  connectionId: text('connection_id').notNull().references(() => googleConnections.id),
  /** accounts/{a}/locations/{l}: the parent the v4 reviews API needs. */
  googleName: text('google_name').notNull(),
  title: text('title'),
  placeId: text('place_id'),
  mapsUri: text('maps_uri'),
  lastSyncAt: text('last_sync_at'),
  lastFullSyncAt: text('last_full_sync_at'),
  lastErrorAt: text('last_error_at'),
  lastError: text('last_error'),
})

/** What Google tells about a review beyond the shared review row: reply, translation, anonymity, Google's update time. */
export const googleReviewDetails = sqliteTable('google_review_details', {
  reviewId: text('review_id').primaryKey().references(() => reviews.id),
  googleUpdateTime: text('google_update_time').notNull(),
  anonymous: integer('anonymous', { mode: 'boolean' }).notNull().default(false),
  translation: text('translation'),
  replyComment: text('reply_comment'),
  replyUpdatedAt: text('reply_updated_at'),
})

/** OAuth `state` values handed out and not yet used: single use, checked on the way back. */
export const googleOauthStates = sqliteTable('google_oauth_states', {
  state: text('state').primaryKey(),
  redirectUri: text('redirect_uri').notNull(),
  createdAt: text('created_at').notNull(),
})

/** A location known only by its Place id: reviews come from Places API (New) at display time, never stored. */
export const placeLocations = sqliteTable('place_locations', {
  locationId: text('location_id').primaryKey().references(() => locations.id),
  placeId: text('place_id').notNull(),
})
