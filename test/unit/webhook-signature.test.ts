import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signWebhook, verifyWebhook } from '../../src/domain/webhook-signature.ts'

const secret = 'whsec_test_1b2c3d'
const body = JSON.stringify({ id: 'evt_1', type: 'review.created', review: { rating: 5 } })
const sentAt = 1_780_000_000

describe('webhook signatures', () => {
  it('signs t=<unix>,v1=<hex HMAC-SHA256 of "t.body">, as a receiver can recompute with any HMAC library', () => {
    const header = signWebhook(secret, sentAt, body)
    const expected = createHmac('sha256', secret).update(`${sentAt}.${body}`).digest('hex')
    expect(header).toBe(`t=${sentAt},v1=${expected}`)
  })

  it('verifies a delivery received within the tolerance, either side of the sender clock', () => {
    const header = signWebhook(secret, sentAt, body)
    expect(verifyWebhook({ secret, header, body, now: sentAt + 299 })).toEqual({ ok: true, timestamp: sentAt })
    expect(verifyWebhook({ secret, header, body, now: sentAt - 299 })).toEqual({ ok: true, timestamp: sentAt })
  })

  it('refuses a replay older than the tolerance, even with a correct signature', () => {
    const header = signWebhook(secret, sentAt, body)
    expect(verifyWebhook({ secret, header, body, now: sentAt + 301 })).toEqual({ ok: false, reason: 'stale' })
    expect(verifyWebhook({ secret, header, body, now: sentAt + 3_600, toleranceSeconds: 7_200 }).ok).toBe(true)
  })

  it('refuses a changed body, a changed timestamp and the wrong secret', () => {
    const header = signWebhook(secret, sentAt, body)
    expect(verifyWebhook({ secret, header, body: body.replace('5', '1'), now: sentAt })).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifyWebhook({ secret, header: header.replace(`t=${sentAt}`, `t=${sentAt + 1}`), body, now: sentAt })).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifyWebhook({ secret: 'whsec_other', header, body, now: sentAt })).toEqual({ ok: false, reason: 'mismatch' })
  })

  it('accepts any of several v1 signatures, so a secret can be rotated', () => {
    const oldSignature = signWebhook('whsec_old', sentAt, body).split(',')[1]!
    const header = `${signWebhook(secret, sentAt, body)},${oldSignature}`
    expect(verifyWebhook({ secret, header, body, now: sentAt }).ok).toBe(true)
    expect(verifyWebhook({ secret: 'whsec_old', header, body, now: sentAt }).ok).toBe(true)
    expect(verifyWebhook({ secret: 'whsec_third', header, body, now: sentAt }).ok).toBe(false)
  })

  it('refuses malformed headers without throwing', () => {
    for (const header of ['', 'v1=abc', `t=${sentAt}`, `t=soon,v1=${'0'.repeat(64)}`, `t=${sentAt},v1=short`, `t=${sentAt},v0=${'0'.repeat(64)}`]) {
      expect(verifyWebhook({ secret, header, body, now: sentAt }), header).toEqual({ ok: false, reason: 'malformed' })
    }
  })

  it('refuses to sign with an empty secret or a fractional timestamp', () => {
    expect(() => signWebhook('', sentAt, body)).toThrow(/secret/)
    expect(() => signWebhook(secret, 1.5, body)).toThrow(/whole unix seconds, got 1.5/)
  })
})
