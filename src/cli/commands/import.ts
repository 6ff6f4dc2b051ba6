import { JobQueue } from '../../jobs/queue.ts'
import { importReviews, type ImportResult } from '../../services/import-reviews.ts'
import { openRedis, systemClock, type Runtime } from '../runtime.ts'

/** Imports a file and queues its changed reviews for tagging by the workers. */
export async function runImport(runtime: Runtime, file: string, locationId: string, onProgress?: (line: string) => void): Promise<ImportResult> {
  const redis = openRedis(runtime)
  const queue = new JobQueue(redis, runtime.config.queuePrefix, (error) => runtime.logger.warn({ err: error.message }, 'queue connection error'))
  try {
    return await importReviews(runtime.db, {
      file,
      locationId,
      analyzeBatchSize: runtime.config.analyzeBatchSize,
      now: systemClock,
      enqueueAnalysis: async (reviewIds) => {
        await queue.add('analyze-reviews', { locationId, reviewIds })
      },
      enqueueFeedRebuild: async (slug) => {
        await queue.add('rebuild-feed', { slug })
      },
      onProgress: (c) => onProgress?.(`read ${c.rowsRead} rows: ${c.rowsInserted} new, ${c.rowsRevised} revised, ${c.rowsUnchanged} unchanged, ${c.rowsRejected} rejected`),
    })
  } finally {
    await queue.close()
    await redis.quit()
  }
}

export function describeImport(result: ImportResult): string {
  const lines = [
    `import ${result.importId}: ${result.rowsRead} rows read, ${result.rowsInserted} new, ${result.rowsRevised} revised, ${result.rowsUnchanged} unchanged, ${result.rowsRejected} rejected`,
    ...result.rejections.map((r) => `  rejected line ${r.line}: ${r.field} ${r.value === null ? '' : JSON.stringify(r.value) + ' '}- ${r.message}`),
  ]
  if (result.rowsRejected > result.rejections.length) lines.push(`  … and ${result.rowsRejected - result.rejections.length} more (GET /api/v1/imports/${result.importId})`)
  return lines.join('\n')
}
