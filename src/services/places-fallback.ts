import type { Db } from '../db/database.ts'
import { getPlaceId } from '../db/stores/google.ts'
import { fetchPlaceReviews, type PlacesReview, type PlacesSnapshot } from '../sources/google/places.ts'
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

/** Google's answer per Place, kept for a short while (it expires by itself) and shared by the API processes. */
export interface PlacesCache {
  get(placeId: string): Promise<PlacesFallbackView | null>
  set(placeId: string, view: PlacesFallbackView): Promise<void>
}

/**
 * Places API (New) at display time: at most 5 reviews with a field mask. Google's terms forbid
 * storing them, so nothing here touches the reviews table or curation; each call to Places is
 * billed, so one answer per Place is cached for a limited time (an hour by default) and
 * concurrent requests of one process wait for the same call.
 */
export function createPlacesFallback(db: Db, settings: PlacesSettings, cache: PlacesCache): (locationId: string) => Promise<PlacesFallbackView> {
  const inFlight = new Map<string, Promise<PlacesFallbackView>>()

  const fetchAndCache = async (placeId: string, apiKey: string): Promise<PlacesFallbackView> => {
    // The cache is a saving, not a dependency: with Redis unreachable the page still shows.
    const cached = await cache.get(placeId).catch(() => null)
    if (cached !== null) return cached
    const view = viewOf(await fetchPlaceReviews({ placeId, apiKey, apiRoot: settings.apiRoot }))
    await cache.set(placeId, view).catch(() => undefined)
    return view
  }

  return async (locationId) => {
    const placeId = await getPlaceId(db, locationId)
    if (!placeId) throw new NotFoundError(`location "${locationId}" has no Place id`)
    const apiKey = settings.apiKey
    if (!apiKey) throw new RuleViolationError('GOOGLE_PLACES_API_KEY is not set')
    let pending = inFlight.get(placeId)
    if (pending === undefined) {
      pending = fetchAndCache(placeId, apiKey).finally(() => inFlight.delete(placeId))
      inFlight.set(placeId, pending)
    }
    return pending
  }
}

function viewOf(place: PlacesSnapshot): PlacesFallbackView {
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
