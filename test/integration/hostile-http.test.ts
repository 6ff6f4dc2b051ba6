import { once } from 'node:events'
import { connect } from 'node:net'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { importReviews } from '../../src/services/import-reviews.ts'
import { seedUser, signIn, type Session } from '../support/accounts.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { expressRoutes, rawRequest } from '../support/http.ts'
import { ADMIN_KEY, silentLogger } from '../support/pipeline.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

/** Issue 13, points 13, 14 and 16: requests we cannot read, slow clients, and response headers. */
const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('hostile-http')
const redis = connectTestRedis()
let temp: TempDatabase
let servers = 0
const started: RunningApi[] = []

/** Log lines as pino writes them, to tell an info line from an error with a stack. */
const logLines: Array<{ level: number; msg: string; err?: unknown }> = []
const capturingLogger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) })

async function start(options: Partial<Parameters<typeof startApiServer>[0]> = {}): Promise<RunningApi> {
  const api = await startApiServer({
    db: temp.db,
    redis,
    prefix: `${prefix}:${++servers}`,
    logger: silentLogger,
    adminApiKey: ADMIN_KEY,
    themeIds: chiropracticPack.themes.map((t) => t.id),
    now: () => NOW,
    port: 0,
    host: '127.0.0.1',
    ...options,
  })
  started.push(api)
  return api
}

let api: RunningApi
let owner: Session

beforeAll(async () => {
  temp = await createTempDatabase()
  api = await start({ logger: capturingLogger })
  await importReviews(temp.db, {
    file: writeReviewsCsv(temp.dir, 'reviews.csv', [{ id: 'h1', author: 'Pat Doe', rating: 5, text: 'Never rushed and very clear.', createdAt: '2026-11-01T10:00:00Z' }]),
    locationId: 'clinic',
    analyzeBatchSize: 100,
    now: () => NOW,
    enqueueAnalysis: async () => undefined,
    enqueueFeedRebuild: async () => undefined,
  })
  const admin = (method: string, path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify(body) })
  const created = (await (await admin('POST', '/api/v1/testimonials', { reviewId: reviewIdFor('clinic', 'import', 'h1'), start: 0, end: 12, publish: true })).json()) as { testimonial: { id: string } }
  expect((await admin('PUT', '/api/v1/collections/home', { testimonialIds: [created.testimonial.id] })).status).toBe(200)
  await seedUser(temp.db, 'owner@clinic.test', 'owner', NOW)
  owner = await signIn(api.url, 'owner@clinic.test')
})

afterAll(async () => {
  for (const server of started) await server.close()
  await redis.quit()
  await temp.remove()
  await removeKeys(prefix)
})

describe('a request we cannot read is a 400 naming the part, logged at info (point 13)', () => {
  const errorsLogged = () => logLines.filter((line) => line.level >= 50)

  it('refuses malformed percent-encoding in a path and still decodes a good one', async () => {
    const bad = await rawRequest(`${api.url}/reviews/%E0%A4%A`)
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body)).toMatchObject({ error: 'invalid_path', message: expect.stringContaining('malformed percent-encoding') })
    expect(bad.body).toContain('%E0%A4%A')
    expect((await rawRequest(`${api.url}/reviews/cl%69nic`)).status).toBe(200)
    expect(logLines).toContainEqual(expect.objectContaining({ level: 30, msg: 'unreadable request refused', reason: expect.stringContaining('percent-encoding') }))
    expect(errorsLogged()).toEqual([])
  })

  it('refuses malformed percent-encoding in the session cookie and still reads a good one', async () => {
    const bad = await rawRequest(`${api.url}/api/v1/session`, { headers: { cookie: 'plaudit_session=%E0%A4%A' } })
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body)).toMatchObject({ error: 'invalid_cookie', message: expect.stringContaining('cookie plaudit_session') })
    expect((await rawRequest(`${api.url}/api/v1/session`, { headers: { cookie: owner.cookie } })).status).toBe(200)
    expect(errorsLogged()).toEqual([])
  })

  it('refuses a JSON body in an unknown Content-Encoding or charset, naming it', async () => {
    const body = JSON.stringify({ email: 'owner@clinic.test', password: 'wrong password' })
    const encoded = await rawRequest(`${api.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'foo' }, body })
    expect(encoded.status).toBe(400)
    expect(JSON.parse(encoded.body)).toMatchObject({ error: 'invalid_body', message: expect.stringContaining('"foo"') })
    const charset = await rawRequest(`${api.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json; charset=klingon' }, body })
    expect(charset.status).toBe(400)
    expect(JSON.parse(charset.body).message.toLowerCase()).toContain('"klingon"')
    // The same body, readable, reaches the sign-in and is judged on its merits.
    expect((await rawRequest(`${api.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body })).status).toBe(401)
    expect(errorsLogged()).toEqual([])
  })
})

describe('slow clients are dropped (point 14)', () => {
  /** Sends `head` then one more byte every 20 ms, as a slow-loris client does, until the server hangs up. */
  async function trickle(url: string, head: string, drip: string): Promise<string> {
    const { port } = new URL(url)
    const socket = connect(Number(port), '127.0.0.1')
    await once(socket, 'connect')
    let received = ''
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
    socket.on('error', () => undefined)
    socket.write(head)
    const dripping = setInterval(() => {
      if (!socket.destroyed) socket.write(drip)
    }, 20)
    try {
      await once(socket, 'close')
    } finally {
      clearInterval(dripping)
    }
    return received
  }

  it('cuts a trickled header and a trickled body at the configured limits; a prompt request is answered', async () => {
    const slow = await start({ headersTimeoutMs: 300, requestTimeoutMs: 600 })
    const headerReply = await trickle(slow.url, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n', 'X-a: b\r\n')
    expect(headerReply).toMatch(/^HTTP\/1\.1 408 /)
    const bodyReply = await trickle(slow.url, 'POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"email":"', 'a')
    expect(bodyReply).toMatch(/^HTTP\/1\.1 408 /)
    expect((await fetch(`${slow.url}/healthz`)).status).toBe(200)
  })

  it('uses limits under 30 s by default', async () => {
    const server = (await start()).server
    expect(server.headersTimeout).toBeLessThanOrEqual(30_000)
    expect(server.requestTimeout).toBeLessThanOrEqual(30_000)
    expect(server.requestTimeout).toBeGreaterThan(0)
  })
})

describe('response headers (point 16)', () => {
  const PUBLIC_CACHEABLE = new Set(['GET /reviews/:locationId', 'GET /app/:file'])

  it('sends nosniff on every Express response and no-store on every private one', async () => {
    const values: Record<string, string> = { locationId: 'clinic', id: reviewIdFor('clinic', 'import', 'h1'), slug: 'home', file: 'curate.js' }
    const checked: string[] = []
    for (const route of expressRoutes(api.app)) {
      const url = route.path.replace(/:(\w+)/g, (_, name: string) => values[name] ?? 'x')
      // Signed in only for reads: walking DELETE /api/v1/session with the cookie would sign the owner out.
      const callers: Array<Record<string, string>> = route.method === 'GET' ? [{}, { cookie: owner.cookie }] : [{}]
      for (const headers of callers) {
        const response = await rawRequest(`${api.url}${url}`, { method: route.method, headers })
        expect(response.headers['x-content-type-options'], `${route.method} ${url}`).toBe('nosniff')
        if (!PUBLIC_CACHEABLE.has(`${route.method} ${route.path}`) || response.status >= 400) {
          expect(response.headers['cache-control'], `${route.method} ${url} → ${response.status}`).toBe('no-store')
        }
        checked.push(`${route.method} ${url}`)
      }
    }
    // The two named in the issue: the CSRF token and the user list.
    expect(checked).toEqual(expect.arrayContaining(['GET /api/v1/session', 'GET /api/v1/users']))
    const users = await rawRequest(`${api.url}/api/v1/users`, { headers: { cookie: owner.cookie } })
    expect(users.status).toBe(200)
    expect(users.headers['cache-control']).toBe('no-store')
  })

  it('keeps the all-reviews page in shared caches for at most a minute, stale copies included', async () => {
    const page = await rawRequest(`${api.url}/reviews/clinic`)
    expect(page.status).toBe(200)
    const directives = Object.fromEntries(String(page.headers['cache-control']).split(',').map((d) => d.trim().split('=') as [string, string?]))
    expect(directives).toHaveProperty('public')
    expect(directives['stale-if-error']).toBeUndefined()
    const lifetime = Number(directives['s-maxage'] ?? directives['max-age']) + Number(directives['stale-while-revalidate'] ?? 0)
    expect(lifetime).toBeGreaterThan(0)
    expect(lifetime).toBeLessThanOrEqual(60)
  })

  it('sends a CSP that allows nothing to run on the .html feed', async () => {
    const html = await rawRequest(`${api.url}/api/public/v1/collections/home.html`)
    expect(html.status).toBe(200)
    expect(html.body).toContain('Never rushed')
    expect(html.headers['content-security-policy']).toContain("default-src 'none'")
    expect(html.headers['content-security-policy']).not.toMatch(/script-src/)
  })

  it('sends HSTS only when cookies are secure', async () => {
    expect((await rawRequest(`${api.url}/login`)).headers['strict-transport-security']).toBeUndefined()
    const secure = await start({ secureCookies: true })
    expect((await rawRequest(`${secure.url}/login`)).headers['strict-transport-security']).toMatch(/^max-age=\d{7,}/)
  })
})
