import { createHash } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { afterAll, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../src/db/database.ts'
import { authorizationsFor } from '../../src/db/stores/authorizations.ts'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { getTestimonial } from '../../src/db/stores/testimonials.ts'
import { contentHash } from '../../src/domain/content-hash.ts'
import { onPostgres } from '../support/temp-db.ts'

/**
 * Issue 13, point 2: a database written before reviews were keyed by location keeps its reviews,
 * testimonials and authorizations through the migration, and later imports find the old rows.
 * SQLite only: it replays the file-level upgrade an embedded install goes through.
 */
const NOW = new Date('2026-11-20T12:00:00Z')
const KEY_MIGRATION = '0008_review-key-signed-name'

describe.skipIf(onPostgres)('the migration to reviews keyed by (location, source, external id)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plaudit-key-migration-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('carries existing reviews, testimonials and signed names over, and a later import finds the old row', async () => {
    // The migrations as they stood before this one.
    const before = join(dir, 'migrations')
    cpSync(resolve('drizzle/sqlite'), before, { recursive: true })
    const journalFile = join(before, 'meta/_journal.json')
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ tag: string }> }
    const at = journal.entries.findIndex((e) => e.tag === KEY_MIGRATION)
    expect(at).toBeGreaterThan(0)
    journal.entries = journal.entries.slice(0, at)
    writeFileSync(journalFile, JSON.stringify(journal))

    const file = join(dir, 'plaudit.db')
    const old = new Sqlite(file)
    migrate(drizzle(old), { migrationsFolder: before })
    // A review as the old code stored it: the id derived from (source, external id) alone.
    const legacyId = 'rv_' + createHash('sha256').update('import\u0000r1').digest('base64url').slice(0, 20)
    const text = 'I never felt rushed. My neck pain is gone.'
    old.prepare(`insert into locations (id, name) values ('clinic', 'Clinic'), ('annex', 'Annex')`).run()
    old
      .prepare(
        `insert into reviews (id, location_id, source, external_id, author, rating, text, url, created_at, updated_at, revision, content_hash, status)
         values (?, 'clinic', 'import', 'r1', 'Alice Anders', 5, ?, null, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', 1, ?, 'active')`,
      )
      .run(legacyId, text, contentHash(5, text))
    old.prepare(`insert into testimonials (id, review_id, "start", "end", excerpt, status, created_at, published_at) values ('tm_1', ?, 0, 20, ?, 'published', ?, ?)`).run(
      legacyId,
      text.slice(0, 20),
      NOW.toISOString(),
      NOW.toISOString(),
    )
    old
      .prepare(
        `insert into patient_authorizations (id, testimonial_id, signed_by, signed_at, scope, reference, recorded_by, recorded_at)
         values ('pa_1', 'tm_1', 'Alice Anders', '2026-11-01T00:00:00.000Z', 'website', 'form 7', 'mia', ?)`,
      )
      .run(NOW.toISOString())
    old.close()

    const db = openDatabase(file)
    try {
      await db.migrate()
      const store = new ReviewStore(db)
      expect(await store.get(legacyId)).toMatchObject({ locationId: 'clinic', externalId: 'r1', author: 'Alice Anders', text, revision: 1 })
      expect(await getTestimonial(db, 'tm_1')).toMatchObject({ reviewId: legacyId, status: 'published' })
      // The name the existing authorization was shown with is the name it now records as signed for.
      expect((await authorizationsFor(db, ['tm_1'])).get('tm_1')).toEqual([expect.objectContaining({ id: 'pa_1', signedName: 'Alice Anders' })])

      // The same external id from another location is a review of its own; location A's is untouched.
      const annex = await store.upsertBatch('annex', [{ source: 'import', externalId: 'r1', author: 'Bob Underwood', rating: 1, text: 'Bad.', createdAt: NOW, url: null }], NOW)
      expect(annex).toMatchObject({ inserted: 1, revised: 0 })
      expect(annex.ids[0]).not.toBe(legacyId)
      // The same key from location A finds the old row by its natural key, whatever its id.
      const edit = await store.upsertBatch('clinic', [{ source: 'import', externalId: 'r1', author: 'Alice Anders', rating: 5, text: `${text} Thanks!`, createdAt: NOW, url: null }], NOW)
      expect(edit).toMatchObject({ inserted: 0, revised: 1, ids: [legacyId] })
      expect(await store.get(legacyId)).toMatchObject({ author: 'Alice Anders', revision: 2 })
    } finally {
      await closeDatabase(db)
    }
  })
})
