import type { Job } from 'bullmq'
import { beforeAll, describe, expect, it } from 'vitest'
import { reviewIdFor } from '../../src/db/ids.ts'
import { mentionVersions } from '../../src/db/stores/theme-packs.ts'
import type { ThemePack } from '../../src/domain/themes/pack.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { ADMIN_KEY, usePipeline } from '../support/pipeline.ts'
import { uniquePrefix } from '../support/redis.ts'

const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('theme-packs')

describe('theme packs through the API, the queue and the worker', () => {
  const suite = usePipeline(prefix, () => NOW, { storedPacks: true })
  let base: string
  const rows = [
    { id: 'r1', rating: 5, text: 'I never felt rushed. Dr. Daniel took his time.', createdAt: '2025-01-01T10:00:00Z' },
    { id: 'r2', rating: 2, text: 'The parking garage was a nightmare to find.', createdAt: '2025-01-02T10:00:00Z' },
    { id: 'r3', rating: 4, text: 'Great advice on my desk posture and monitor height.', createdAt: '2025-01-03T10:00:00Z' },
    ...Array.from({ length: 40 }, (_, i) => ({ id: `f${i}`, rating: 5, text: `Visit ${i}: easy parking right outside.`, createdAt: '2024-06-01T10:00:00Z' })),
  ]

  beforeAll(async () => {
    base = suite.pipeline.api.url
    await suite.pipeline.importAndAnalyze(writeReviewsCsv(suite.temp.dir, 'themes.csv', rows), 'clinic')
  })

  // Packs hold labelled review text: reading them needs a key (issue 13).
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    return { status: response.status, body: (await response.json()) as Record<string, any> }
  }
  const send = async (method: string, path: string, body: unknown, key: string | null = ADMIN_KEY) => {
    const response = await fetch(`${base}${path}`, {
      method, headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) }, body: JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as Record<string, any> }
  }
  /** Resolves when the worker finishes the backfill job, with the progress values it reported. */
  const untilBackfilled = (jobId: string) => new Promise<unknown[]>((resolve, reject) => {
    const progress: unknown[] = []
    const onProgress = (job: Job, p: unknown) => { if (job.id === jobId) progress.push(p) }
    const onDone = (job: Job | undefined) => {
      if (job?.id !== jobId) return
      suite.pipeline.worker.off('progress', onProgress)
      if (job.finishedOn !== undefined && job.failedReason === undefined) resolve(progress)
      else reject(new Error(job.failedReason))
    }
    suite.pipeline.worker.on('progress', onProgress)
    suite.pipeline.worker.on('completed', onDone)
    suite.pipeline.worker.on('failed', onDone)
  })

  it('lists the shipped chiropractic (active) and restaurant packs, each at version 1', async () => {
    const { status, body } = await get('/api/v1/theme-packs')
    expect(status).toBe(200)
    expect(body.packs.map((p: any) => [p.id, p.version, p.active])).toEqual([['chiropractic', 1, true], ['restaurant', 1, false]])
    const restaurant = await get('/api/v1/theme-packs/restaurant')
    expect(restaurant.body.pack.themes.map((t: any) => t.id)).toEqual(['food', 'service', 'price', 'ambience', 'anecdotes/miscellaneous'])
  })

  it('refuses a pack change without the admin key, and a cue that cannot compile with 422', async () => {
    const pack = (await get('/api/v1/theme-packs/chiropractic')).body.pack as ThemePack
    expect((await send('PUT', '/api/v1/theme-packs/chiropractic', pack, null)).status).toBe(401)
    const bad = { ...pack, themes: [{ ...pack.themes[0]!, cues: ['.. starts with a gap'] }, ...pack.themes.slice(1)] }
    const refused = await send('PUT', '/api/v1/theme-packs/chiropractic', bad)
    expect(refused.status).toBe(422)
    expect(refused.body.message).toContain('must start with a word')
    expect((await get('/api/v1/theme-packs/chiropractic')).body.pack.version).toBe(1)
  })

  it('refuses through the API the pack whose cue has seven gaps (issue 13), naming the cue, and the feed stays answered', async () => {
    const pack = (await get('/api/v1/theme-packs/chiropractic')).body.pack as ThemePack
    const cue = `pain ${Array.from({ length: 7 }, () => '... pain').join(' ')} zz`
    const refused = await send('PUT', '/api/v1/theme-packs/chiropractic', { ...pack, themes: [{ ...pack.themes[0]!, cues: [cue] }, ...pack.themes.slice(1)] })
    expect(refused.status).toBe(422)
    expect(refused.body.message).toContain(`cue "${cue}": 7 gaps (.. or ...) in one phrase, at most 1 allowed`)
    expect((await get('/api/v1/theme-packs/chiropractic')).body.pack.version).toBe(1)
  })

  it('re-tags every review in batches when the active pack changes, and mentions carry the new version', async () => {
    const r2 = reviewIdFor('clinic', 'import', 'r2')
    expect(await mentionVersions(suite.temp.db, r2)).toEqual([])
    const pack = (await get('/api/v1/theme-packs/chiropractic')).body.pack as ThemePack
    const changed: ThemePack = {
      ...pack,
      themes: [...pack.themes, { id: 'parking', label: 'Parking', description: 'Finding a place to park.', cues: ['(parking|park) (garage|lot|spot|space)?'], antiCues: [] }],
    }
    const done = untilBackfilled('backfill-chiropractic-v2')
    const saved = await send('PUT', '/api/v1/theme-packs/chiropractic', changed)
    expect(saved.status).toBe(200)
    expect(saved.body.pack.version).toBe(2)
    expect(saved.body.backfill).toMatchObject({ id: 'chiropractic@2', total: rows.length })
    const progress = await done

    expect(progress.at(-1)).toEqual({ done: rows.length, total: rows.length })
    expect(await mentionVersions(suite.temp.db, r2)).toEqual([{ theme: 'parking', packId: 'chiropractic', packVersion: 2 }])
    for (const m of await mentionVersions(suite.temp.db, reviewIdFor('clinic', 'import', 'r1'))) expect(m.packVersion).toBe(2)
    const status = await get('/api/v1/theme-packs/chiropractic/backfill')
    expect(status.body.backfill).toMatchObject({ status: 'finished', done: rows.length, total: rows.length, packVersion: 2 })
    expect(status.body.jobProgress).toEqual({ done: rows.length, total: rows.length })
  })

  it('records a curator confirming, rejecting and adding a theme, and retrains on them', async () => {
    const r1 = reviewIdFor('clinic', 'import', 'r1')
    const confirm = await send('POST', '/api/v1/mention-corrections', { reviewId: r1, theme: 'never-rushed', verdict: 'confirm' })
    expect(confirm.status).toBe(201)
    expect(confirm.body.correction).toMatchObject({ verdict: 'confirm', polarity: 'positive' })
    const reject = await send('POST', '/api/v1/mention-corrections', { reviewId: reviewIdFor('clinic', 'import', 'r3'), theme: 'posture', verdict: 'reject' })
    expect(reject.status).toBe(201)
    const add = await send('POST', '/api/v1/mention-corrections', { reviewId: reviewIdFor('clinic', 'import', 'r2'), theme: 'staff', verdict: 'add', start: 0, end: 10 })
    expect(add.body.correction).toMatchObject({ evidence: 'The parkin', start: 0, end: 10 })
    expect((await send('POST', '/api/v1/mention-corrections', { reviewId: r1, theme: 'cost', verdict: 'reject' })).status).toBe(404)
    expect((await send('POST', '/api/v1/mention-corrections', { reviewId: r1, theme: 'nope', verdict: 'add' })).status).toBe(422)

    const retrained = await send('POST', '/api/v1/theme-packs/chiropractic/retrain', {})
    expect(retrained.body.model).toMatchObject({ packId: 'chiropractic', packVersion: 2, corrections: 3 })
  })
})
