import { Router, type RequestHandler } from 'express'
import { z } from 'zod'
import type { Db } from '../../db/database.ts'
import { latestBackfill } from '../../db/stores/theme-packs.ts'
import { backfillForActivePack } from '../../services/theme-backfill.ts'
import {
  activatePack, correctionSchema, correctMention, ensureShippedPacks, getPack, packSummaries, retrainPack, savePack,
} from '../../services/theme-packs.ts'
import { handle, parseOr400 } from '../http.ts'

const packIdSchema = z.strictObject({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes') })

export interface ThemePackDependencies {
  db: Db
  /** Packs hold the practice's labelled examples (review text): people and keys only. */
  requireRead: RequestHandler
  requireWrite: RequestHandler
  now: () => Date
  /** Queues the re-tagging job of a backfill (once per backfill id). */
  enqueueBackfill: (backfillId: string) => Promise<void>
  /** The job's progress as BullMQ reports it, when the job is still known to the queue. */
  backfillProgress: (backfillId: string) => Promise<unknown>
}

/** Until accounts exist every write is made by the holder of the admin key. */
const ACTOR = 'admin-api-key'

/** Theme packs as data: read by signed-in people and keys, changed with the admin key. */
export function themePackRoutes({ db, requireRead, requireWrite, now, enqueueBackfill, backfillProgress }: ThemePackDependencies): Router {
  const router = Router()
  // Once per process; concurrent first requests share the one seeding, and a failed one is retried.
  let seeded: Promise<void> | null = null
  const ready = (): Promise<void> => {
    seeded ??= (async () => {
      await ensureShippedPacks(db, now())
    })().catch((error: unknown) => {
      seeded = null
      throw error
    })
    return seeded
  }
  const retag = async () => {
    const backfill = await backfillForActivePack(db, now())
    await enqueueBackfill(backfill.id)
    return backfill
  }

  router.get('/theme-packs', requireRead, handle(async () => {
    await ready()
    return { packs: await packSummaries(db) }
  }))

  router.get('/theme-packs/:id', requireRead, handle(async (req) => {
    await ready()
    const { id } = parseOr400(packIdSchema, req.params)
    return { pack: await getPack(db, id) }
  }))

  router.put('/theme-packs/:id', requireWrite, handle(async (req) => {
    await ready()
    const { id } = parseOr400(packIdSchema, req.params)
    const saved = await savePack(db, req.body ?? {}, ACTOR, now(), id)
    return { pack: saved.pack, backfill: saved.retagging ? await retag() : null }
  }))

  router.post('/theme-packs/:id/activate', requireWrite, handle(async (req) => {
    await ready()
    const { id } = parseOr400(packIdSchema, req.params)
    const pack = await activatePack(db, id, ACTOR, now())
    return { pack, backfill: await retag() }
  }))

  router.post('/theme-packs/:id/retrain', requireWrite, handle(async (req) => {
    await ready()
    const { id } = parseOr400(packIdSchema, req.params)
    return { model: await retrainPack(db, id, now()) }
  }))

  router.get('/theme-packs/:id/backfill', requireRead, handle(async (req) => {
    await ready()
    const { id } = parseOr400(packIdSchema, req.params)
    await getPack(db, id)
    const backfill = await latestBackfill(db, id)
    return { backfill, jobProgress: backfill === null ? null : await backfillProgress(backfill.id) }
  }))

  router.post('/mention-corrections', requireWrite, handle(async (req) => {
    await ready()
    const input = parseOr400(correctionSchema, (req.body ?? {}) as Record<string, unknown>)
    return { correction: await correctMention(db, input, ACTOR, now()) }
  }, 201))

  return router
}
