import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { startApiServer, type RunningApi } from '../../src/api/server.ts'
import { reviewIdFor } from '../../src/db/ids.ts'
import { chiropracticPack } from '../../src/domain/themes/default-pack.ts'
import { importReviews } from '../../src/services/import-reviews.ts'
import { seedUser, signIn } from '../support/accounts.ts'
import { FakeGoogle } from '../support/fake-google.ts'
import { googleHarness } from '../support/google-harness.ts'
import { writeReviewsCsv } from '../support/csv.ts'
import { expressRoutes, rawRequest, type RawResponse } from '../support/http.ts'
import { ADMIN_KEY, silentLogger } from '../support/pipeline.ts'
import { connectTestRedis, removeKeys, uniquePrefix } from '../support/redis.ts'
import { createTempDatabase, type TempDatabase } from '../support/temp-db.ts'

/**
 * Issue 13, points 1 and 5: an attacker with no credentials, on the same machine (a reverse proxy,
 * a DNS-rebinding page in the owner's browser) or anywhere, reads no reviewer's name, external id
 * or link, and no hidden review, from any route the API has.
 */
const NOW = new Date('2026-11-20T12:00:00Z')
const prefix = uniquePrefix('privacy-routes')
const REBINDING_HOST = 'rebind.attacker.example'

const ZEBULON = { id: 'ext-qx7731-zebulon', author: 'Zebulon Quixfeather', rating: 5, text: 'Never rushed; my posture is so much better.', createdAt: '2026-11-10T10:00:00Z', url: 'https://reviews.example/private-qx7731' }
// Published as a testimonial: its text is public by choice, its writer is not. (Its link is the
// feed's "Read it on Google" by design, so it is no secret here.)
const OTTOLINE = { id: 'ext-ottoline-5521', author: 'Ottoline Brackenbury', rating: 4, text: 'Clear explanation of my plan.', createdAt: '2026-11-11T10:00:00Z', url: 'https://maps.google.com/?cid=5521' }
// Hidden for privacy: gone from every public list, text included.
const HIDDEN = { id: 'ext-hidden-8812', author: 'Wilhelmina Farthingale', rating: 2, text: 'Secret words xylophone-8812 about my sciatica.', createdAt: '2026-11-12T10:00:00Z', url: 'https://reviews.example/hidden-8812' }

/** What no anonymous response may contain, anywhere in its headers or body. */
const SECRETS = ['Zebulon', 'Quixfeather', 'qx7731', 'Ottoline', 'Brackenbury', 'ext-ottoline', 'Wilhelmina', 'Farthingale', 'hidden-8812', 'xylophone']

/**
 * Routes that answer without credentials on purpose (the README lists them). Everything else
 * must refuse: 401/403/404, or a redirect to the sign-in page.
 */
const PUBLIC_ROUTES = new Set(['GET /', 'GET /healthz', 'GET /reviews/:locationId', 'GET /login', 'GET /app/:file', 'POST /api/v1/session'])
/** Answered ahead of Express from ready bytes (public-handler.ts): walked too. */
const READY_BYTE_PATHS = ['/widget.js', '/favicon.svg', '/assets/dashboard.js', '/api/public/v1/collections/home', '/api/public/v1/collections/home.html', '/embed/home']

interface Instance {
  temp: TempDatabase
  api: RunningApi
  /** `Host` header value naming this server by a local name, e.g. localhost:41234 */
  port: number
}

const opened: Array<() => Promise<void>> = []
let instances = 0

/** A real API on its own SQLite/PostgreSQL database and Redis prefix, holding the three reviews above. */
async function privateInstance(options: { trustProxy?: string } = {}): Promise<Instance> {
  const temp = await createTempDatabase()
  const redis = connectTestRedis()
  const api = await startApiServer({
    db: temp.db,
    redis,
    prefix: `${prefix}:${++instances}`,
    logger: silentLogger,
    adminApiKey: ADMIN_KEY,
    themeIds: chiropracticPack.themes.map((t) => t.id),
    themeLabels: chiropracticPack.themes.map((t) => ({ id: t.id, label: t.label })),
    now: () => NOW,
    port: 0,
    host: '127.0.0.1',
    ...(options.trustProxy && { trustProxy: options.trustProxy }),
  })
  opened.push(async () => {
    await api.close()
    await redis.quit()
    await temp.remove()
  })
  await importReviews(temp.db, {
    file: writeReviewsCsv(temp.dir, 'private.csv', [ZEBULON, OTTOLINE, HIDDEN]),
    locationId: 'clinic',
    analyzeBatchSize: 100,
    now: () => NOW,
    enqueueAnalysis: async () => undefined,
    enqueueFeedRebuild: async () => undefined,
  })
  const asAdmin = (method: string, path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify(body) })
  const created = await asAdmin('POST', '/api/v1/testimonials', { reviewId: reviewIdFor('clinic', 'import', OTTOLINE.id), start: 0, end: 'Clear explanation'.length, publish: true })
  expect(created.status).toBe(201)
  const testimonial = ((await created.json()) as { testimonial: { id: string } }).testimonial
  expect((await asAdmin('PUT', '/api/v1/collections/home', { testimonialIds: [testimonial.id] })).status).toBe(200)
  expect((await asAdmin('POST', `/api/v1/reviews/${reviewIdFor('clinic', 'import', HIDDEN.id)}/hide`, { reason: 'privacy' })).status).toBe(200)
  return { temp, api, port: Number(new URL(api.url).port) }
}

afterEach(async () => {
  for (const close of opened.splice(0)) await close()
})
afterAll(async () => {
  await removeKeys(prefix)
})

/** Each parameter is tried with every value that names something real, so a route cannot hide behind a 404. */
const PARAMETER_VALUES: Record<string, string[]> = {
  locationId: ['clinic'],
  id: [reviewIdFor('clinic', 'import', ZEBULON.id), reviewIdFor('clinic', 'import', HIDDEN.id), 'chiropractic'],
  slug: ['home'],
  file: ['curate.js'],
}

/** The route's path with every combination of parameter values. */
function concretePaths(path: string): string[] {
  const name = /:(\w+)/.exec(path)?.[1]
  if (name === undefined) return [path]
  return (PARAMETER_VALUES[name] ?? ['x']).flatMap((value) => concretePaths(path.replace(`:${name}`, encodeURIComponent(value))))
}

const leaked = (response: RawResponse) => {
  const text = `${JSON.stringify(response.headers)}\n${response.body}`
  return SECRETS.filter((secret) => text.includes(secret))
}

/** A request was answered (not refused): 2xx, or a redirect anywhere but the sign-in page. */
const answered = (response: RawResponse) => response.status < 300 || (response.status < 400 && !String(response.headers.location ?? '').startsWith('/login'))

/** Walks every Express route and every ready-bytes path without credentials, under one Host. */
async function walkAnonymously(instance: Instance, host: string): Promise<{ leaks: string[]; openRoutes: string[]; walked: number }> {
  const leaks: string[] = []
  const openRoutes: string[] = []
  const requests = [
    ...expressRoutes(instance.api.app).flatMap((route) => concretePaths(route.path).map((url) => ({ ...route, url }))),
    ...READY_BYTE_PATHS.map((path) => ({ method: 'GET', path, url: path })),
  ]
  for (const { method, path, url } of requests) {
    const body = method === 'GET' || method === 'HEAD' ? undefined : '{}'
    const response = await rawRequest(`${instance.api.url}${url}`, { method, headers: { host, ...(body && { 'content-type': 'application/json' }) }, body })
    for (const secret of leaked(response)) leaks.push(`${method} ${url} (Host ${host}) → ${response.status} contains "${secret}"`)
    if (answered(response) && !PUBLIC_ROUTES.has(`${method} ${path}`) && !READY_BYTE_PATHS.includes(path)) openRoutes.push(`${method} ${path} → ${response.status}`)
  }
  return { leaks, openRoutes, walked: requests.length }
}

describe('what an anonymous caller can read (issue 13)', () => {
  it('walks every route without credentials and gets no reviewer name, external id, link or hidden review', async () => {
    const instance = await privateInstance()
    const local = `localhost:${instance.port}`

    // Before any owner exists: a DNS-rebinding page reaches us on loopback under its own name.
    const rebinding = await walkAnonymously(instance, REBINDING_HOST)
    expect(rebinding.walked).toBeGreaterThan(40)
    expect(rebinding.leaks).toEqual([])
    expect(rebinding.openRoutes).toEqual([])

    // Once an owner exists, nothing private answers even on loopback under a local name.
    await seedUser(instance.temp.db, 'owner@clinic.test', 'owner', NOW)
    const afterOwner = await walkAnonymously(instance, local)
    expect(afterOwner.leaks).toEqual([])
    expect(afterOwner.openRoutes).toEqual([])

    // The public pages still work, and say "Verified patient".
    const page = await rawRequest(`${instance.api.url}/reviews/clinic`, { headers: { host: local } })
    expect(page.status).toBe(200)
    expect(page.body).toContain('my posture is so much better')
    expect(page.body).toContain('Verified patient')
    const feed = (await (await fetch(`${instance.api.url}/api/public/v1/collections/home`)).json()) as { testimonials: Array<{ attribution: string; excerpt: string }> }
    expect(feed.testimonials).toMatchObject([{ attribution: 'Verified patient', excerpt: expect.stringContaining('Clear explanation') }])

    // And the same data is there for a key or a session: the walk would have seen a leak.
    const withKey = await rawRequest(`${instance.api.url}/api/v1/locations/clinic/reviews?limit=100`, { headers: { host: local, authorization: `Bearer ${ADMIN_KEY}` } })
    expect(withKey.status).toBe(200)
    expect(leaked(withKey)).toEqual(expect.arrayContaining(['Zebulon', 'Quixfeather', 'qx7731', 'Ottoline', 'ext-ottoline']))
    const owner = await signIn(instance.api.url, 'owner@clinic.test')
    const withSession = await rawRequest(`${instance.api.url}/api/v1/locations/clinic/reviews`, { headers: { host: local, cookie: owner.cookie } })
    expect(withSession.status).toBe(200)
    expect(withSession.body).toContain('Quixfeather')
  })

  it('refuses the review list to anonymous callers, naming what it needs', async () => {
    const instance = await privateInstance()
    const anonymous = await fetch(`${instance.api.url}/api/v1/locations/clinic/reviews`)
    expect(anonymous.status).toBe(401)
    const body = await anonymous.text()
    expect(body).toContain('sign in, or send an API key')
    expect(body).not.toContain('Quixfeather')
  })
})

describe('the set-up window before the first owner (issue 13, point 5)', () => {
  const drillDown = '/api/v1/locations/clinic/dashboard/reviews?from=2026-11-01&to=2026-11-20'

  it('answers the dashboard on loopback only under a local Host name, and only until an owner exists', async () => {
    const instance = await privateInstance()
    const get = (path: string, host: string, headers: Record<string, string> = {}) => rawRequest(`${instance.api.url}${path}`, { headers: { host, ...headers } })

    // DNS rebinding: the victim's browser, on this machine, under the attacker's name.
    for (const host of [REBINDING_HOST, `${REBINDING_HOST}:${instance.port}`, `localhost.attacker.example:${instance.port}`]) {
      const rebound = await get(drillDown, host)
      expect(rebound.status).toBe(401)
      expect(leaked(rebound)).toEqual([])
      expect((await get('/app/dashboard', host)).status).toBe(401)
    }
    // The same request under a local name is the set-up window: it answers, names included.
    for (const host of [`localhost:${instance.port}`, `127.0.0.1:${instance.port}`, `[::1]:${instance.port}`]) {
      const local = await get(drillDown, host)
      expect(local.status).toBe(200)
      expect(local.body).toContain('Quixfeather')
      expect((await get('/app/dashboard', host)).status).toBe(200)
    }

    // A reverse proxy on this host connects from loopback with a local Host too: once an owner
    // exists, that is no longer enough.
    await seedUser(instance.temp.db, 'owner@clinic.test', 'owner', NOW)
    const closed = await get(drillDown, `localhost:${instance.port}`)
    expect(closed.status).toBe(401)
    expect(leaked(closed)).toEqual([])
    expect((await get('/app/dashboard', `localhost:${instance.port}`)).status).toBe(401)
    const owner = await signIn(instance.api.url, 'owner@clinic.test')
    expect((await get(drillDown, REBINDING_HOST, { cookie: owner.cookie })).status).toBe(200)
    expect((await get('/app/dashboard', `localhost:${instance.port}`, { authorization: `Bearer ${ADMIN_KEY}` })).status).toBe(200)
  })

  it('believes X-Forwarded-For only when PLAUDIT_TRUST_PROXY names the proxy', async () => {
    const direct = await privateInstance()
    const host = `localhost:${direct.port}`
    // Without trust proxy a forwarding header marks the request as relayed, whatever it claims.
    expect((await rawRequest(`${direct.api.url}${drillDown}`, { headers: { host, 'x-forwarded-for': '127.0.0.1' } })).status).toBe(401)
    expect((await rawRequest(`${direct.api.url}${drillDown}`, { headers: { host } })).status).toBe(200)

    const proxied = await privateInstance({ trustProxy: 'loopback' })
    const proxiedHost = `localhost:${proxied.port}`
    // Behind a trusted proxy on loopback, the client is the forwarded address: a remote visitor is not local.
    const remote = await rawRequest(`${proxied.api.url}${drillDown}`, { headers: { host: proxiedHost, 'x-forwarded-for': '203.0.113.9' } })
    expect(remote.status).toBe(401)
    expect(leaked(remote)).toEqual([])
    expect((await rawRequest(`${proxied.api.url}${drillDown}`, { headers: { host: proxiedHost, 'x-forwarded-for': '127.0.0.1' } })).status).toBe(200)
  })

  it('opens the Google settings without a key only to this machine under a local name, and only until an owner exists', async () => {
    const temp = await createTempDatabase()
    const fake = await new FakeGoogle().start()
    const redis = connectTestRedis()
    const instancePrefix = `${prefix}:${++instances}`
    const api = await startApiServer({
      db: temp.db,
      redis,
      prefix: instancePrefix,
      logger: silentLogger,
      adminApiKey: undefined,
      themeIds: ['posture'],
      now: () => NOW,
      port: 0,
      host: '127.0.0.1',
      google: { connect: googleHarness({ db: temp.db, fake, redis, prefix: instancePrefix, now: () => NOW }).deps, redirectUri: undefined, schedule: async () => undefined },
    })
    opened.push(async () => {
      await api.close()
      await fake.stop()
      await redis.quit()
      await temp.remove()
    })
    const local = `localhost:${new URL(api.url).port}`
    const settings = (host: string, headers: Record<string, string> = {}) => rawRequest(`${api.url}/app/settings`, { headers: { host, ...headers } })

    expect((await settings(REBINDING_HOST)).status).toBe(403)
    expect((await settings(local, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(403)
    expect((await settings(local)).status).toBe(200)

    await seedUser(temp.db, 'owner@clinic.test', 'owner', NOW)
    expect((await settings(local)).status).toBe(403)
    const owner = await signIn(api.url, 'owner@clinic.test')
    expect((await settings(local, { cookie: owner.cookie })).status).toBe(200)
  })
})
