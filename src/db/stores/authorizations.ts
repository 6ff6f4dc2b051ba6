import { and, eq, inArray, isNotNull, lte } from 'drizzle-orm'
import type { PatientAuthorization } from '../../domain/attribution.ts'
import type { Db } from '../database.ts'
import { newId } from '../ids.ts'
import { collectionItems, patientAuthorizations } from '../schema.ts'

export interface AuthorizationRecord extends PatientAuthorization {
  id: string
  testimonialId: string
  scope: string
  reference: string
  recordedBy: string
  recordedAt: Date
}

function toRecord(row: typeof patientAuthorizations.$inferSelect): AuthorizationRecord {
  return {
    id: row.id,
    testimonialId: row.testimonialId,
    signedBy: row.signedBy,
    signedAt: new Date(row.signedAt),
    scope: row.scope,
    reference: row.reference,
    expiresAt: row.expiresAt ? new Date(row.expiresAt) : null,
    revokedAt: row.revokedAt ? new Date(row.revokedAt) : null,
    recordedBy: row.recordedBy,
    recordedAt: new Date(row.recordedAt),
  }
}

export function insertAuthorization(
  db: Db,
  params: { testimonialId: string; signedBy: string; signedAt: Date; scope: string; reference: string; expiresAt: Date | null; recordedBy: string; now: Date },
): AuthorizationRecord {
  const row = db
    .insert(patientAuthorizations)
    .values({
      id: newId('pa'),
      testimonialId: params.testimonialId,
      signedBy: params.signedBy,
      signedAt: params.signedAt.toISOString(),
      scope: params.scope,
      reference: params.reference,
      expiresAt: params.expiresAt?.toISOString() ?? null,
      recordedBy: params.recordedBy,
      recordedAt: params.now.toISOString(),
    })
    .returning()
    .get()
  return toRecord(row)
}

export function getAuthorization(db: Db, id: string): AuthorizationRecord | null {
  const row = db.select().from(patientAuthorizations).where(eq(patientAuthorizations.id, id)).get()
  return row ? toRecord(row) : null
}

export function markAuthorizationRevoked(db: Db, id: string, now: Date): AuthorizationRecord | null {
  const row = db.update(patientAuthorizations).set({ revokedAt: now.toISOString() }).where(eq(patientAuthorizations.id, id)).returning().get()
  return row ? toRecord(row) : null
}

/** Every authorization of these testimonials, grouped by testimonial. */
export function authorizationsFor(db: Db, testimonialIds: string[]): Map<string, AuthorizationRecord[]> {
  const grouped = new Map<string, AuthorizationRecord[]>()
  if (testimonialIds.length === 0) return grouped
  for (const row of db.select().from(patientAuthorizations).where(inArray(patientAuthorizations.testimonialId, testimonialIds)).all()) {
    const record = toRecord(row)
    grouped.set(record.testimonialId, [...(grouped.get(record.testimonialId) ?? []), record])
  }
  return grouped
}

/** Collections holding a testimonial whose authorization expired at or before `now`. */
export function collectionsWithExpiredAuthorizations(db: Db, now: Date): string[] {
  return db
    .selectDistinct({ slug: collectionItems.collectionSlug })
    .from(patientAuthorizations)
    .innerJoin(collectionItems, eq(collectionItems.testimonialId, patientAuthorizations.testimonialId))
    .where(and(isNotNull(patientAuthorizations.expiresAt), lte(patientAuthorizations.expiresAt, now.toISOString())))
    .all()
    .map((r) => r.slug)
}
