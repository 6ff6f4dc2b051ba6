import { z } from 'zod'

/** The queue every Plaudit job goes through. Jobs carry ids and small parameters, never review bodies. */
export const QUEUE_NAME = 'plaudit'

export const jobs = {
  'analyze-reviews': z.object({
    locationId: z.string().min(1),
    reviewIds: z.array(z.string().min(1)).min(1).max(500),
  }),
  'rebuild-feed': z.object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  }),
  // Issue 6: rebuilds the feeds that still show a name whose patient authorization has expired.
  'expire-authorizations': z.object({}),
  // theme engine (issue 5): re-tag every review after a pack change
  'backfill-themes': z.object({
    backfillId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}@\d+$/),
  }),
  // Google Business Profile sync of one location (issue 4): incremental by default, full walks every page.
  'sync-location': z.object({
    locationId: z.string().min(1).max(200),
    full: z.boolean().default(false),
  }),
} as const

export type JobName = keyof typeof jobs
export type JobData<K extends JobName> = z.infer<(typeof jobs)[K]>
export const JOB_NAMES = Object.keys(jobs) as JobName[]

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobs, name)
}

export class InvalidJobPayloadError extends Error {
  override name = 'InvalidJobPayloadError'
}

/** Parses a job's payload against its contract; the message names each field that is wrong. */
export function parseJobData<K extends JobName>(name: K, data: unknown): JobData<K> {
  const parsed = jobs[name].safeParse(data)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')
    throw new InvalidJobPayloadError(`invalid "${name}" payload: ${problems}`)
  }
  return parsed.data as JobData<K>
}

/** Pub/sub channel on which a rebuilt feed's slug is announced to every API process. */
export function feedChannel(prefix: string): string {
  return `${prefix}:feed-rebuilt`
}
