import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reviewIdFor } from '../../src/db/ids.ts'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { getTestimonial } from '../../src/db/stores/testimonials.ts'
import { asSession, seedUser, signIn, type Session } from '../support/accounts.ts'
import { IMPORT_HEADER, writeReviewsCsv } from '../support/csv.ts'
import { startPipeline, type Pipeline } from '../support/pipeline.ts'
import { removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

/**
 * Issue 13: the attacks on imports, replayed against the real API, worker, Redis and database.
 * Each describe block has its own database and Redis prefix, so no test reads another's rows.
 */

const NOW = new Date('2026-11-20T12:00:00Z')

interface Feed {
  testimonials: Array<{ id: string; excerpt: string; attribution: string; rating: number }>
}

interface Harness {
  temp: TempDatabase
  pipeline: Pipeline
  mia: Session
  call: <T>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>
  publicFeed: (slug: string) => Promise<Feed>
  /** Imports a CSV written from these rows into a location, through the real import and worker. */
  importRows: (locationId: string, name: string, rows: Parameters<typeof writeReviewsCsv>[2]) => ReturnType<Pipeline['importAndAnalyze']>
  /** Quotes the first `end` characters of a review and publishes it in a collection of its own. */
  publishQuote: (reviewId: string, end: number, slug: string) => Promise<string>
}

function useHarness(name: string): Harness {
  const prefix = uniquePrefix(name)
  const h = {} as Harness
  beforeAll(async () => {
    h.temp = await createTempDatabase()
    h.pipeline = await startPipeline(h.temp.db, prefix, () => NOW)
    await seedUser(h.temp.db, `mia-${name}@clinic.test`, 'marketing', NOW)
    h.mia = await signIn(h.pipeline.api.url, `mia-${name}@clinic.test`)
    h.call = async <T>(method: string, path: string, body?: unknown) => {
      const response = await fetch(`${h.pipeline.api.url}${path}`, asSession(h.mia, method, body))
      return { status: response.status, body: (await response.json()) as T }
    }
    h.publicFeed = async (slug) => (await (await fetch(`${h.pipeline.api.url}/api/public/v1/collections/${slug}`)).json()) as Feed
    h.importRows = (locationId, file, rows) => h.pipeline.importAndAnalyze(writeReviewsCsv(h.temp.dir, file, rows), locationId)
    h.publishQuote = async (reviewId, end, slug) => {
      const created = await h.call<{ testimonial: { id: string } }>('POST', '/api/v1/testimonials', { reviewId, start: 0, end, publish: true })
      expect(created.status).toBe(201)
      expect((await h.call('PUT', `/api/v1/collections/${slug}`, { title: slug, testimonialIds: [created.body.testimonial.id] })).status).toBe(200)
      return created.body.testimonial.id
    }
  })
  afterAll(async () => {
    await h.pipeline?.close()
    await h.temp?.remove()
    await removeKeys(prefix)
  })
  return h
}

const ALICE_TEXT = 'I never felt rushed. My neck pain is gone after three visits.'
const withdrawalsOf = (h: Harness, testimonialId: string) =>
  h.temp.db.all<{ actor: string; after: string }>(sql`select actor, after from audit_log where subject = ${testimonialId} and action = 'testimonial.withdrawn'`)

describe('a review belongs to one location (issue 13, point 2)', () => {
  const h = useHarness('trust-owner')

  it('keeps location A’s review, testimonial and signed name when a file for location B reuses its id', async () => {
    await h.importRows('clinic', 'a.csv', [{ id: 'r1', author: 'Alice Anders', rating: 5, text: ALICE_TEXT }])
    const aliceId = reviewIdFor('clinic', 'import', 'r1')
    const testimonialId = await h.publishQuote(aliceId, 20, 'home')
    expect((await h.call('POST', `/api/v1/testimonials/${testimonialId}/authorizations`, { signedBy: 'Alice Anders', signedAt: '2026-11-01', scope: 'website', reference: 'form 7' })).status).toBe(201)
    await expect.poll(async () => (await h.publicFeed('home')).testimonials[0]?.attribution).toBe('Alice A.')

    const attack = await h.importRows('annex', 'b.csv', [{ id: 'r1', author: 'Bob Underwood', rating: 1, text: 'Terrible. Waited an hour.' }])
    expect(attack).toMatchObject({ rowsInserted: 1, rowsRevised: 0, withdrawn: [] })

    const store = new ReviewStore(h.temp.db)
    expect(await store.get(aliceId)).toMatchObject({ locationId: 'clinic', author: 'Alice Anders', rating: 5, text: ALICE_TEXT, revision: 1 })
    expect(await store.get(reviewIdFor('annex', 'import', 'r1'))).toMatchObject({ locationId: 'annex', author: 'Bob Underwood', rating: 1 })
    expect(await getTestimonial(h.temp.db, testimonialId)).toMatchObject({ status: 'published' })
    const feed = await h.publicFeed('home')
    expect(feed.testimonials).toEqual([expect.objectContaining({ excerpt: 'I never felt rushed. …', attribution: 'Alice A.', rating: 5 })])

    // The good path still works: a file for location A edits location A's review.
    const edit = await h.importRows('clinic', 'a2.csv', [{ id: 'r1', author: 'Alice Anders', rating: 5, text: `${ALICE_TEXT} Thank you!` }])
    expect(edit).toMatchObject({ rowsRevised: 1, rowsInserted: 0 })
    expect((await store.get(aliceId))!.revision).toBe(2)
    expect((await store.get(reviewIdFor('annex', 'import', 'r1')))!.text).toBe('Terrible. Waited an hour.')
  })
})

describe('the name under a testimonial is the name the patient signed for (issue 13, point 3)', () => {
  const h = useHarness('trust-name')

  it('withdraws the name when an import changes the review’s author, until someone authorizes the new name', async () => {
    await h.importRows('clinic', 'n.csv', [{ id: 'n1', author: 'Myra Kowalski', rating: 5, text: ALICE_TEXT }])
    const testimonialId = await h.publishQuote(reviewIdFor('clinic', 'import', 'n1'), 20, 'neck')
    const record = { signedBy: 'Myra Kowalski', signedAt: '2026-11-01', scope: 'website', reference: 'form 12' }
    const refused = await h.call<{ message: string }>('POST', `/api/v1/testimonials/${testimonialId}/authorizations`, { ...record, signedName: 'Bob Underwood' })
    expect(refused.status).toBe(422)
    expect(refused.body.message).toContain('signedName')
    expect((await h.call('POST', `/api/v1/testimonials/${testimonialId}/authorizations`, record)).status).toBe(201)
    await expect.poll(async () => (await h.publicFeed('neck')).testimonials[0]?.attribution).toBe('Myra K.')

    // Same words and rating, another author: the testimonial stays, the signed name does not apply.
    await h.importRows('clinic', 'n2.csv', [{ id: 'n1', author: 'Bob Underwood', rating: 5, text: ALICE_TEXT }])
    await expect.poll(async () => (await h.publicFeed('neck')).testimonials[0]?.attribution).toBe('Verified patient')
    expect(await getTestimonial(h.temp.db, testimonialId)).toMatchObject({ status: 'published' })

    // Re-authorized for the new name, the name comes back.
    expect((await h.call('POST', `/api/v1/testimonials/${testimonialId}/authorizations`, { ...record, signedBy: 'Bob Underwood', signedAt: '2026-11-19' })).status).toBe(201)
    await expect.poll(async () => (await h.publicFeed('neck')).testimonials[0]?.attribution).toBe('Bob U.')
  })
})

describe('imports withdraw testimonials as the Google sync does (issue 13, point 4)', () => {
  const h = useHarness('trust-verbatim')

  it('withdraws a testimonial, in the import that changed it, when the quoted words go or the rating drops; an edit that keeps them leaves it', async () => {
    await h.importRows('clinic', 'v.csv', [
      { id: 'v1', author: 'Ann Lee', rating: 5, text: ALICE_TEXT },
      { id: 'v2', author: 'Ben Ode', rating: 5, text: 'Never rushed, always gentle. Exactly what I was looking for.' },
      { id: 'v3', author: 'Cy Park', rating: 5, text: 'Great advice on my desk posture and monitor height.' },
    ])
    const words = await h.publishQuote(reviewIdFor('clinic', 'import', 'v1'), 20, 'words')
    const rating = await h.publishQuote(reviewIdFor('clinic', 'import', 'v2'), 28, 'rating')
    const kept = await h.publishQuote(reviewIdFor('clinic', 'import', 'v3'), 30, 'kept')
    await expect.poll(async () => (await h.publicFeed('words')).testimonials).toHaveLength(1)

    const result = await h.importRows('clinic', 'v2.csv', [
      { id: 'v1', author: 'Ann Lee', rating: 5, text: 'I felt rushed. My neck pain is gone after three visits.' },
      { id: 'v2', author: 'Ben Ode', rating: 2, text: 'Never rushed, always gentle. Exactly what I was looking for.' },
      { id: 'v3', author: 'Cy Park', rating: 5, text: 'Great advice on my desk posture and monitor height. Update: still great.' },
    ])
    expect(result.withdrawn.map((w) => [w.testimonialId, w.reason]).sort()).toEqual(
      [
        [words, 'excerpt-no-longer-verbatim'],
        [rating, 'rating-lowered'],
      ].sort(),
    )
    expect(await getTestimonial(h.temp.db, words)).toMatchObject({ status: 'withdrawn', withdrawnReason: 'excerpt-no-longer-verbatim' })
    expect(await getTestimonial(h.temp.db, rating)).toMatchObject({ status: 'withdrawn', withdrawnReason: 'rating-lowered' })
    expect(await getTestimonial(h.temp.db, kept)).toMatchObject({ status: 'published' })
    expect(await withdrawalsOf(h, words)).toEqual([{ actor: 'import', after: JSON.stringify({ status: 'withdrawn', reason: 'excerpt-no-longer-verbatim' }) }])
    expect(await withdrawalsOf(h, rating)).toHaveLength(1)
    expect(await withdrawalsOf(h, kept)).toEqual([])
    // The feeds were rebuilt by the import: the withdrawn quotes are gone, the kept one stays.
    await expect.poll(async () => (await h.publicFeed('words')).testimonials).toEqual([])
    await expect.poll(async () => (await h.publicFeed('rating')).testimonials).toEqual([])
    expect((await h.publicFeed('kept')).testimonials).toHaveLength(1)
    // A withdrawn testimonial cannot be published again.
    expect((await h.call('POST', `/api/v1/testimonials/${words}/publish`)).status).not.toBe(200)
  })
})

describe('hostile rows in import files (issue 13, point 15)', () => {
  const h = useHarness('trust-rows')

  it('rejects a repeated id at its second line and keeps the first row', async () => {
    const result = await h.importRows('clinic', 'dup.csv', [
      { id: 'd1', author: 'First Writer', rating: 5, text: 'The first row, as the patient wrote it.' },
      { id: 'd2', rating: 4, text: 'Another review.' },
      { id: 'd1', author: 'Second Writer', rating: 1, text: 'A second row that must not replace the first.' },
    ])
    expect(result).toMatchObject({ rowsRead: 3, rowsInserted: 2, rowsRevised: 0, rowsRejected: 1 })
    expect(result.rejections).toEqual([{ line: 4, field: 'id', value: 'd1', message: 'id "d1" appears twice in this file (first at line 2) (line 4)' }])
    expect(await new ReviewStore(h.temp.db).get(reviewIdFor('clinic', 'import', 'd1'))).toMatchObject({ author: 'First Writer', rating: 5, revision: 1 })
  })

  it('rejects a lone surrogate (or a NUL, which PostgreSQL cannot store) in a JSON Lines file, naming the field, and imports the good rows', async () => {
    const file = join(h.temp.dir, 'lone.jsonl')
    const row = (id: string, author: string, text: string) => `{"id":"${id}","source":"import","author":"${author}","rating":5,"text":"${text}","created_at":"2025-01-01","url":""}`
    writeFileSync(file, [row('s1', 'Ann Lee', 'Kind staff \\ud83d\\ude42'), row('s2', 'Ann \\ud800 Lee', 'Fine.'), row('s3', 'Bo Li', 'Good \\udc00 care'), row('s4', 'Cy Ng', 'Nul \\u0000 here')].join('\n') + '\n')
    const result = await h.pipeline.importAndAnalyze(file, 'clinic')
    expect(result).toMatchObject({ rowsInserted: 1, rowsRejected: 3 })
    expect(result.rejections.map((r) => [r.line, r.field])).toEqual([
      [2, 'author'],
      [3, 'text'],
      [4, 'text'],
    ])
    expect(result.rejections[0]!.message).toContain('lone surrogate')
    expect((await new ReviewStore(h.temp.db).get(reviewIdFor('clinic', 'import', 's1')))!.text).toBe('Kind staff 🙂')
    expect(await new ReviewStore(h.temp.db).get(reviewIdFor('clinic', 'import', 's2'))).toBeNull()
  })

  it('rejects CSV cells that are not UTF-8 (an encoded lone surrogate), naming the field', async () => {
    const file = join(h.temp.dir, 'bytes.csv')
    const line = (id: string, text: Buffer) => Buffer.concat([Buffer.from(`${id},import,Pat Doe,5,"`), text, Buffer.from('",2025-01-01,\n')])
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`\uFEFF${IMPORT_HEADER}\n`),
        line('b1', Buffer.from('Café care 👩‍⚕️, gentle.')),
        line('b2', Buffer.concat([Buffer.from('Broken '), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(' bytes')])),
      ]),
    )
    const result = await h.pipeline.importAndAnalyze(file, 'clinic')
    expect(result).toMatchObject({ rowsInserted: 1, rowsRejected: 1 })
    expect(result.rejections.map((r) => [r.line, r.field])).toEqual([[3, 'text']])
    expect((await new ReviewStore(h.temp.db).get(reviewIdFor('clinic', 'import', 'b1')))!.text).toBe('Café care 👩‍⚕️, gentle.')
  })

  it('snaps an excerpt that starts or ends inside an emoji sequence to the whole character', async () => {
    const text = 'Dr. 👩‍⚕️ Lee fixed my neck 👍🏽 thank you'
    await h.importRows('clinic', 'emoji.csv', [{ id: 'e1', rating: 5, text }])
    const nurse = text.indexOf('👩')
    const thumb = text.indexOf('👍')
    // Start on the ZWJ inside 👩‍⚕️, end between 👍 and its skin tone.
    const created = await h.call<{ testimonial: { excerpt: { start: number; end: number; text: string } } }>('POST', '/api/v1/testimonials', {
      reviewId: reviewIdFor('clinic', 'import', 'e1'),
      start: nurse + 2,
      end: thumb + 2,
      publish: false,
    })
    expect(created.status).toBe(201)
    expect(created.body.testimonial.excerpt).toEqual({ start: nurse, end: thumb + 4, text: '👩‍⚕️ Lee fixed my neck 👍🏽' })
  })
})
