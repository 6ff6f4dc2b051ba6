import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ANONYMOUS_REVIEWER } from '../../src/domain/attribution.ts'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { ensureLocation } from '../../src/db/stores/locations.ts'
import { createTempDatabase, onPostgres, type TempDatabase } from '../support/temp-db.ts'

/**
 * Issue 13, point 19: the Google sync stored anonymous reviewers as "A Google user", while Google and
 * our attribution write "A Google User". A data migration carries the stored rows over, on both engines.
 */
const MIGRATIONS = join(import.meta.dirname, '../../drizzle', onPostgres ? 'pg' : 'sqlite')

/** The committed migration by its name (the lead may renumber it), checked to be in the journal `migrate` applies. */
function committedMigration(name: string): string[] {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> }
  const tag = journal.entries.map((e) => e.tag).find((t) => t.endsWith(`_${name}`))
  expect(tag, `${name} is in ${MIGRATIONS}/meta/_journal.json`).toBeDefined()
  return readFileSync(join(MIGRATIONS, `${tag}.sql`), 'utf8')
    .split('--> statement-breakpoint')
    .map((statement) => statement.trim())
    .filter(Boolean)
}

describe('the anonymous Google reviewer', () => {
  let temp: TempDatabase
  beforeEach(async () => {
    temp = await createTempDatabase()
  })
  afterEach(async () => {
    await temp.remove()
  })

  it('is spelled as Google spells it', () => {
    const anonymous = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/google/gbp-review-anonymous.json'), 'utf8')) as { reviewer: { displayName: string } }
    expect(ANONYMOUS_REVIEWER).toBe(anonymous.reviewer.displayName)
    expect(ANONYMOUS_REVIEWER).toBe('A Google User')
  })

  it('stored with the old spelling by the Google sync is carried over by the migration; other rows are left alone', async () => {
    const store = new ReviewStore(temp.db)
    const at = new Date('2026-11-25T09:00:00Z')
    await ensureLocation(temp.db, { id: 'clinic', name: 'Clinic' })
    const review = (source: 'google-business-profile' | 'import', externalId: string, author: string) => ({ source, externalId, author, rating: 4, text: `Review ${externalId}.`, createdAt: at, url: null })
    // What the sync wrote before issue 13, next to a named Google reviewer and an imported row that says the old words itself.
    await store.upsertBatch('clinic', [review('google-business-profile', 'anon', 'A Google user'), review('google-business-profile', 'named', 'Myra Kowalski'), review('import', 'csv-1', 'A Google user')], at)
    const authors = async () =>
      Object.fromEntries((await temp.db.all<{ externalId: string; author: string; revision: number }>(sql`select external_id as "externalId", author, revision from reviews order by external_id`)).map((r) => [r.externalId, [r.author, r.revision]]))
    expect(await authors()).toEqual({ anon: ['A Google user', 1], named: ['Myra Kowalski', 1], 'csv-1': ['A Google user', 1] })

    for (const statement of committedMigration('anonymous-reviewer')) await temp.db.run(sql.raw(statement))

    expect(await authors()).toEqual({ anon: [ANONYMOUS_REVIEWER, 1], named: ['Myra Kowalski', 1], 'csv-1': ['A Google user', 1] })
  })
})
