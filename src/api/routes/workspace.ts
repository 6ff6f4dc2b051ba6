import { Router, type RequestHandler, type Response } from 'express'
import { z } from 'zod'
import { HIDE_REASONS, THEME_VERDICTS } from '../../domain/access.ts'
import { POLARITIES, SOURCES } from '../../domain/review.ts'
import type { Db } from '../../db/database.ts'
import { listCollections } from '../../db/stores/collections.ts'
import { searchForCuration } from '../../db/stores/curation-search.ts'
import { recordAuthorization, revokeAuthorization } from '../../services/authorizations.ts'
import { collectionView, previewExcerpt } from '../../services/curation.ts'
import { correctTheme, hideReview, unhideReview } from '../../services/moderation.ts'
import { handle, parseOr400 } from '../http.ts'
import { principalOf } from '../session-auth.ts'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')

export interface WorkspaceDependencies {
  db: Db
  themeIds: string[]
  now: () => Date
  republish: (slug: string) => Promise<void>
  requireRole: (role: 'owner' | 'marketing') => RequestHandler
}

/** The curation workspace's API: search, theme verdicts, hiding, authorizations, previews. */
export function workspaceRoutes({ db, themeIds, now, republish, requireRole }: WorkspaceDependencies): Router {
  const searchQuery = z.strictObject({
    q: z.string().trim().max(200).optional(),
    theme: z.enum(themeIds as [string, ...string[]]).optional(),
    polarity: z.enum(POLARITIES).optional(),
    stars: z.string().regex(/^[1-5](,[1-5]){0,4}$/, 'must be star counts 1-5, comma-separated').transform((s) => s.split(',').map(Number)).optional(),
    from: day.optional(),
    to: day.optional(),
    source: z.enum(SOURCES).optional(),
    hidden: z.enum(['include', 'exclude']).default('include'),
    limit: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(1).max(200)).default(50),
  })
  const correctionInput = z.strictObject({ theme: z.enum(themeIds as [string, ...string[]]), polarity: z.enum(POLARITIES), verdict: z.enum(THEME_VERDICTS) })
  const hideInput = z.strictObject({ reason: z.enum(HIDE_REASONS) })
  const previewInput = z.strictObject({ reviewId: z.string().min(1).max(64), start: z.number().int().min(0), end: z.number().int().min(1) })
  const authorizationInput = z.strictObject({
    signedBy: z.string().trim().min(1).max(200),
    signedName: z.string().trim().min(1).max(200).optional(),
    signedAt: z.iso.datetime({ offset: true }).or(day),
    scope: z.string().trim().min(1).max(500),
    reference: z.string().trim().min(1).max(500),
    expiresAt: z.iso.datetime({ offset: true }).or(day).nullable().default(null),
  })
  const actorOf = (res: Response) => principalOf(res).actor
  const body = (req: { body?: unknown }) => (req.body ?? {}) as Record<string, unknown>
  const rebuild = async (slugs: string[]) => {
    for (const slug of slugs) await republish(slug)
  }

  const router = Router()
  const curator = requireRole('marketing')

  router.get(
    '/curation/search',
    curator,
    handle(async (req) => {
      const query = parseOr400(searchQuery, req.query as Record<string, unknown>)
      const reviews = await searchForCuration(db, {
        words: query.q === '' ? undefined : query.q,
        theme: query.theme,
        polarity: query.polarity,
        stars: query.stars,
        from: query.from,
        // `to` is a whole day, inclusive.
        to: query.to ? new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000).toISOString() : undefined,
        source: query.source,
        includeHidden: query.hidden === 'include',
        limit: query.limit,
      })
      return { reviews, hideReasons: HIDE_REASONS, themes: themeIds }
    }),
  )
  router.post(
    '/reviews/:id/themes',
    curator,
    handle(async (req, res) => {
      await correctTheme(db, { reviewId: req.params.id as string, ...parseOr400(correctionInput, body(req)) }, themeIds, actorOf(res), now())
      return { recorded: true }
    }, 201),
  )
  router.post(
    '/reviews/:id/hide',
    curator,
    handle(async (req, res) => {
      const { reason } = parseOr400(hideInput, body(req))
      await rebuild(await hideReview(db, { reviewId: req.params.id as string, reason }, actorOf(res), now()))
      return { hidden: { reason } }
    }),
  )
  router.post(
    '/reviews/:id/unhide',
    curator,
    handle(async (req, res) => {
      await rebuild(await unhideReview(db, req.params.id as string, actorOf(res), now()))
      return { hidden: null }
    }),
  )
  router.post('/testimonials/preview', curator, handle(async (req) => ({ feed: await previewExcerpt(db, parseOr400(previewInput, body(req)), now()) })))
  router.post(
    '/testimonials/:id/authorizations',
    curator,
    handle(async (req, res) => {
      const input = parseOr400(authorizationInput, body(req))
      const { authorization, collections } = await recordAuthorization(
        db,
        { testimonialId: req.params.id as string, ...input, signedAt: new Date(input.signedAt), expiresAt: input.expiresAt ? new Date(input.expiresAt) : null },
        actorOf(res),
        now(),
      )
      await rebuild(collections)
      return { authorization }
    }, 201),
  )
  router.post(
    '/authorizations/:id/revoke',
    curator,
    handle(async (req, res) => {
      const { authorization, collections } = await revokeAuthorization(db, req.params.id as string, actorOf(res), now())
      await rebuild(collections)
      return { authorization }
    }),
  )
  router.get('/collections', curator, handle(async () => ({ collections: await listCollections(db) })))
  router.get('/collections/:slug', curator, handle(async (req) => collectionView(db, req.params.slug as string, now())))
  return router
}
