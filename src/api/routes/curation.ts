import { Router, type RequestHandler, type Response } from 'express'
import { z } from 'zod'
import type { Db } from '../../db/database.ts'
import { collectionsContaining } from '../../db/stores/collections.ts'
import { createTestimonialFromReview, replaceCollection, setTestimonialPublished } from '../../services/curation.ts'
import { handle, parseOr400 } from '../http.ts'

const createTestimonialInput = z.strictObject({
  reviewId: z.string().min(1).max(64),
  start: z.number().int().min(0),
  end: z.number().int().min(1),
  publish: z.boolean().default(false),
})

const putCollectionInput = z.strictObject({
  title: z.string().trim().min(1).max(120).optional(),
  testimonialIds: z.array(z.string().min(1).max(64)).max(200),
})

const slugSchema = z.strictObject({ slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes') })

export interface CurationDependencies {
  db: Db
  requireWrite: RequestHandler
  now: () => Date
  /** Rebuilds a collection's public feed and tells every API process. */
  republish: (slug: string) => Promise<void>
}

/** Who made the change: the principal set by requireRole, or the admin key behind requireAdminKey. */
const actorOf = (res: Response): string => (res.locals.principal as { actor?: string } | undefined)?.actor ?? 'admin-api-key'

export function curationRoutes({ db, requireWrite, now, republish }: CurationDependencies): Router {
  const router = Router()

  router.post(
    '/testimonials',
    requireWrite,
    handle(async (req, res) => {
      const input = parseOr400(createTestimonialInput, (req.body ?? {}) as Record<string, unknown>)
      const testimonial = await createTestimonialFromReview(db, input, actorOf(res), now())
      return { testimonial }
    }, 201),
  )

  for (const [action, published] of [['publish', true], ['unpublish', false]] as const) {
    router.post(
      `/testimonials/:id/${action}`,
      requireWrite,
      handle(async (req, res) => {
        const testimonial = await setTestimonialPublished(db, req.params.id as string, published, actorOf(res), now())
        for (const slug of await collectionsContaining(db, testimonial.id)) await republish(slug)
        return { testimonial }
      }),
    )
  }

  router.put(
    '/collections/:slug',
    requireWrite,
    handle(async (req, res) => {
      const { slug } = parseOr400(slugSchema, req.params)
      const input = parseOr400(putCollectionInput, (req.body ?? {}) as Record<string, unknown>)
      const collection = await replaceCollection(db, { slug, title: input.title ?? slug, testimonialIds: input.testimonialIds }, actorOf(res), now())
      await republish(slug)
      return { collection }
    }),
  )
  return router
}
