import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { getBackfill, mentionVersions } from '../../src/db/stores/theme-packs.ts'
import { ensureLocation } from '../../src/db/stores/locations.ts'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { backfillForActivePack, createStoredAnalyzer, runBackfill } from '../../src/services/theme-backfill.ts'
import { savePack } from '../../src/services/theme-packs.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const NOW = new Date('2026-11-20T12:00:00Z')
const clock = () => NOW

describe('re-tagging every review after a pack change', () => {
  let temp: TempDatabase
  beforeEach(async () => {
    temp = await createTempDatabase()
    await ensureLocation(temp.db, { id: 'clinic', name: 'Clinic' })
    const inputs = Array.from({ length: 23 }, (_, i) => ({
      source: 'import' as const, externalId: `r${String(i).padStart(2, '0')}`, author: null, rating: 5,
      text: i % 2 === 0 ? 'I never felt rushed.' : 'Parking was easy.', createdAt: NOW, url: null,
    }))
    await new ReviewStore(temp.db).upsertBatch('clinic', inputs, NOW)
  })
  afterEach(() => temp.remove())

  const newVersion = async () => {
    const analyzer = await createStoredAnalyzer(temp.db, clock)
    await savePack(temp.db, { ...chiropracticPack, themes: [...chiropracticPack.themes, { id: 'parking', label: 'Parking', description: '', cues: ['parking'], antiCues: [] }] }, 'test', NOW)
    return { analyzer, backfill: await backfillForActivePack(temp.db, NOW) }
  }
  // start too: a review can mention one theme twice, and PostgreSQL does not keep ties in insertion order.
  const rows = () => temp.db.all(sql`select review_id, theme, polarity, start, "end", pack_version from mentions order by review_id, theme, start`)

  it('resumes at its cursor after a crash, in batches, and tags each review with the new version', async () => {
    const { analyzer, backfill } = await newVersion()
    const seen: Array<{ done: number; total: number }> = []
    let calls = 0
    const crashAfterSecondBatch = async (p: { done: number; total: number }) => {
      seen.push(p)
      if (++calls === 2) throw new Error('worker killed')
    }
    await expect(runBackfill(temp.db, analyzer, backfill.id, clock, crashAfterSecondBatch, 5)).rejects.toThrow('worker killed')
    expect(await getBackfill(temp.db, backfill.id)).toMatchObject({ status: 'running', done: 10, cursor: expect.any(String) })

    const finished = await runBackfill(temp.db, analyzer, backfill.id, clock, async (p) => void seen.push(p), 5)
    expect(finished).toMatchObject({ status: 'finished', done: 23, total: 23 })
    // 5, 10 before the crash; the retry starts at 15, not at 5
    expect(seen.map((p) => p.done)).toEqual([5, 10, 15, 20, 23, 23])
    const versions = await temp.db.all(sql`select distinct pack_version as v from mentions`)
    expect(versions).toEqual([{ v: 2 }])
    expect(await temp.db.get(sql`select count(distinct review_id) as n from mentions where theme = 'parking'`)).toEqual({ n: 11 })
  })

  it('leaves the same rows when run twice', async () => {
    const { analyzer, backfill } = await newVersion()
    await runBackfill(temp.db, analyzer, backfill.id, clock, async () => undefined, 7)
    const first = await rows()
    await temp.db.run(sql`update theme_backfills set status = 'running', done = 0, cursor = null`)
    await runBackfill(temp.db, analyzer, backfill.id, clock, async () => undefined, 7)
    expect(await rows()).toEqual(first)
    expect(first.length).toBeGreaterThan(0)
  })

  it('stops a backfill of a version that is no longer current; the newer one covers every review', async () => {
    const { analyzer, backfill } = await newVersion()
    await savePack(temp.db, chiropracticPack, 'test', NOW)
    const stale = await runBackfill(temp.db, analyzer, backfill.id, clock, async () => undefined, 5)
    expect(stale.status).toBe('failed')
    const current = await backfillForActivePack(temp.db, NOW)
    expect(current.packVersion).toBe(3)
    await runBackfill(temp.db, analyzer, current.id, clock, async () => undefined, 5)
    const id = (await temp.db.get<{ id: string }>(sql`select id from reviews order by id limit 1`))!
    for (const m of await mentionVersions(temp.db, id.id)) expect(m.packVersion).toBe(3)
  })
})
