import type { Db } from '../db/database.ts'
import { getPlaceId } from '../db/stores/google.ts'
import { fetchPlaceReviews, type PlacesReview } from '../sources/google/places.ts'
import { NotFoundError, RuleViolationError } from './errors.ts'

export interface PlacesSettings {
  apiKey: string | undefined
  apiRoot: string | undefined
}

/** What a page shows for a location known only by its Place id. */
export interface PlacesFallbackView {
  /** Which source this came from, so nobody mistakes it for the curated, verified feed. */
  source: 'google-places'
  attribution: string
  placeId: string
  name: string | null
  googleMapsUri: string | null
  aggregate: { source: 'google-places'; rating: number; count: number } | null
  reviews: PlacesReview[]
}

/**
 * Places API (New) at display time: at most 5 reviews with a field mask, returned to the caller
 * and dropped. Google's terms forbid storing them, so nothing here touches the reviews table or
 * curation, and nothing is cached.
 */
export async function placesFallback(db: Db, settings: PlacesSettings, locationId: string): Promise<PlacesFallbackView> {
  const placeId = await getPlaceId(db, locationId)
  if (!placeId) throw new NotFoundError(`location "${locationId}" has no Place id`)
  if (!settings.apiKey) throw new RuleViolationError('GOOGLE_PLACES_API_KEY is not set')
  const place = await fetchPlaceReviews({ placeId, apiKey: settings.apiKey, apiRoot: settings.apiRoot })
  return {
    source: 'google-places',
    attribution: 'Reviews from Google',
    placeId: place.placeId,
    name: place.name,
    googleMapsUri: place.googleMapsUri,
    aggregate: place.rating !== null && place.count !== null ? { source: 'google-places', rating: place.rating, count: place.count } : null,
    reviews: place.reviews,
  }
}
