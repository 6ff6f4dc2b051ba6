import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import type { Mention, Polarity, ReviewInput } from '../../src/domain/review.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { ensureLocation, setAggregate } from '../../src/db/stores/locations.ts'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { recordSyncOutcome } from '../../src/db/stores/source-health.ts'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { ADMIN_KEY, silentLogger } from '../support/pipeline.ts'
import { seedUser, signIn } from '../support/accounts.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

/**
 * A small fixed data set with hand-made theme analyses, so every figure below can be worked out
 * by hand. NOW is 2026-11-20: "last 30 days" is 2026-10-22..2026-11-20, the previous period
 * 2026-09-22..2026-10-21.
 */
const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('dashboard-api')

interface Fixture {
  id: string
  location?: string
  rating: number
  text: string
  createdAt: string
  author?: string
  themes: Array<[theme: string, polarity: Polarity, evidence: string]>
  replyAt?: string
}

const FIXTURES: Fixture[] = [
  // this period
  { id: 'c1', rating: 5, text: 'Never rushed, and my posture is better.', createdAt: '2026-11-02T09:00:00Z', themes: [['never-rushed', 'positive', 'Never rushed'], ['posture', 'positive', 'my posture is better']], replyAt: '2026-11-03T09:00:00Z' },
  { id: 'c2', rating: 2, text: 'Waited 40 minutes past my slot.', createdAt: '2026-11-10T10:00:00Z', themes: [['wait-time', 'negative', 'Waited 40 minutes']], replyAt: '2026-11-12T10:00:00Z' },
  { id: 'c3', rating: 1, text: 'Waited forever and the desk was rude.', createdAt: '2026-10-25T08:00:00Z', themes: [['wait-time', 'negative', 'Waited forever'], ['staff', 'negative', 'the desk was rude']] },
  { id: 'c4', rating: 4, text: 'The wait was long but worth it.', createdAt: '2026-11-15T16:00:00Z', themes: [['wait-time', 'mixed', 'The wait was long but worth it']] },
  { id: 'c5', rating: 5, text: '', createdAt: '2026-11-18T12:00:00Z', themes: [] },
  // previous period
  { id: 'p1', rating: 5, text: 'Never felt rushed.', createdAt: '2026-10-01T10:00:00Z', themes: [['never-rushed', 'positive', 'Never felt rushed']], replyAt: '2026-10-01T12:00:00Z' },
  { id: 'p2', rating: 3, text: 'A short wait.', createdAt: '2026-09-25T10:00:00Z', author: '=HYPERLINK("http://evil.example","click")', themes: [['wait-time', 'negative', 'A short wait']] },
  // older: only in the monthly trend
  { id: 'o1', rating: 4, text: 'Good posture tips.', createdAt: '2026-08-01T10:00:00Z', themes: [['posture', 'positive', 'posture tips']] },
  // removed at the source: counted nowhere
  { id: 'gone', rating: 1, text: 'Waited an hour.', createdAt: '2026-11-11T10:00:00Z', themes: [['wait-time', 'negative', 'Waited an hour']] },
  // another location: never in the clinic's figures
  { id: 'a1', location: 'annex', rating: 1, text: 'Waited an hour.', createdAt: '2026-11-05T10:00:00Z', themes: [['wait-time', 'negative', 'Waited an hour']] },
]

async function seed(temp: TempDatabase): Promise<void> {
  const store = new ReviewStore(temp.db)
  for (const location of ['clinic', 'annex']) {
    await ensureLocation(temp.db, { id: location, name: location === 'clinic' ? 'Upper Back Clinic' : 'Annex' })
    const fixtures = FIXTURES.filter((f) => (f.location ?? 'clinic') === location)
    const inputs: ReviewInput[] = fixtures.map((f) => ({ source: 'google-business-profile', externalId: f.id, author: f.author ?? 'Pat D.', rating: f.rating, text: f.text, createdAt: new Date(f.createdAt), url: `https://example.com/r/${f.id}` }))
    await store.upsertBatch(location, inputs, NOW)
    const hashes = new Map((await store.forAnalysis(fixtures.map((f) => reviewIdFor(location, 'google-business-profile', f.id)))).map((r) => [r.id, r.contentHash]))
    await store.saveAnalyses(
      fixtures.map((f) => {
        const id = reviewIdFor(location, 'google-business-profile', f.id)
        const mentions: Mention[] = f.themes.map(([theme, polarity, evidence]) => ({ theme, polarity, start: f.text.indexOf(evidence), end: f.text.indexOf(evidence) + evidence.length, score: 1 }))
        return { reviewId: id, contentHash: hashes.get(id)!, result: { themes: Object.fromEntries(f.themes.map(([t, p]) => [t, p])), mentions } }
      }),
      'chiropractic',
      1,
    )
    for (const f of fixtures) if (f.replyAt) await store.recordReply(reviewIdFor(location, 'google-business-profile', f.id), new Date(f.replyAt))
  }
  await store.markRemoved([reviewIdFor('clinic', 'google-business-profile', 'gone')], NOW)
  await setAggregate(temp.db, 'clinic', { source: 'google-business-profile', rating: 4.6, count: 120, url: null, checkedAt: new Date('2026-11-20T09:00:00Z') })
  await recordSyncOutcome(temp.db, { locationId: 'clinic', source: 'google-business-profile', at: new Date('2026-11-19T08:00:00Z'), ok: true })
  await recordSyncOutcome(temp.db, { locationId: 'clinic', source: 'google-business-profile', at: new Date('2026-11-20T08:00:00Z'), ok: false, error: 'invalid_grant', needsReauth: true })
}

describe('the dashboard API on a small fixed data set', () => {
  let temp: TempDatabase
  let api: RunningApi
  const redis = connectTestRedis()

  beforeAll(async () => {
    temp = await createTempDatabase()
    await seed(temp)
    api = await startApiServer({
      db: temp.db,
      redis,
      prefix,
      logger: silentLogger,
      adminApiKey: ADMIN_KEY,
      themeIds: chiropracticPack.themes.map((t) => t.id),
      themeLabels: chiropracticPack.themes.map((t) => ({ id: t.id, label: t.label })),
      now: () => NOW,
      port: 0,
      host: '127.0.0.1',
    })
  })
  afterAll(async () => {
    await api.close()
    await redis.quit()
    await temp.remove()
    await removeKeys(prefix)
  })

  const getJson = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${api.url}${path}`, { headers })
    return { status: response.status, body: (await response.json()) as any }
  }

  it('counts reviews and stars in the last 30 days against the 30 days before', async () => {
    const { status, body } = await getJson('/api/v1/locations/clinic/dashboard?period=30')
    expect(status).toBe(200)
    expect(body.period.current).toEqual({ from: '2026-10-22', to: '2026-11-20' })
    expect(body.period.previous).toEqual({ from: '2026-09-22', to: '2026-10-21' })
    expect(body.volume).toEqual({ current: 5, previous: 2 })
    expect(body.stars.current).toEqual({ '1': 1, '2': 1, '3': 0, '4': 1, '5': 2 })
    expect(body.stars.previous).toEqual({ '1': 0, '2': 0, '3': 1, '4': 0, '5': 1 })
    expect(body.stars.averageCurrent).toBe(3.4) // (1 + 2 + 4 + 5 + 5) / 5
    expect(body.stars.averagePrevious).toBe(4)
  })

  it('gives each theme its share of reviews and its praise, complaint and mixed counts', async () => {
    const { body } = await getJson('/api/v1/locations/clinic/dashboard?period=30')
    const byTheme = Object.fromEntries(body.themes.map((t: any) => [t.theme, t]))
    expect(body.themes[0].theme).toBe('wait-time')
    expect(byTheme['wait-time'].current).toEqual({ reviews: 3, share: 0.6, positive: 0, negative: 2, mixed: 1, neutral: 0 })
    expect(byTheme['wait-time'].previous).toEqual({ reviews: 1, share: 0.5, positive: 0, negative: 1, mixed: 0, neutral: 0 })
    expect(byTheme['never-rushed'].current).toEqual({ reviews: 1, share: 0.2, positive: 1, negative: 0, mixed: 0, neutral: 0 })
    expect(byTheme['never-rushed'].previous).toEqual({ reviews: 1, share: 0.5, positive: 1, negative: 0, mixed: 0, neutral: 0 })
    expect(byTheme.staff.current).toEqual({ reviews: 1, share: 0.2, positive: 0, negative: 1, mixed: 0, neutral: 0 })
    expect(byTheme.cost.current).toEqual({ reviews: 0, share: 0, positive: 0, negative: 0, mixed: 0, neutral: 0 })
    expect(body.themes).toHaveLength(12)
  })

  it('calls out the biggest changes in words, complaints first', async () => {
    const { body } = await getJson('/api/v1/locations/clinic/dashboard?period=30')
    expect(body.changes.map((c: any) => c.words)).toEqual([
      'Staff complaints: 0 → 1',
      'Wait time complaints: 1 → 2',
      'Posture & ergonomics praise: 0 → 1',
      'Wait time mixed mentions: 0 → 1',
    ])
  })

  it('shows the theme trend by month over the last twelve months', async () => {
    const { body } = await getJson('/api/v1/locations/clinic/dashboard?period=30')
    expect(body.trend.months[0]).toBe('2025-12')
    expect(body.trend.months.at(-1)).toBe('2026-11')
    const at = (month: string) => body.trend.months.indexOf(month)
    expect([at('2026-08'), at('2026-09'), at('2026-10'), at('2026-11')].map((i) => body.trend.volume[i])).toEqual([1, 1, 2, 4])
    const wait = body.trend.themes['wait-time']
    expect(wait.negative.slice(at('2026-08'))).toEqual([0, 1, 1, 1])
    expect(wait.mixed.slice(at('2026-08'))).toEqual([0, 0, 0, 1])
    expect(wait.share.slice(at('2026-08'))).toEqual([0, 1, 0.5, 0.5])
    expect(body.trend.themes.posture.positive.slice(at('2026-08'))).toEqual([1, 0, 0, 1])
  })

  it('lists reviews without a reply oldest first, with the reply rate and the median time to reply', async () => {
    const { body } = await getJson('/api/v1/locations/clinic/dashboard?period=30')
    expect(body.replies.waiting).toBe(5)
    expect(body.replies.oldestWaiting.map((r: any) => r.id)).toEqual(['o1', 'p2', 'c3', 'c4', 'c5'].map((id) => reviewIdFor('clinic', 'google-business-profile', id)))
    expect(body.replies.oldestWaiting[0].answerUrl).toBe('https://example.com/r/o1')
    expect(body.replies).toMatchObject({ reviewsInPeriod: 5, repliedInPeriod: 2, replyRate: 0.4, medianHoursToReply: 36 }) // 24 h and 48 h
  })

  it('shows the health of each source with what to do, and how fresh the aggregate is', async () => {
    const { body } = await getJson('/api/v1/locations/clinic/dashboard?period=30')
    expect(body.health.sources).toEqual([
      {
        source: 'google-business-profile',
        status: 'needs_reauth',
        advice: expect.stringContaining('reconnect'),
        lastSuccessAt: '2026-11-19T08:00:00.000Z',
        lastAttemptAt: '2026-11-20T08:00:00.000Z',
        needsReauth: true,
        lastError: 'invalid_grant',
      },
    ])
    expect(body.health.aggregate).toEqual({ source: 'google-business-profile', rating: 4.6, count: 120, checkedAt: '2026-11-20T09:00:00.000Z' })
  })

  it('a custom period is compared with the same number of days before it', async () => {
    const { body } = await getJson('/api/v1/locations/clinic/dashboard?period=custom&from=2026-11-01&to=2026-11-30')
    expect(body.period.previous).toEqual({ from: '2026-10-02', to: '2026-10-31' })
    expect(body.volume).toEqual({ current: 4, previous: 1 })
  })

  it('opens the reviews behind a figure, newest first, with the evidence offsets of that theme', async () => {
    const { status, body } = await getJson('/api/v1/locations/clinic/dashboard/reviews?from=2026-10-22&to=2026-11-20&theme=wait-time&polarity=negative')
    expect(status).toBe(200)
    expect(body.total).toBe(2)
    expect(body.reviews.map((r: any) => r.id)).toEqual([reviewIdFor('clinic', 'google-business-profile', 'c2'), reviewIdFor('clinic', 'google-business-profile', 'c3')])
    const c3 = body.reviews[1]
    expect(c3.evidence).toEqual([{ theme: 'wait-time', polarity: 'negative', start: 0, end: 14 }])
    expect(c3.text.slice(c3.evidence[0].start, c3.evidence[0].end)).toBe('Waited forever')

    const fives = await getJson('/api/v1/locations/clinic/dashboard/reviews?from=2026-10-22&to=2026-11-20&rating=5')
    expect(fives.body.reviews.map((r: any) => r.id)).toEqual([reviewIdFor('clinic', 'google-business-profile', 'c5'), reviewIdFor('clinic', 'google-business-profile', 'c1')])
  })

  it('answers 400 naming the parameter and value it cannot use', async () => {
    expect((await getJson('/api/v1/locations/clinic/dashboard?period=7')).body.message).toContain('period')
    const custom = await getJson('/api/v1/locations/clinic/dashboard?period=custom&from=2026-11-30&to=2026-11-01')
    expect(custom.status).toBe(400)
    expect(custom.body.message).toContain('2026-11-30')
    expect((await getJson('/api/v1/locations/clinic/dashboard/reviews?from=2026-02-30&to=2026-03-01')).status).toBe(400)
    expect((await getJson('/api/v1/locations/nowhere/dashboard')).status).toBe(404)
  })

  it('is open on loopback and to people signed in; a request through a proxy needs a session or a key', async () => {
    expect((await getJson('/api/v1/locations/clinic/dashboard', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(401)
    expect((await getJson('/api/v1/locations/clinic/dashboard', { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${ADMIN_KEY}` })).status).toBe(200)
    const page = await fetch(`${api.url}/app/dashboard`, { headers: { forwarded: 'for=203.0.113.9' } })
    expect(page.status).toBe(401)
    await seedUser(temp.db, 'mia@clinic.test', 'marketing', NOW)
    const marketing = await signIn(api.url, 'mia@clinic.test')
    expect((await getJson('/api/v1/locations/clinic/dashboard', { 'x-forwarded-for': '203.0.113.9', cookie: marketing.cookie })).status).toBe(200)

    const keyless = await startApiServer({ db: temp.db, redis, prefix, logger: silentLogger, adminApiKey: undefined, themeIds: ['wait-time'], now: () => NOW, port: 0, host: '127.0.0.1' })
    try {
      expect((await fetch(`${keyless.url}/app/dashboard`)).status).toBe(200)
      const proxied = await fetch(`${keyless.url}/app/dashboard`, { headers: { 'x-real-ip': '203.0.113.9' } })
      expect(proxied.status).toBe(401)
      expect(((await proxied.json()) as { message: string }).message).toContain('on this machine')
    } finally {
      await keyless.close()
    }
  })

  it('exports the dashboard tables as CSV with spreadsheet formulas neutralised', async () => {
    const themes = await fetch(`${api.url}/app/dashboard/export.csv?location=clinic&period=30&table=themes`)
    expect(themes.headers.get('content-type')).toContain('text/csv')
    const lines = (await themes.text()).trim().split('\r\n')
    expect(lines[0]).toBe('theme,period,reviews,share,positive,negative,mixed')
    expect(lines).toContain('Wait time,2026-10-22..2026-11-20,3,0.6,0,2,1')

    const replies = await (await fetch(`${api.url}/app/dashboard/export.csv?location=clinic&period=30&table=replies`)).text()
    expect(replies).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`)
    expect(replies).not.toMatch(/(^|,)"?=HYPERLINK/m)

    const stars = await (await fetch(`${api.url}/app/dashboard/export.csv?location=clinic&period=30&table=stars`)).text()
    expect(stars.split('\r\n').slice(0, 2)).toEqual(['stars,2026-10-22..2026-11-20,2026-09-22..2026-10-21', '5,2,1'])
  })

  it('serves the page with a strict CSP, no inline script, and the chart library from our own origin', async () => {
    const response = await fetch(`${api.url}/app/dashboard?location=clinic&period=30`)
    expect(response.status).toBe(200)
    const csp = response.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    const html = await response.text()
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)]
    for (const [, attrs = "", content] of scripts) expect(attrs.includes('src=') || attrs.includes('application/json') ? '' : content).toBe('')
    expect(html).toContain('src="/assets/uplot.min.js"')
    // Nothing loads from another origin; the only outside links are the reviews' own pages.
    const outside = [...html.matchAll(/(src|href)="(https?:\/\/[^/"]+)/g)].map((m) => `${m[1]} ${m[2]}`)
    expect(new Set(outside)).toEqual(new Set(['href https://example.com']))
    const uplot = await fetch(`${api.url}/assets/uplot.min.js`)
    expect(uplot.status).toBe(200)
    expect(await uplot.text()).toContain('uPlot')
    expect(html).toContain('Wait time complaints: 1 → 2')
  })
})
