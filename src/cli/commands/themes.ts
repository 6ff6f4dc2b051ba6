import { readFileSync, writeFileSync } from 'node:fs'
import { getBackfill } from '../../db/stores/theme-packs.ts'
import { JobQueue } from '../../jobs/queue.ts'
import { backfillForActivePack } from '../../services/theme-backfill.ts'
import { ensureShippedPacks, getPack, packSummaries, retrainPack, savePack, type RetrainSummary } from '../../services/theme-packs.ts'
import { openRedis, type Runtime } from '../runtime.ts'
import type { Backfill } from '../../db/stores/theme-packs.ts'

// `plaudit themes …`: packs as JSON files in and out, retraining, and re-tagging with progress.

const ACTOR = 'cli'

export async function listThemePacks(runtime: Runtime): Promise<string> {
  await ensureShippedPacks(runtime.db, new Date())
  return (await packSummaries(runtime.db)).map((p) => `${p.active ? '*' : ' '} ${p.id} v${p.version}  ${p.label}`).join('\n')
}

export async function exportThemePack(runtime: Runtime, packId: string, file: string | undefined): Promise<string> {
  await ensureShippedPacks(runtime.db, new Date())
  const json = `${JSON.stringify(await getPack(runtime.db, packId), null, 2)}\n`
  if (file !== undefined && file !== '-') writeFileSync(file, json)
  return json
}

/** Imports a pack file as the pack's next version; the active pack's reviews are re-tagged. */
export async function importThemePack(runtime: Runtime, file: string, progress: (line: string) => void, wait: boolean): Promise<{ message: string; backfill: Backfill | null }> {
  const now = new Date()
  await ensureShippedPacks(runtime.db, now)
  let input: unknown
  try {
    input = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`${file}: not a JSON theme pack (${(error as Error).message})`)
  }
  const saved = await savePack(runtime.db, input, ACTOR, now)
  const message = `saved ${saved.pack.id} v${saved.pack.version} (${saved.pack.themes.length} themes)`
  if (!saved.retagging) return { message: `${message}; not the active pack, nothing to re-tag`, backfill: null }
  const backfill = await startBackfill(runtime, progress, wait)
  return { message: `${message}; re-tagging ${backfill.total} reviews (${backfill.id}): ${backfill.status}`, backfill }
}

export async function retrainThemePack(runtime: Runtime, packId: string | undefined): Promise<RetrainSummary> {
  await ensureShippedPacks(runtime.db, new Date())
  const id = packId ?? (await packSummaries(runtime.db)).find((p) => p.active)!.id
  return retrainPack(runtime.db, id, new Date())
}

/** Queues the backfill of the active pack (once per version) and, with wait, draws its progress. */
export async function startBackfill(runtime: Runtime, progress: (line: string) => void, wait: boolean): Promise<Backfill> {
  const backfill = await backfillForActivePack(runtime.db, new Date())
  const redis = openRedis(runtime)
  const queue = new JobQueue(redis, runtime.config.queuePrefix)
  try {
    await queue.addBackfill(backfill.id)
    if (!wait) return backfill
    // The worker saves its cursor after every batch; the bar reads that row, so it also shows a
    // run resumed after a crash.
    for (;;) {
      const b = (await getBackfill(runtime.db, backfill.id))!
      progress(progressBar(b.done, b.total))
      if (b.status === 'finished' || b.status === 'failed') return b
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  } finally {
    await queue.close()
    await redis.quit()
  }
}

export function progressBar(done: number, total: number, width = 30): string {
  const share = total === 0 ? 1 : Math.min(1, done / total)
  const filled = Math.round(share * width)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} reviews (${Math.round(share * 100)}%)`
}
