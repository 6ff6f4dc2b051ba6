import { once } from 'node:events'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { ReviewStore } from '../../src/db/stores/reviews.ts'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { connectRedis, JobQueue } from '../../src/jobs/queue.ts'
import { createAnalyzer } from '../../src/services/analyze-reviews.ts'
import { importReviews } from '../../src/services/import-reviews.ts'
import { createTestimonialFromReview, replaceCollection } from '../../src/services/curation.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { runWorker } from '../../src/workers/run.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { silentLogger } from '../support/pipeline.ts'
import { RestartableRedis } from '../support/private-redis-server.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

const NOW = new Date('2026-11-20T12:00:00Z')

describe('Redis restarted during an import', () => {
  let temp: TempDatabase
  let server: RestartableRedis
  let api: RunningApi

  beforeAll(async () => {
    temp = await createTempDatabase()
    mkdirSync(join(temp.dir, 'redis'))
    server = await RestartableRedis.start(join(temp.dir, 'redis'))
  })
  afterAll(async () => {
    await server.down()
    await temp.remove()
  })

  it('loses no job: the producer waits, the worker and the API reconnect, every review is tagged', async () => {
    const prefix = 'plaudit-restart'
    const redis = connectRedis(server.url)
    redis.on('error', () => undefined)
    const apiRedis = connectRedis(server.url)
    apiRedis.on('error', () => undefined)
    const queue = new JobQueue(redis, prefix)
    const worker = await runWorker({ db: temp.db, redis, prefix, analyzer: createAnalyzer(chiropracticPack), concurrency: 1, logger: silentLogger, now: () => NOW })
    worker.on('error', () => undefined)
    api = await startApiServer({ db: temp.db, redis: apiRedis, prefix, logger: silentLogger, adminApiKey: undefined, themeIds: [], now: () => NOW, port: 0, host: '127.0.0.1' })
    await api.subscribed

    const completed = new Set<string>()
    const waiting = new Map<string, () => void>()
    worker.on('completed', (job) => {
      completed.add(job.id!)
      waiting.get(job.id!)?.()
    })
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: `r${i}`, rating: 5, text: `I never felt rushed here, visit ${i}.` }))
    const jobIds: string[] = []
    let restarted: Promise<void> = Promise.resolve()
    await importReviews(temp.db, {
      file: writeReviewsCsv(temp.dir, 'restart.csv', rows),
      locationId: 'clinic',
      analyzeBatchSize: 100,
      now: () => NOW,
      enqueueAnalysis: async (reviewIds) => {
        if (jobIds.length === 10) {
          // Redis dies mid-import and comes back while the producer goes on adding jobs.
          await server.down()
          restarted = server.up()
        }
        jobIds.push(await queue.add('analyze-reviews', { locationId: 'clinic', reviewIds }))
      },
    })
    await restarted
    expect(jobIds).toHaveLength(30)
    await Promise.all(jobIds.map((id) => (completed.has(id) ? undefined : new Promise<void>((resolve) => waiting.set(id, resolve)))))
    expect(await new ReviewStore(temp.db).countUnanalyzed('clinic')).toBe(0)

    if (apiRedis.status !== 'ready') await once(apiRedis, 'ready')
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200)
    const testimonial = await createTestimonialFromReview(temp.db, { reviewId: reviewIdFor('clinic', 'import', 'r1'), start: 0, end: 25, publish: true }, 'test', NOW)
    await replaceCollection(temp.db, { slug: 'home', title: 'Home', testimonialIds: [testimonial.id] }, 'test', NOW)
    const reloaded = once(api.feeds, 'reloaded')
    await queue.add('rebuild-feed', { slug: 'home' })
    await reloaded
    expect((await fetch(`${api.url}/api/public/v1/collections/home`)).status).toBe(200)

    await api.close()
    await worker.close()
    await queue.close()
    await redis.quit()
    await apiRedis.quit()
  })
})
