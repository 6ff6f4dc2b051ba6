import type { Queue } from 'bullmq'
import { parseJobData } from './contracts.ts'

export interface SyncSchedule {
  incrementalEveryMinutes: number
  fullEveryHours: number
}

export const incrementalSchedulerId = (locationId: string) => `sync-location:${locationId}:incremental`
export const fullSchedulerId = (locationId: string) => `sync-location:${locationId}:full`

/**
 * Two BullMQ job schedulers per location: incremental every N minutes and full every M hours.
 * Upserting is idempotent, so every start-up and every `add-location` may call it again.
 */
export async function scheduleLocationSync(queue: Queue, locationId: string, schedule: SyncSchedule): Promise<void> {
  const retry = { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } }
  await queue.upsertJobScheduler(
    incrementalSchedulerId(locationId),
    { every: schedule.incrementalEveryMinutes * 60_000 },
    { name: 'sync-location', data: parseJobData('sync-location', { locationId, full: false }), opts: retry },
  )
  await queue.upsertJobScheduler(
    fullSchedulerId(locationId),
    { every: schedule.fullEveryHours * 3_600_000 },
    { name: 'sync-location', data: parseJobData('sync-location', { locationId, full: true }), opts: retry },
  )
}

export async function unscheduleLocationSync(queue: Queue, locationId: string): Promise<void> {
  await queue.removeJobScheduler(incrementalSchedulerId(locationId))
  await queue.removeJobScheduler(fullSchedulerId(locationId))
}
