// Imports one file in a fresh process and prints its peak RSS, so the bench can compare a small
// and a large file: a streaming import's peak should not grow with the file.
import { closeDatabase, migrateDatabase, openDatabase } from '../src/db/database.ts'
import { connectRedis, JobQueue } from '../src/jobs/queue.ts'
import { importReviews } from '../src/services/import-reviews.ts'

const [file, dbFile, redisUrl, prefix] = process.argv.slice(2) as [string, string, string, string]
const db = openDatabase(dbFile)
await migrateDatabase(db)
const redis = connectRedis(redisUrl)
const queue = new JobQueue(redis, prefix)
const started = performance.now()
const result = await importReviews(db, {
  file,
  locationId: 'bench',
  analyzeBatchSize: 100,
  now: () => new Date(),
  enqueueAnalysis: async (reviewIds) => {
    await queue.add('analyze-reviews', { locationId: 'bench', reviewIds })
  },
})
const seconds = (performance.now() - started) / 1000
await queue.queue.obliterate({ force: true })
await queue.close()
await redis.quit()
await closeDatabase(db)
console.log(JSON.stringify({ rows: result.rowsInserted, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }))
