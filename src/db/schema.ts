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
    // issue 8 (dashboard): when the practice's reply was posted; null = not answered yet. Filled by the Google sync.
    replyTime: text('reply_time'),
  },
  (t) => [
    // A review belongs to one location: the same external id in two locations is two reviews (issue 13).
    uniqueIndex('reviews_location_source_external').on(t.locationId, t.source, t.externalId),
    index('reviews_location_created').on(t.locationId, t.createdAt, t.id),
    index('reviews_location_rating').on(t.locationId, t.rating, t.createdAt, t.id),
    // issue 8 (dashboard): reviews still waiting for a reply, oldest first.
    index('reviews_location_reply').on(t.locationId, t.replyTime, t.createdAt),
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


// ---- issue 8: owner dashboard ---------------------------------------------------------------

/**
 * Active reviews per location, per day ('2026-11-25') and per month ('2026-11') of their createTime
 * (UTC), per star rating. Kept in the same transaction as the review writes; `plaudit rollups
 * rebuild` recomputes it from the reviews and must give the same rows.
 */
export const rollupReviewCounts = sqliteTable(
  'rollup_review_counts',
  {
    locationId: text('location_id').notNull(),
    grain: text('grain', { enum: ['day', 'month'] }).notNull(),
    period: text('period').notNull(),
    rating: integer('rating').notNull(),
    reviews: integer('reviews').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.grain, t.period, t.rating] }),
    // Covering: a dashboard read never leaves the index (the bench's 1M-review trend depends on it).
    index('rollup_review_counts_read').on(t.locationId, t.grain, t.period, t.rating, t.reviews),
  ],
)

/** Active reviews mentioning a theme, by the review-level polarity (review_themes), per day and month. */
export const rollupThemeCounts = sqliteTable(
  'rollup_theme_counts',
  {
    locationId: text('location_id').notNull(),
    grain: text('grain', { enum: ['day', 'month'] }).notNull(),
    period: text('period').notNull(),
    theme: text('theme').notNull(),
    polarity: text('polarity', { enum: ['positive', 'negative', 'mixed', 'neutral'] }).notNull(),
    reviews: integer('reviews').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.grain, t.period, t.theme, t.polarity] }),
    index('rollup_theme_counts_read').on(t.locationId, t.grain, t.period, t.theme, t.polarity, t.reviews),
  ],
)

/**
 * Health of each source of a location, as the dashboard shows it. The import source is read from
 * import_runs; the Google sync (issue 4) writes one row per (location, source) here after each run.
 */
export const sourceSyncState = sqliteTable(
  'source_sync_state',
  {
    locationId: text('location_id').notNull(),
    source: text('source').notNull(),
    lastAttemptAt: text('last_attempt_at'),
    lastSuccessAt: text('last_success_at'),
    needsReauth: integer('needs_reauth', { mode: 'boolean' }).notNull().default(false),
    lastError: text('last_error'),
    consecutiveErrors: integer('consecutive_errors').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.locationId, t.source] })],
)

// ── Issue 6: accounts, roles, curation workspace, hiding, patient authorization ─────────────────

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  role: text('role', { enum: ['owner', 'marketing'] }).notNull(),
  /** scrypt$N$r$p$salt$hash (base64url) */
  passwordHash: text('password_hash').notNull(),
  /** Base32 TOTP secret of an owner who turned the second factor on. */
  totpSecret: text('totp_secret'),
  /** The last accepted TOTP time step (Unix time / 30 s): a code of that step or earlier is a replay. */
  totpLastStep: integer('totp_last_step'),
  createdAt: text('created_at').notNull(),
})

/** Server-side sessions; the cookie holds a random token, the table only its SHA-256. */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
)

/** Automation keys: only the SHA-256 of the key is kept; the key itself is shown once. */
export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  scope: text('scope', { enum: ['owner', 'marketing'] }).notNull(),
  createdBy: text('created_by').notNull(),
  /** The person whose authority the key carries (made in their session or by another of their keys); removing them revokes it. */
  createdByUser: text('created_by_user'),
  createdAt: text('created_at').notNull(),
  revokedAt: text('revoked_at'),
})

/** A person's verdict on a theme chip: what the theme engine learns from. */
export const themeCorrections = sqliteTable(
  'theme_corrections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reviewId: text('review_id').notNull().references(() => reviews.id),
    theme: text('theme').notNull(),
    polarity: text('polarity', { enum: ['positive', 'negative', 'mixed', 'neutral'] }).notNull(),
    verdict: text('verdict', { enum: ['confirmed', 'rejected', 'added'] }).notNull(),
    actor: text('actor').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('theme_corrections_review').on(t.reviewId, t.theme)],
)

/** A review hidden from public lists, with its reason from the fixed list (DESIGN.md). */
export const reviewHides = sqliteTable('review_hides', {
  reviewId: text('review_id').primaryKey().references(() => reviews.id),
  reason: text('reason', { enum: ['spam', 'off-topic', 'privacy', 'profanity', 'suspected-fake', 'not-a-patient', 'duplicate'] }).notNull(),
  actor: text('actor').notNull(),
  at: text('at').notNull(),
})

/** HIPAA: the patient's signed permission to show their name with one testimonial. */
export const patientAuthorizations = sqliteTable(
  'patient_authorizations',
  {
    id: text('id').primaryKey(),
    testimonialId: text('testimonial_id').notNull().references(() => testimonials.id),
    signedBy: text('signed_by').notNull(),
    // The reviewer name the patient signed for; shown only while the review's author still matches it (issue 13).
    signedName: text('signed_name'),
    signedAt: text('signed_at').notNull(),
    scope: text('scope').notNull(),
    reference: text('reference').notNull(),
    expiresAt: text('expires_at'),
    revokedAt: text('revoked_at'),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: text('recorded_at').notNull(),
  },
  (t) => [index('patient_authorizations_testimonial').on(t.testimonialId)],
)

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
