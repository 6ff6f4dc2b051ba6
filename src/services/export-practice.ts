import { once } from 'node:events'
import type { Writable } from 'node:stream'
import type { Db } from '../db/database.ts'
import { EXPORTED_TABLES, exportRecords } from '../db/stores/export.ts'

/**
 * Writes the whole practice's data as one JSON document, so the owner is never locked in:
 * `{ format, version, exportedAt, tables: { reviews: [...], ... } }`. Rows are streamed one by one
 * and the writer's back-pressure is respected, so a million reviews need no more memory than ten.
 */
export async function exportPractice(db: Db, out: Writable, now: Date): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain')
  }
  await write(`{"format":"plaudit-export","version":1,"exportedAt":${JSON.stringify(now.toISOString())},"tables":{`)
  for (const [t, table] of EXPORTED_TABLES.entries()) {
    await write(`${t === 0 ? '' : ','}\n${JSON.stringify(table)}:[`)
    let n = 0
    for await (const record of exportRecords(db, table)) {
      await write(`${n === 0 ? '\n' : ',\n'}${JSON.stringify(record)}`)
      n++
    }
    await write(']')
    counts[table] = n
  }
  await write('\n}}\n')
  return counts
}
