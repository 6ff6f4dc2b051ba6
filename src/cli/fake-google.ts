import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

const FIXTURES = join(import.meta.dirname, '../../fixtures/google')
export const fixture = <T = unknown>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T

export type FakeReview = Record<string, unknown> & { name: string; reviewId: string; updateTime: string; starRating?: string; comment?: string }

export const ACCOUNT = 'accounts/108543210987654321098'
export const LOCATION = `${ACCOUNT}/locations/4829164037751902613`
export const PLACE_ID = 'ChIJm7Xq4Qh-j4ARsA1emCh1r0w'
export const REFRESH_TOKEN = '1//fake-refresh-token-for-alem-chiropractic'
export const AUTH_CODE = '4/fake-authorization-code'

export type Kind = 'token' | 'consent' | 'accounts' | 'locations' | 'reviews' | 'places' | 'other'

export interface Injected {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** Sends these raw bytes instead of JSON (a truncated or non-JSON body). */
  raw?: string
}

/**
 * A stand-in for Google (tests and `PLAUDIT_DEMO_GOOGLE=1` demo only) on 127.0.0.1 serving the fixture shapes at Google's real paths: the OAuth
 * token endpoint, Account Management, Business Information, v4 reviews (paged, updateTime desc)
 * and Places (New). It counts every request and answers with injected errors when a test asks.
 */
export class FakeGoogle {
  url = ''
  readonly requests: Array<{ kind: Kind; method: string; path: string; query: URLSearchParams; authorization: string | null }> = []
  reviews: FakeReview[]
  /** Google may return fewer reviews than asked; tests shrink pages to get several of them. */
  pageSize: number | null = null
  validRefreshTokens = new Set([REFRESH_TOKEN])
  private issued = new Set<string>()
  private tokenCounter = 0
  private readonly injections = new Map<Kind, Injected[]>()
  private readonly server = createServer((req, res) => this.handle(req, res))

  constructor() {
    const page1 = fixture<{ reviews: FakeReview[] }>('gbp-reviews-page1.json')
    const page2 = fixture<{ reviews: FakeReview[] }>('gbp-reviews-page2.json')
    this.reviews = [...page1.reviews, ...page2.reviews].map((r) => structuredClone(r))
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** The next `times` requests of this kind get this answer instead. */
  inject(kind: Kind, answer: Injected, times = 1): void {
    const queue = this.injections.get(kind) ?? []
    for (let i = 0; i < times; i++) queue.push(answer)
    this.injections.set(kind, queue)
  }

  count(kind?: Kind): number {
    return kind ? this.requests.filter((r) => r.kind === kind).length : this.requests.length
  }

  review(id: string): FakeReview {
    const review = this.reviews.find((r) => r.reviewId === id)
    if (!review) throw new Error(`no fake review ${id}`)
    return review
  }

  /** Edits a review as a patient would: new text and/or rating, and a new updateTime. */
  edit(id: string, change: { comment?: string; starRating?: string; updateTime: string }): void {
    Object.assign(this.review(id), change)
  }

  remove(id: string): void {
    this.reviews = this.reviews.filter((r) => r.reviewId !== id)
  }

  private kindOf(method: string, path: string): Kind {
    if (method === 'POST' && path === '/token') return 'token'
    if (path === '/v1/accounts') return 'accounts'
    if (/^\/v1\/accounts\/[^/]+\/locations$/.test(path)) return 'locations'
    if (/^\/v4\/accounts\/[^/]+\/locations\/[^/]+\/reviews$/.test(path)) return 'reviews'
    if (/^\/v1\/places\/[^/]+$/.test(path)) return 'places'
    if (path === '/o/oauth2/v2/auth') return 'consent'
    return 'other'
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake')
    const kind = this.kindOf(req.method ?? 'GET', url.pathname)
    const authorization = req.headers.authorization ?? null
    this.requests.push({ kind, method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, authorization })
    const body = await new Promise<string>((resolve) => {
      let data = ''
      req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')))
      req.on('end', () => resolve(data))
    })

    const injected = this.injections.get(kind)?.shift()
    if (injected) return this.answer(res, injected)

    switch (kind) {
      case 'token':
        return this.token(res, new URLSearchParams(body))
      case 'accounts':
        if (this.authorized(req, res)) this.json(res, 200, fixture('gbp-accounts-list.json'))
        return
      case 'locations':
        if (!this.authorized(req, res)) return
        if (!url.searchParams.get('readMask')) return this.json(res, 400, { error: { code: 400, message: "Request contains an invalid argument: readMask is required", status: 'INVALID_ARGUMENT' } })
        // Only the location group holds the practice; the owner's personal account holds no location.
        return this.json(res, 200, url.pathname === `/v1/${ACCOUNT}/locations` ? fixture('gbp-locations-list.json') : {})
      case 'reviews':
        if (this.authorized(req, res)) this.reviewPage(res, url)
        return
      case 'places':
        if (!url.searchParams.get('key') && !req.headers['x-goog-api-key']) return this.json(res, 403, fixture('error-403-permission.json'))
        if (!req.headers['x-goog-fieldmask'] && !url.searchParams.get('fields') && !url.searchParams.get('$fields')) return this.json(res, 400, fixture('error-400-fieldmask.json'))
        return this.json(res, 200, fixture('places-details.json'))
      case 'consent': {
        // The owner "allows" at once: straight back to Plaudit with a code and the same state.
        const back = new URL(url.searchParams.get('redirect_uri') ?? '')
        back.searchParams.set('code', AUTH_CODE)
        back.searchParams.set('state', url.searchParams.get('state') ?? '')
        res.writeHead(302, { location: back.toString() })
        res.end()
        return
      }
      default:
        return this.json(res, 404, fixture('error-404.json'))
    }
  }

  private token(res: ServerResponse, form: URLSearchParams): void {
    const grant = form.get('grant_type')
    const ok = grant === 'refresh_token' ? this.validRefreshTokens.has(form.get('refresh_token') ?? '') : grant === 'authorization_code' && form.get('code') === AUTH_CODE
    if (!ok) return this.json(res, 400, fixture('oauth-invalid-grant.json'))
    const token = fixture<Record<string, unknown>>('oauth-token-refresh.json')
    const accessToken = `${String(token.access_token)}-${++this.tokenCounter}`
    this.issued.add(accessToken)
    this.json(res, 200, { ...token, access_token: accessToken, ...(grant === 'authorization_code' && { refresh_token: REFRESH_TOKEN }) })
  }

  private authorized(req: IncomingMessage, res: ServerResponse): boolean {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '')
    if (this.issued.has(token)) return true
    this.json(res, 401, fixture('error-401.json'))
    return false
  }

  private reviewPage(res: ServerResponse, url: URL): void {
    const asked = Number(url.searchParams.get('pageSize') ?? '50')
    if (asked > 50) return this.json(res, 400, { error: { code: 400, message: 'The maximum pageSize is 50', status: 'INVALID_ARGUMENT' } })
    const size = Math.min(asked, this.pageSize ?? asked)
    const offset = Number((url.searchParams.get('pageToken') ?? 'offset:0').split(':')[1])
    const sorted = [...this.reviews].sort((a, b) => b.updateTime.localeCompare(a.updateTime))
    const slice = sorted.slice(offset, offset + size)
    const ratings = this.reviews.map((r) => ({ ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5 })[r.starRating as 'ONE'] ?? 0)
    const average = ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 10) / 10 : undefined
    this.json(res, 200, {
      ...(slice.length > 0 && { reviews: slice }),
      ...(average !== undefined && { averageRating: average }),
      ...(this.reviews.length > 0 && { totalReviewCount: this.reviews.length }),
      ...(offset + size < sorted.length && { nextPageToken: `offset:${offset + size}` }),
    })
  }

  private answer(res: ServerResponse, injected: Injected): void {
    if (injected.raw !== undefined) {
      res.writeHead(injected.status, { 'content-type': 'application/json; charset=UTF-8', ...injected.headers })
      res.end(injected.raw)
      return
    }
    res.writeHead(injected.status, { 'content-type': 'application/json; charset=UTF-8', ...injected.headers })
    res.end(JSON.stringify(injected.body ?? {}))
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' })
    res.end(JSON.stringify(body))
  }
}
