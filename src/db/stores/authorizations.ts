import { sql } from 'drizzle-orm'
import type { PatientAuthorization } from '../../domain/attribution.ts'
import { inList, type SqlRunner } from '../database.ts'
import { newId } from '../ids.ts'
import type { patientAuthorizations } from '../schema.ts'

export interface AuthorizationRecord extends PatientAuthorization {
  id: string
  testimonialId: string
  scope: string
  reference: string
  recordedBy: string
  recordedAt: Date
}

type AuthorizationRow = typeof patientAuthorizations.$inferSelect

const columns = sql`id, testimonial_id as "testimonialId", signed_by as "signedBy", signed_name as "signedName", signed_at as "signedAt", scope, reference,
  expires_at as "expiresAt", revoked_at as "revokedAt", recorded_by as "recordedBy", recorded_at as "recordedAt"`

function toRecord(row: AuthorizationRow): AuthorizationRecord {
  return {
    id: row.id,
    testimonialId: row.testimonialId,
    signedBy: row.signedBy,
    signedName: row.signedName,
    signedAt: new Date(row.signedAt),
    scope: row.scope,
    reference: row.reference,
    expiresAt: row.expiresAt ? new Date(row.expiresAt) : null,
    revokedAt: row.revokedAt ? new Date(row.revokedAt) : null,
    recordedBy: row.recordedBy,
    recordedAt: new Date(row.recordedAt),
  }
}

export async function insertAuthorization(
  db: SqlRunner,
  params: { testimonialId: string; signedBy: string; signedName: string | null; signedAt: Date; scope: string; reference: string; expiresAt: Date | null; recordedBy: string; now: Date },
): Promise<AuthorizationRecord> {
  const row = await db.get<AuthorizationRow>(
    sql`insert into patient_authorizations (id, testimonial_id, signed_by, signed_name, signed_at, scope, reference, expires_at, recorded_by, recorded_at)
        values (${newId('pa')}, ${params.testimonialId}, ${params.signedBy}, ${params.signedName}, ${params.signedAt.toISOString()}, ${params.scope}, ${params.reference},
                ${params.expiresAt?.toISOString() ?? null}, ${params.recordedBy}, ${params.now.toISOString()})
        returning ${columns}`,
  )
  return toRecord(row!)
}

export async function getAuthorization(db: SqlRunner, id: string): Promise<AuthorizationRecord | null> {
  const row = await db.get<AuthorizationRow>(sql`select ${columns} from patient_authorizations where id = ${id}`)
  return row ? toRecord(row) : null
}

/**
 * Revokes the authorization unless it is revoked already: null then (or when it does not exist). The
 * condition is part of the update, so of two revocations at once (in two processes) exactly one wins.
 */
export async function markAuthorizationRevoked(db: SqlRunner, id: string, now: Date): Promise<AuthorizationRecord | null> {
  const row = await db.get<AuthorizationRow>(sql`update patient_authorizations set revoked_at = ${now.toISOString()} where id = ${id} and revoked_at is null returning ${columns}`)
  return row ? toRecord(row) : null
}

/** Every authorization of these testimonials, grouped by testimonial. */
export async function authorizationsFor(db: SqlRunner, testimonialIds: string[]): Promise<Map<string, AuthorizationRecord[]>> {
  const grouped = new Map<string, AuthorizationRecord[]>()
  if (testimonialIds.length === 0) return grouped
  for (const row of await db.all<AuthorizationRow>(sql`select ${columns} from patient_authorizations where testimonial_id in ${inList(testimonialIds)}`)) {
    const record = toRecord(row)
    grouped.set(record.testimonialId, [...(grouped.get(record.testimonialId) ?? []), record])
  }
  return grouped
}

/** Collections holding a testimonial whose authorization expired at or before `now`. */
export async function collectionsWithExpiredAuthorizations(db: SqlRunner, now: Date): Promise<string[]> {
  const rows = await db.all<{ slug: string }>(
    sql`select distinct ci.collection_slug as slug from patient_authorizations pa join collection_items ci on ci.testimonial_id = pa.testimonial_id
        where pa.expires_at is not null and pa.expires_at <= ${now.toISOString()}`,
  )
  return rows.map((r) => r.slug)
}
