/** `neutral`: the theme is named without a stance (only packs with neutralMentions produce it). */
export const POLARITIES = ['positive', 'negative', 'mixed', 'neutral'] as const
export type Polarity = (typeof POLARITIES)[number]

export const SOURCES = ['google-business-profile', 'google-places', 'import'] as const
export type SourceId = (typeof SOURCES)[number]

/** Sources whose reviews the owner can answer: replies are tracked only for these. */
export const REPLY_SOURCES: readonly SourceId[] = ['google-business-profile']

/** A review as it arrives from a source, before it is stored. */
export interface ReviewInput {
  source: SourceId
  externalId: string
  author: string | null
  rating: number
  text: string
  createdAt: Date
  url: string | null
}

export type ReviewStatus = 'active' | 'removed'

export interface Review extends ReviewInput {
  id: string
  locationId: string
  updatedAt: Date
  revision: number
  contentHash: string
  status: ReviewStatus
  themes: Record<string, Polarity>
}

/** One theme found in one review, with the evidence span [start, end) into the review text. */
export interface Mention {
  theme: string
  polarity: Polarity
  start: number
  end: number
  score: number
}

export interface TagResult {
  themes: Record<string, Polarity>
  mentions: Mention[]
}
