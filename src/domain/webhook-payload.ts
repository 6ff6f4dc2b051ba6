import { shortName } from './attribution.ts'

// What a webhook delivers. The JSON format is the event itself; the Slack-compatible format is a
// message for a Slack (or Mattermost, Discord /slack) incoming-webhook URL, built from the same
// event. Review text is hostile input: in Slack's mrkdwn "<!channel>" pings everyone and "<url|x>"
// disguises a link, so &, < and > are escaped as Slack documents.

export const WEBHOOK_EVENT_TYPES = ['review.created', 'review.updated', 'review.removed', 'testimonial.withdrawn', 'alert.fired'] as const
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

export interface WebhookReview {
  id: string
  locationName: string
  rating: number
  text: string
  /** the reviewer's display name as the source shows it publicly, or null when anonymous */
  author: string | null
  /** where the owner reads and answers it in Plaudit */
  replyUrl: string
}

interface EventBase {
  /** unique per event, so a receiver can drop a retried delivery it already handled */
  id: string
  /** ISO 8601 */
  occurredAt: string
}

export type WebhookEvent =
  | (EventBase & { type: 'review.created' | 'review.updated' | 'review.removed'; review: WebhookReview })
  | (EventBase & { type: 'testimonial.withdrawn'; testimonial: { id: string; collection: string | null; reason: string }; review: WebhookReview })
  | (EventBase & { type: 'alert.fired'; alert: { theme: string; observed: number; expected: number }; reviews: WebhookReview[] })

export type WebhookFormat = 'json' | 'slack'

/** Slack's limit for one section's text is 3,000 characters; quotes are kept well below it. */
const QUOTE_LIMIT = 500
/** An alert lists at most this many reviews in Slack; the JSON format carries them all. */
const SLACK_ALERT_REVIEWS = 5

/** The body of a delivery, exactly the bytes that are signed. */
export function webhookBody(event: WebhookEvent, format: WebhookFormat): string {
  return JSON.stringify(format === 'slack' ? slackMessage(event) : event)
}

export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function stars(rating: number): string {
  const whole = Math.max(0, Math.min(5, Math.round(rating)))
  return '★'.repeat(whole) + '☆'.repeat(5 - whole)
}

function quote(text: string): string {
  const cut = text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT).trimEnd()}…` : text
  return cut.trim() === '' ? '_(rating only)_' : cut.split('\n').map((line) => `> ${escapeSlack(line)}`).join('\n')
}

function reviewLine(review: WebhookReview): string {
  // Inside <url|label> a raw "|", "<" or ">" in the URL would end the link early.
  const url = review.replyUrl.replace(/[|<>]/g, (c) => encodeURIComponent(c))
  return `${stars(review.rating)} ${escapeSlack(shortName(review.author))} · ${escapeSlack(review.locationName)} · <${url}|Open in Plaudit>`
}

const HEADLINES: Record<Exclude<WebhookEventType, 'alert.fired'>, string> = {
  'review.created': 'New review',
  'review.updated': 'Review edited',
  'review.removed': 'Review removed',
  'testimonial.withdrawn': 'Testimonial withdrawn',
}

export interface SlackMessage {
  /** the notification text (and the fallback where blocks are not shown) */
  text: string
  blocks: Array<{ type: 'section'; text: { type: 'mrkdwn'; text: string } }>
}

/** The Slack-compatible message for an event. */
export function slackMessage(event: WebhookEvent): SlackMessage {
  const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } })
  if (event.type === 'alert.fired') {
    const { theme, observed, expected } = event.alert
    const headline = `Theme alert: ${observed} complaints about "${theme}" in the last 7 days (usually about ${expected.toFixed(1)} a week)`
    const shown = event.reviews.slice(0, SLACK_ALERT_REVIEWS)
    const more = event.reviews.length - shown.length
    return {
      text: escapeSlack(headline),
      blocks: [
        section(`*${escapeSlack(headline)}*`),
        ...shown.map((review) => section(`${reviewLine(review)}\n${quote(review.text)}`)),
        ...(more > 0 ? [section(`and ${more} more`)] : []),
      ],
    }
  }
  const headline = HEADLINES[event.type]
  const detail = event.type === 'testimonial.withdrawn' ? `\nReason: ${escapeSlack(event.testimonial.reason)}` : ''
  return {
    text: `${headline}: ${stars(event.review.rating)} at ${escapeSlack(event.review.locationName)}`,
    blocks: [section(`*${headline}*${detail}\n${reviewLine(event.review)}`), section(quote(event.review.text))],
  }
}
