import { google } from 'googleapis'
import { z } from 'zod'
import { ANONYMOUS_REVIEWER } from '../../domain/attribution.ts'
import { GoogleBadResponseError, GooglePermanentError, GoogleUnavailableError, googleMessage } from './errors.ts'

/** Only what is shown: Places charges by field, and with no mask it answers 400. */
export const PLACES_FIELD_MASK = 'id,displayName,googleMapsUri,rating,userRatingCount,reviews'
export const PLACES_MAX_REVIEWS = 5

const placeSchema = z.object({
  id: z.string().optional(),
  displayName: z.object({ text: z.string() }).optional(),
  googleMapsUri: z.string().optional(),
  rating: z.number().optional(),
  userRatingCount: z.number().int().optional(),
  reviews: z
    .array(
      z.object({
        rating: z.number().optional(),
        text: z.object({ text: z.string(), languageCode: z.string().optional() }).optional(),
        originalText: z.object({ text: z.string(), languageCode: z.string().optional() }).optional(),
        authorAttribution: z.object({ displayName: z.string().optional(), uri: z.string().optional() }).optional(),
        publishTime: z.string().optional(),
        relativePublishTimeDescription: z.string().optional(),
        flagContentUri: z.string().optional(),
        googleMapsUri: z.string().optional(),
      }),
    )
    .optional(),
})

/** A Places review as shown at display time. Held in memory only; Google's terms forbid storing it. */
export interface PlacesReview {
  rating: number
  text: string
  originalText: string | null
  author: string
  authorUri: string | null
  publishedAt: string | null
  relativeTime: string | null
  reportUri: string | null
  googleMapsUri: string | null
}

export interface PlacesSnapshot {
  placeId: string
  name: string | null
  rating: number | null
  count: number | null
  googleMapsUri: string | null
  reviews: PlacesReview[]
}

export async function fetchPlaceReviews(params: { placeId: string; apiKey: string; apiRoot: string | undefined }): Promise<PlacesSnapshot> {
  const places = google.places({ version: 'v1', auth: params.apiKey, ...(params.apiRoot && { rootUrl: params.apiRoot }) })
  let data: unknown
  try {
    const res = await places.places.get({ name: `places/${params.placeId}` }, { headers: { 'X-Goog-FieldMask': PLACES_FIELD_MASK }, retry: false })
    data = res.data
  } catch (error) {
    const e = error as { response?: { status?: number; data?: unknown }; message?: string }
    const status = e.response?.status
    if (typeof status !== 'number' || status === 429 || status >= 500) throw new GoogleUnavailableError(`place ${params.placeId}: ${googleMessage(e.response?.data, status ?? 0)}`, status ?? 0)
    throw new GooglePermanentError(`place ${params.placeId}: ${googleMessage(e.response?.data, status)}`, status)
  }
  const parsed = placeSchema.safeParse(data)
  if (!parsed.success) throw new GoogleBadResponseError(`place ${params.placeId}: Google's answer is truncated or not the documented shape`)
  const p = parsed.data
  return {
    placeId: p.id ?? params.placeId,
    name: p.displayName?.text ?? null,
    rating: p.rating ?? null,
    count: p.userRatingCount ?? null,
    googleMapsUri: p.googleMapsUri ?? null,
    reviews: (p.reviews ?? []).slice(0, PLACES_MAX_REVIEWS).map((r) => ({
      rating: r.rating ?? 0,
      text: r.text?.text ?? '',
      originalText: r.originalText && r.originalText.text !== r.text?.text ? r.originalText.text : null,
      author: r.authorAttribution?.displayName ?? ANONYMOUS_REVIEWER,
      authorUri: r.authorAttribution?.uri ?? null,
      publishedAt: r.publishTime ?? null,
      relativeTime: r.relativePublishTimeDescription ?? null,
      reportUri: r.flagContentUri ?? null,
      googleMapsUri: r.googleMapsUri ?? null,
    })),
  }
}
