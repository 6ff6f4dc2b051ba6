import type { Db } from '../database.ts'

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
 */
export function recordSyncOutcome(db: Db, outcome: SyncOutcome): void {
  const at = outcome.at.toISOString()
  db.$client
    .prepare(
      `insert into source_sync_state (location_id, source, last_attempt_at, last_success_at, needs_reauth, last_error, consecutive_errors)
       values (@locationId, @source, @at, case when @ok then @at end, @needsReauth, @error, case when @ok then 0 else 1 end)
       on conflict (location_id, source) do update set
         last_attempt_at = excluded.last_attempt_at,
         last_success_at = coalesce(excluded.last_success_at, last_success_at),
         needs_reauth = excluded.needs_reauth,
         last_error = excluded.last_error,
         consecutive_errors = case when @ok then 0 else consecutive_errors + 1 end`,
    )
    .run({
      locationId: outcome.locationId,
      source: outcome.source,
      at,
      ok: outcome.ok ? 1 : 0,
      needsReauth: outcome.ok ? 0 : outcome.needsReauth ? 1 : 0,
      error: outcome.ok ? null : (outcome.error ?? 'unknown error'),
    })
}
