import { sql } from 'drizzle-orm'
import type { SqlRunner } from '../database.ts'

export interface SyncOutcome {
  locationId: string
  source: string
  at: Date
  ok: boolean
  /** A short, secret-free description of what failed. */
  error?: string
  /** Google answered 401 / invalid_grant: the owner must connect again. */
  needsReauth?: boolean
}

/**
 * Records how a sync run ended, for the dashboard's source health (issue 8). The Google sync
 * (issue 4) calls this once per run; a success clears the error count and the re-auth flag.
 * One upsert, so two processes recording the same source never lose a count.
 */
export async function recordSyncOutcome(db: SqlRunner, outcome: SyncOutcome): Promise<void> {
  const at = outcome.at.toISOString()
  const needsReauth = outcome.ok ? false : Boolean(outcome.needsReauth)
  const error = outcome.ok ? null : (outcome.error ?? 'unknown error')
  await db.run(
    sql`insert into source_sync_state (location_id, source, last_attempt_at, last_success_at, needs_reauth, last_error, consecutive_errors)
        values (${outcome.locationId}, ${outcome.source}, ${at}, ${outcome.ok ? at : null}, ${needsReauth}, ${error}, ${outcome.ok ? 0 : 1})
        on conflict (location_id, source) do update set
          last_attempt_at = excluded.last_attempt_at,
          last_success_at = coalesce(excluded.last_success_at, source_sync_state.last_success_at),
          needs_reauth = excluded.needs_reauth,
          last_error = excluded.last_error,
          consecutive_errors = ${outcome.ok ? sql`0` : sql`source_sync_state.consecutive_errors + 1`}`,
  )
}

/** The owner connected again: the source no longer waits for re-authorisation (its last error stays until a sync succeeds). */
export async function clearNeedsReauth(db: SqlRunner, params: { locationId: string; source: string }): Promise<void> {
  await db.run(sql`update source_sync_state set needs_reauth = ${false} where location_id = ${params.locationId} and source = ${params.source}`)
}
