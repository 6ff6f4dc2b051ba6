import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reviewIdFor } from '../../src/db/ids.ts'
import { listThemeCorrections } from '../../src/db/stores/review-moderation.ts'
import { searchForCuration } from '../../src/db/stores/curation-search.ts'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { labelledExamplesFromCorrections } from '../../src/services/moderation.ts'
import { rebuildFeedsWithExpiredAuthorizations } from '../../src/services/authorizations.ts'
import { createHandlers } from '../../src/workers/handlers.ts'
import { createAnalyzer } from '../../src/services/analyze-reviews.ts'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { asSession, seedUser, signIn, type Session } from '../support/accounts.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { startPipeline, type Pipeline } from '../support/pipeline.ts'
import { correctionsFor } from '../../src/db/stores/theme-packs.ts'
import { removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

let clock = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('workspace')

interface Hit {
  id: string
  rating: number
  text: string
  source: string
  themes: Array<{ theme: string; polarity: string; verdict: string | null }>
  evidence: Array<{ theme: string; start: number; end: number }>
  hidden: { reason: string; actor: string } | null
}
interface Feed {
  testimonials: Array<{ id: string; excerpt: string; attribution: string }>
}

describe('the curation workspace API', () => {
  let temp: TempDatabase
  let pipeline: Pipeline
  let base: string
  let mia: Session
  let owner: Session
  const id = (external: string) => reviewIdFor('clinic', 'import', external)

  beforeAll(async () => {
    temp = await createTempDatabase()
    pipeline = await startPipeline(temp.db, prefix, () => clock, { storedPacks: true })
    base = pipeline.api.url
    await pipeline.importAndAnalyze(
      writeReviewsCsv(temp.dir, 'w.csv', [
        { id: 'w1', author: 'Myra Kowalski', rating: 5, text: 'I never felt rushed. Dr. Daniel took his time with my neck.', createdAt: '2025-03-01T10:00:00Z' },
        { id: 'w2', rating: 1, text: 'Felt rushed and ignored, in and out in five minutes.', createdAt: '2025-04-01T10:00:00Z' },
        { id: 'w3', rating: 4, text: 'Great advice on my desk posture and monitor height.', createdAt: '2024-06-01T10:00:00Z' },
        { id: 'w4', rating: 2, text: 'Buy cheap watches at spam-site dot com', createdAt: '2025-05-01T10:00:00Z' },
        { id: 'w5', rating: 5, text: 'Rushing "NEAR" AND OR * words: rushed appointments never happen here.', createdAt: '2025-06-01T10:00:00Z' },
      ]),
      'clinic',
    )
    await seedUser(temp.db, 'mia@clinic.test', 'marketing', clock)
    await seedUser(temp.db, 'owner@clinic.test', 'owner', clock)
    mia = await signIn(base, 'mia@clinic.test')
    owner = await signIn(base, 'owner@clinic.test')
  })
  afterAll(async () => {
    await pipeline.close()
    await temp.remove()
    await removeKeys(prefix)
  })

  const call = async <T>(session: Session, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${base}${path}`, asSession(session, method, body))
    return { status: response.status, body: (await response.json()) as T }
  }
  const search = async (query: string) => (await call<{ reviews: Hit[] }>(mia, 'GET', `/api/v1/curation/search?${query}`)).body.reviews
  const publicFeed = async (slug: string) => (await (await fetch(`${base}/api/public/v1/collections/${slug}`)).json()) as Feed

  it('finds reviews by word stems with full-text search (FTS5, tsvector), treating query syntax as plain words', async () => {
    expect((await search('q=rushed')).map((r) => r.id).sort()).toEqual([id('w1'), id('w2'), id('w5')].sort())
    expect((await search('q=posture%20monitor')).map((r) => r.id)).toEqual([id('w3')])
    expect((await search(`q=${encodeURIComponent('"NEAR" AND OR *')}`)).map((r) => r.id)).toEqual([id('w5')])
    expect(await search('q=%22%22')).toEqual([])
  })

  it('filters by theme, polarity, stars, date range and source, and shows chips with evidence offsets', async () => {
    const praise = await search('theme=never-rushed&polarity=positive')
    expect(praise.map((r) => r.id)).toContain(id('w1'))
    expect(praise.map((r) => r.id)).not.toContain(id('w2'))
    const w1 = praise.find((r) => r.id === id('w1'))!
    expect(w1.themes).toContainEqual({ theme: 'never-rushed', polarity: 'positive', verdict: null })
    const span = w1.evidence.find((e) => e.theme === 'never-rushed')!
    expect(w1.text.slice(span.start, span.end)).toMatch(/rushed/)
    expect((await search('stars=1,2')).map((r) => r.rating).sort()).toEqual([1, 2])
    expect((await search('from=2025-03-01&to=2025-04-01')).map((r) => r.id).sort()).toEqual([id('w1'), id('w2')].sort())
    expect((await search('source=google-business-profile'))).toEqual([])
    expect((await call(mia, 'GET', '/api/v1/curation/search?stars=6')).status).toBe(400)
  })

  it('gives the same page whichever plan the search picks (few matches: start from them; many: walk newest first)', async () => {
    for (const query of [{ words: 'rushed' }, { theme: 'never-rushed', polarity: 'positive' as const }, { words: 'rushed', stars: [1, 5] }, { theme: 'posture' }]) {
      const driven = (await searchForCuration(temp.db, { ...query, includeHidden: true, limit: 2 })).map((r) => r.id)
      const walked = (await searchForCuration(temp.db, { ...query, includeHidden: true, limit: 2, driveLimit: 0 })).map((r) => r.id)
      expect(walked, JSON.stringify(query)).toEqual(driven)
      expect(driven.length, JSON.stringify(query)).toBeGreaterThan(0)
    }
  })

  it('records confirmed, rejected and added themes where the theme engine can learn from them', async () => {
    expect((await call(mia, 'POST', `/api/v1/reviews/${id('w1')}/themes`, { theme: 'never-rushed', polarity: 'positive', verdict: 'confirmed' })).status).toBe(201)
    expect((await call(mia, 'POST', `/api/v1/reviews/${id('w3')}/themes`, { theme: 'posture', polarity: 'positive', verdict: 'rejected' })).status).toBe(201)
    expect((await call(mia, 'POST', `/api/v1/reviews/${id('w1')}/themes`, { theme: 'connected-care', polarity: 'positive', verdict: 'added' })).status).toBe(201)
    expect((await call(mia, 'POST', `/api/v1/reviews/${id('w1')}/themes`, { theme: 'made-up', polarity: 'positive', verdict: 'added' })).status).toBe(400)
    expect((await listThemeCorrections(temp.db)).map((c) => [c.theme, c.verdict, c.actor])).toEqual([
      ['never-rushed', 'confirmed', 'user:mia@clinic.test'],
      ['posture', 'rejected', 'user:mia@clinic.test'],
      ['connected-care', 'added', 'user:mia@clinic.test'],
    ])
    const learnedFrom = (await correctionsFor(temp.db, 'chiropractic')).map((c) => [c.reviewId, c.theme, c.verdict, c.evidence.length > 0])
    expect(learnedFrom).toEqual([
      [id('w1'), 'never-rushed', 'confirm', true],
      [id('w3'), 'posture', 'reject', true],
      [id('w1'), 'connected-care', 'add', true],
    ])
    const labelled = await labelledExamplesFromCorrections(temp.db)
    expect(labelled.find((e) => e.id === id('w1'))?.themes).toMatchObject({ 'never-rushed': 'positive', 'connected-care': 'positive' })
    expect((await new ReviewStore(temp.db).get(id('w3')))?.themes).toHaveProperty('posture')
    expect(labelled.find((e) => e.id === id('w3'))?.themes).not.toHaveProperty('posture')
    const w1 = (await search('q=Daniel'))[0]!
    expect(w1.themes).toContainEqual({ theme: 'connected-care', polarity: 'positive', verdict: 'added' })
    expect(w1.themes).toContainEqual({ theme: 'never-rushed', polarity: 'positive', verdict: 'confirmed' })
  })

  it('hides a review only for a reason from the fixed list, never for being negative, and logs who and when', async () => {
    for (const reason of ['negative', 'low-rating', '']) expect((await call(mia, 'POST', `/api/v1/reviews/${id('w2')}/hide`, { reason })).status).toBe(400)
    expect((await call(mia, 'POST', `/api/v1/reviews/${id('w4')}/hide`, { reason: 'spam' })).status).toBe(200)
    expect((await search('hidden=exclude')).map((r) => r.id)).not.toContain(id('w4'))
    expect((await search('q=watches'))[0]!.hidden).toMatchObject({ reason: 'spam', actor: 'user:mia@clinic.test' })
    expect((await call<{ message: string }>(mia, 'POST', '/api/v1/testimonials', { reviewId: id('w4'), start: 0, end: 10 })).body.message).toContain('hidden from public lists (spam)')
    // Ratings hide nothing: the one-star review is still listed.
    expect((await search('stars=1&hidden=exclude')).map((r) => r.id)).toEqual([id('w2')])
    const listed = (await call<{ reviews: Array<{ id: string }> }>(mia, 'GET', '/api/v1/locations/clinic/reviews?limit=100')).body
    expect(listed.reviews.map((r) => r.id)).not.toContain(id('w4'))
    expect(listed.reviews.map((r) => r.id)).toContain(id('w2'))
    const audit = (await call<{ entries: Array<{ action: string; actor: string; at: string; subject: string; after: unknown }> }>(owner, 'GET', '/api/v1/audit')).body.entries
    expect(audit.find((e) => e.action === 'review.hide')).toEqual(expect.objectContaining({ actor: 'user:mia@clinic.test', at: clock.toISOString(), subject: id('w4'), after: { reason: 'spam' } }))
  })

  it('refuses an excerpt that is not verbatim, and previews one exactly as the widget will show it', async () => {
    expect((await call(mia, 'POST', '/api/v1/testimonials', { reviewId: id('w1'), start: 40, end: 400 })).status).toBe(422)
    expect((await call(mia, 'POST', '/api/v1/testimonials', { reviewId: id('w1'), start: 0, end: 20, text: 'I was never rushed!' })).status).toBe(400)
    // Nobody types a name either: the attribution follows from the authorization records alone.
    const named = await call<{ message: string }>(mia, 'POST', '/api/v1/testimonials', { reviewId: id('w1'), start: 0, end: 20, attribution: 'Myra K.' })
    expect(named.status).toBe(400)
    expect(named.body.message).toContain('unknown parameter "attribution"')
    const preview = await call<{ feed: Feed & { label: string } }>(mia, 'POST', '/api/v1/testimonials/preview', { reviewId: id('w1'), start: 0, end: 20 })
    expect(preview.body.feed.label).toBe('Selected patient reviews')
    expect(preview.body.feed.testimonials[0]).toMatchObject({ excerpt: 'I never felt rushed. …', attribution: 'Verified patient' })
  })

  it('shows "Myra K." only while a valid authorization stands; revocation and expiry withdraw the name', async () => {
    const created = await call<{ testimonial: { id: string } }>(mia, 'POST', '/api/v1/testimonials', { reviewId: id('w1'), start: 0, end: 20, publish: true })
    const tid = created.body.testimonial.id
    expect((await call(mia, 'PUT', '/api/v1/collections/neck', { title: 'Neck', testimonialIds: [tid] })).status).toBe(200)
    expect((await publicFeed('neck')).testimonials[0]!.attribution).toBe('Verified patient')

    const record = { signedBy: 'Myra Kowalski', signedAt: '2026-11-01', scope: 'name with testimonial on clinic website', reference: 'form HIPAA-12 (scan 2026-11-01.pdf)' }
    expect((await call(mia, 'POST', `/api/v1/testimonials/${tid}/authorizations`, { ...record, signedAt: '2026-12-01' })).status).toBe(422)
    const granted = await call<{ authorization: { id: string } }>(mia, 'POST', `/api/v1/testimonials/${tid}/authorizations`, record)
    expect(granted.status).toBe(201)
    expect((await publicFeed('neck')).testimonials[0]!.attribution).toBe('Myra K.')

    expect((await call(mia, 'POST', `/api/v1/authorizations/${granted.body.authorization.id}/revoke`)).status).toBe(200)
    expect((await publicFeed('neck')).testimonials[0]!.attribution).toBe('Verified patient')

    // Expiry: the scheduled job's service, with the clock moved past the expiry date.
    await call(mia, 'POST', `/api/v1/testimonials/${tid}/authorizations`, { ...record, expiresAt: '2026-12-31' })
    expect((await publicFeed('neck')).testimonials[0]!.attribution).toBe('Myra K.')
    expect(await rebuildFeedsWithExpiredAuthorizations(temp.db, new Date('2026-12-30T12:00:00Z'))).toEqual([])
    clock = new Date('2026-12-31T00:00:01Z')
    const handlers = await createHandlers({ db: temp.db, analyzer: createAnalyzer(chiropracticPack), now: () => clock, announceFeed: async (slug) => pipeline.api.feeds.reload(slug) })
    expect(await handlers['expire-authorizations']({}, undefined as never)).toEqual({ rebuilt: ['neck'] })
    expect((await publicFeed('neck')).testimonials[0]!.attribution).toBe('Verified patient')
    expect(await handlers['expire-authorizations']({}, undefined as never)).toEqual({ rebuilt: [] })
    // Sessions last 12 hours: a month later, sign in again.
    mia = await signIn(base, 'mia@clinic.test')
    owner = await signIn(base, 'owner@clinic.test')

    const audit = (await call<{ entries: Array<{ action: string }> }>(owner, 'GET', '/api/v1/audit')).body.entries.map((e) => e.action)
    expect(audit).toEqual(expect.arrayContaining(['authorization.record', 'authorization.revoke', 'collection.put', 'testimonial.create']))
  })

  it('takes a hidden review out of the public feed', async () => {
    const created = await call<{ testimonial: { id: string } }>(mia, 'POST', '/api/v1/testimonials', { reviewId: id('w3'), start: 0, end: 30, publish: true })
    await call(mia, 'PUT', '/api/v1/collections/posture', { title: 'Posture', testimonialIds: [created.body.testimonial.id] })
    expect((await publicFeed('posture')).testimonials).toHaveLength(1)
    await call(mia, 'POST', `/api/v1/reviews/${id('w3')}/hide`, { reason: 'privacy' })
    expect((await publicFeed('posture')).testimonials).toHaveLength(0)
    await call(mia, 'POST', `/api/v1/reviews/${id('w3')}/unhide`)
    expect((await publicFeed('posture')).testimonials).toHaveLength(1)
  })

  it('exports the audit log as CSV with formulas neutralised, for owners only', async () => {
    // A failed login records the typed e-mail as the subject: a hostile string at the start of a cell.
    await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: '=HYPERLINK("http://evil")', password: 'x' }) })
    const response = await fetch(`${base}/api/v1/audit?format=csv`, asSession(owner, 'GET'))
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/)
    const csv = await response.text()
    expect(csv.split('\r\n')[0]).toBe('id,at,actor,action,subject,before,after')
    expect(csv).toContain('review.hide')
    expect(csv).toContain(`,"'=hyperlink(""http://evil"")",`)
    expect(csv).not.toMatch(/(^|,)"?[=+\-@]/m)
    expect((await fetch(`${base}/api/v1/audit?format=csv`, asSession(mia, 'GET'))).status).toBe(403)
  })

  // Last in the file: from here on the pipeline's worker may run the scheduled job by itself.
  it('registers the expiry job as one BullMQ job scheduler, however often a worker starts', async () => {
    await pipeline.queue.scheduleEvery('expire-authorizations', 60_000, {})
    await pipeline.queue.scheduleEvery('expire-authorizations', 60_000, {})
    const schedulers = await pipeline.queue.queue.getJobSchedulers()
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([['expire-authorizations', 60_000]])
  })
})
