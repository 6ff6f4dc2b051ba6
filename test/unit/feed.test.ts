import { describe, expect, it } from 'vitest'
import { buildPublicFeed, CURATED_LABEL, type FeedInput } from '../../src/domain/feed.ts'

const input: FeedInput = {
  slug: 'home',
  title: 'Never rushed',
  locationId: 'clinic',
  aggregate: { source: 'google-business-profile', rating: 4.6666, count: 212, url: 'https://g.page/r/x', checkedAt: new Date('2026-11-19T08:00:00Z') },
  testimonials: [
    {
      id: 'tm_1',
      excerptStart: 0,
      excerptEnd: 24,
      excerptText: 'I never felt rushed here',
      reviewText: 'I never felt rushed here. Great.',
      rating: 5,
      author: 'Myra Kowalski',
      authorization: null,
      reviewCreatedAt: new Date('2025-04-02T10:00:00Z'),
      reviewUrl: 'https://maps.google.com/?cid=1',
      source: 'google-business-profile',
      themes: ['never-rushed', 'front-desk'],
      checkedAt: new Date('2026-11-19T08:00:00Z'),
    },
  ],
}

describe('the public feed', () => {
  it('is labelled as a selection and carries the source aggregate over all reviews', () => {
    const feed = buildPublicFeed(input, new Date('2026-11-20'))
    expect(feed.label).toBe(CURATED_LABEL)
    expect(feed.aggregate).toEqual({ source: 'google-business-profile', rating: 4.7, count: 212, url: 'https://g.page/r/x', checkedAt: '2026-11-19' })
    expect(feed.testimonials[0]).toEqual({
      id: 'tm_1',
      excerpt: 'I never felt rushed here …',
      rating: 5,
      attribution: 'Verified patient',
      date: '2025-04-02',
      verification: 'Verified Google review',
      checked: '2026-11-19',
      reviewUrl: 'https://maps.google.com/?cid=1',
      themes: ['front-desk', 'never-rushed'],
    })
    expect(feed.allReviewsPath).toBe('reviews/clinic')
  })

  it('gives the same bytes for the same inputs, whenever it is built', () => {
    const a = JSON.stringify(buildPublicFeed(input, new Date('2026-11-20')))
    const b = JSON.stringify(buildPublicFeed(input, new Date('2026-11-21')))
    expect(a).toBe(b)
  })
})
