import type { Db } from '../db/database.ts'
import { rebuildRollups, snapshotRollups } from '../db/stores/rollups.ts'

export interface RebuildReport {
  reviewRows: number
  themeRows: number
  /** Rollup rows the incremental updates had differently from the rebuild (0 when they were in step). */
  rowsThatDiffered: number
}

/** `plaudit rollups rebuild`: recomputes the dashboard rollups and says whether they had drifted. */
export async function rebuildDashboardRollups(db: Db): Promise<RebuildReport> {
  const before = await snapshotRollups(db)
  const counts = await rebuildRollups(db)
  const after = await snapshotRollups(db)
  const differ = (a: string[], b: string[]) => {
    const inB = new Set(b)
    const inA = new Set(a)
    return a.filter((line) => !inB.has(line)).length + b.filter((line) => !inA.has(line)).length
  }
  return { ...counts, rowsThatDiffered: differ(before.reviews, after.reviews) + differ(before.themes, after.themes) }
}
