import { createHmac, timingSafeEqual } from 'node:crypto'

// Webhook deliveries are signed the way Stripe signs its events, so receivers can reuse what
// they know: the header `Plaudit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
// `${t}.${body}` with the webhook's secret. The timestamp inside the signed text lets a receiver
// refuse a replayed delivery; more than one v1 lets a secret be rotated without a gap.

export const WEBHOOK_SIGNATURE_HEADER = 'Plaudit-Signature'
/** How far a delivery's timestamp may be from the receiver's clock, either way. */
export const WEBHOOK_TOLERANCE_SECONDS = 300

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')
}

/** The Plaudit-Signature header value for a delivery; `timestamp` in whole unix seconds. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  if (!Number.isInteger(timestamp) || timestamp < 0) throw new RangeError(`webhook timestamp must be whole unix seconds, got ${timestamp}`)
  if (secret === '') throw new RangeError('webhook secret must not be empty')
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`
}

export type WebhookVerification = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' }

export interface VerifyWebhookInput {
  secret: string
  /** the Plaudit-Signature header as received */
  header: string
  /** the request body exactly as received, before any JSON parsing */
  body: string
  /** the receiver's clock, unix seconds */
  now: number
  toleranceSeconds?: number
}

/** Checks a delivery's signature and its age; what a receiver runs (see the verification snippet). */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerification {
  let timestamp: number | null = null
  const signatures: string[] = []
  for (const part of input.header.split(',')) {
    const [key, value] = part.trim().split('=', 2)
    if (key === 't' && value !== undefined && /^\d+$/.test(value)) timestamp = Number(value)
    if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) signatures.push(value)
  }
  if (timestamp === null || signatures.length === 0) return { ok: false, reason: 'malformed' }
  if (Math.abs(input.now - timestamp) > (input.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale' }
  const expected = Buffer.from(hmacHex(input.secret, timestamp, input.body), 'hex')
  // Every candidate is compared in constant time, so the time taken tells nothing about the secret.
  const match = signatures.some((candidate) => timingSafeEqual(Buffer.from(candidate, 'hex'), expected))
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' }
}
