import { describe, expect, it } from 'vitest'
import { slackMessage, webhookBody, type WebhookEvent, type WebhookReview } from '../../src/domain/webhook-payload.ts'

const review: WebhookReview = {
  id: 'rev_1',
  locationName: 'Mission Chiropractic',
  rating: 2,
  text: 'Waited 45 minutes <!channel> & nobody said sorry. <https://evil.example|click>',
  author: 'Myra Kowalski',
  replyUrl: 'https://plaudit.example/app/reviews/rev_1?reply=1',
}
const created: WebhookEvent = { id: 'evt_1', occurredAt: '2026-12-02T14:00:00.000Z', type: 'review.created', review }

describe('webhook payloads', () => {
  it('delivers the event itself as JSON', () => {
    expect(JSON.parse(webhookBody(created, 'json'))).toEqual(created)
  })

  it('formats a Slack message with stars, the short name, the location and a link to reply', () => {
    const message = slackMessage(created)
    expect(message.text).toBe('New review: ★★☆☆☆ at Mission Chiropractic')
    expect(message.blocks[0]!.text.text).toBe('*New review*\n★★☆☆☆ Myra K. · Mission Chiropractic · <https://plaudit.example/app/reviews/rev_1?reply=1|Open in Plaudit>')
    expect(JSON.parse(webhookBody(created, 'slack'))).toEqual(message)
  })

  it('escapes review text so it cannot ping a channel or hide a link', () => {
    const quoted = slackMessage(created).blocks[1]!.text.text
    expect(quoted).toBe('> Waited 45 minutes &lt;!channel&gt; &amp; nobody said sorry. &lt;https://evil.example|click&gt;')
    expect(quoted).not.toMatch(/<[^>]*>/)
  })

  it('keeps anonymous reviewers anonymous and cuts long text', () => {
    const long: WebhookEvent = { ...created, type: 'review.updated', review: { ...review, author: null, text: 'word '.repeat(400) } }
    const [head, body] = slackMessage(long).blocks
    expect(head!.text.text).toContain('A Google User')
    expect(body!.text.text.length).toBeLessThan(600)
    expect(body!.text.text.endsWith('…')).toBe(true)
  })

  it('lists at most five reviews behind a theme alert and says how many more', () => {
    const alert: WebhookEvent = {
      id: 'evt_2', occurredAt: '2026-12-02T14:00:00.000Z', type: 'alert.fired',
      alert: { theme: 'wait-time', observed: 7, expected: 0.9166 },
      reviews: Array.from({ length: 7 }, (_, i) => ({ ...review, id: `rev_${i}` })),
    }
    const message = slackMessage(alert)
    expect(message.text).toBe('Theme alert: 7 complaints about "wait-time" in the last 7 days (usually about 0.9 a week)')
    expect(message.blocks).toHaveLength(1 + 5 + 1)
    expect(message.blocks.at(-1)!.text.text).toBe('and 2 more')
  })

  it('gives the reason a testimonial was withdrawn', () => {
    const withdrawn: WebhookEvent = { ...created, type: 'testimonial.withdrawn', testimonial: { id: 't_1', collection: 'home', reason: 'rating lowered to 2 <b>' } }
    expect(slackMessage(withdrawn).blocks[0]!.text.text).toContain('*Testimonial withdrawn*\nReason: rating lowered to 2 &lt;b&gt;')
  })
})
