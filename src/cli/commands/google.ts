import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createInterface } from 'node:readline/promises'
import type { Redis } from 'ioredis'
import type { SettingsDependencies } from '../../api/routes/settings.ts'
import { getGoogleLocation } from '../../db/stores/google.ts'
import { feedChannel } from '../../jobs/contracts.ts'
import { scheduleLocationSync } from '../../jobs/google-schedules.ts'
import { JobQueue } from '../../jobs/queue.ts'
import { addGoogleLocation, addLocationWithRefreshToken, beginConnect, completeConnect, createCallEnvironment, locationIdFor, type GoogleConnectDependencies } from '../../services/google-connect.ts'
import { syncGoogleLocation, type SyncReport } from '../../services/google-sync.ts'
import type { GoogleEndpoints } from '../../sources/google/client.ts'
import type { WorkerRuntime } from '../../workers/run.ts'
import { openRedis, systemClock, type Runtime } from '../runtime.ts'

export function googleEndpoints(runtime: Runtime): GoogleEndpoints | null {
  const g = runtime.config.google
  if (!g.clientId || !g.clientSecret) return null
  return { clientId: g.clientId, clientSecret: g.clientSecret, apiRoot: g.apiRoot, tokenUrl: g.tokenUrl, authUrl: g.authUrl }
}

export function connectDependencies(runtime: Runtime, redis: Redis): GoogleConnectDependencies {
  return {
    db: runtime.db,
    endpoints: googleEndpoints(runtime),
    cipher: runtime.tokenCipher,
    call: createCallEnvironment({ redis, prefix: runtime.config.queuePrefix, perMinute: runtime.config.google.requestsPerMinute, now: systemClock }),
  }
}

export function workerGoogle(runtime: Runtime): WorkerRuntime['google'] {
  return { endpoints: googleEndpoints(runtime), cipher: runtime.tokenCipher, requestsPerMinute: runtime.config.google.requestsPerMinute }
}

export function scheduleFor(runtime: Runtime, queue: JobQueue): (locationId: string) => Promise<void> {
  const g = runtime.config.google
  return (locationId) => scheduleLocationSync(queue.queue, locationId, { incrementalEveryMinutes: g.incrementalEveryMinutes, fullEveryHours: g.fullEveryHours })
}

export function settingsDependencies(runtime: Runtime, redis: Redis, queue: JobQueue): SettingsDependencies {
  return { connect: connectDependencies(runtime, redis), redirectUri: runtime.config.google.redirectUri, schedule: scheduleFor(runtime, queue) }
}

async function withRedis<T>(runtime: Runtime, work: (redis: Redis, queue: JobQueue) => Promise<T>): Promise<T> {
  const redis = openRedis(runtime)
  const queue = new JobQueue(redis, runtime.config.queuePrefix)
  try {
    return await work(redis, queue)
  } finally {
    await queue.close()
    await redis.quit()
  }
}

const say = (line: string) => process.stdout.write(`${line}\n`)

/**
 * `plaudit google connect`: the OAuth code flow for a machine with a browser somewhere. Google
 * redirects to a one-shot server on 127.0.0.1 (the loopback flow); the owner then picks locations.
 */
export async function runGoogleConnect(runtime: Runtime, options: { port: string }): Promise<void> {
  await withRedis(runtime, async (redis, queue) => {
    const deps = connectDependencies(runtime, redis)
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(Number(options.port), '127.0.0.1', resolve))
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`
    try {
      const { url } = await beginConnect(deps, redirectUri)
      say(`Open this address in a browser and allow Plaudit to manage your Business Profile:\n${url}\nWaiting for Google on ${redirectUri} …`)
      const query = await new Promise<URLSearchParams>((resolve) => {
        server.on('request', (req, res) => {
          const params = new URL(req.url ?? '/', redirectUri).searchParams
          if (!params.has('state')) {
            res.writeHead(404).end()
            return
          }
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Plaudit received the answer from Google; you can close this tab.')
          resolve(params)
        })
      })
      if (query.get('error')) throw new Error(`Google said: ${query.get('error')}`)
      const { connection, locations, alreadySynced } = await completeConnect(deps, { state: query.get('state') ?? '', code: query.get('code') ?? '' })
      say(`connected ${connection.id}; locations this account manages:`)
      locations.forEach((l, i) => say(`  ${i + 1}. ${l.title}  ${l.name}${alreadySynced.has(l.name) ? '  (synced already: pick it to reconnect it)' : ''}`))
      if (locations.length === 0) return
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: false })
      const answer = await rl.question('Numbers of the locations to sync (e.g. 1,3), or "all": ')
      rl.close()
      const picked = answer.trim() === 'all' ? locations : answer.split(',').map((n) => locations[Number(n.trim()) - 1]).filter((l) => l !== undefined)
      if (picked.length === 0) throw new Error(`no location picked (got "${answer.trim()}")`)
      for (const location of picked) {
        const added = await addGoogleLocation(runtime.db, { connectionId: connection.id, location })
        await scheduleFor(runtime, queue)(added.locationId)
        say(`added ${added.locationId} (${location.name}): incremental sync every ${runtime.config.google.incrementalEveryMinutes} min, full every ${runtime.config.google.fullEveryHours} h`)
      }
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })
}

/** `plaudit google add-location`: for servers without a browser, with a refresh token obtained elsewhere. */
export async function runGoogleAddLocation(runtime: Runtime, options: { location: string; refreshTokenFile: string; id?: string }): Promise<void> {
  const refreshToken = readFileSync(options.refreshTokenFile, 'utf8')
  await withRedis(runtime, async (redis, queue) => {
    const added = await addLocationWithRefreshToken(connectDependencies(runtime, redis), { googleName: options.location, refreshToken, ...(options.id && { locationId: options.id }) })
    await scheduleFor(runtime, queue)(added.locationId)
    say(`added ${added.locationId} (${added.googleName}), refresh token stored encrypted; incremental sync every ${runtime.config.google.incrementalEveryMinutes} min, full every ${runtime.config.google.fullEveryHours} h`)
  })
}

/** `plaudit google sync`: one sync now, in this process, on the same code path as the worker's job. */
export async function runGoogleSync(runtime: Runtime, options: { location: string; full?: boolean }): Promise<SyncReport> {
  const locationId = options.location.startsWith('accounts/') ? locationIdFor(options.location) : options.location
  if (!(await getGoogleLocation(runtime.db, locationId))) throw new Error(`location "${options.location}" is not linked to Google (plaudit google add-location)`)
  return withRedis(runtime, async (redis, queue) => {
    const deps = connectDependencies(runtime, redis)
    return syncGoogleLocation(
      {
        ...deps,
        enqueueAnalysis: async (id, reviewIds) => void (await queue.add('analyze-reviews', { locationId: id, reviewIds })),
        announceFeed: async (slug) => void (await redis.publish(feedChannel(runtime.config.queuePrefix), slug)),
      },
      { locationId, full: options.full ?? false },
    )
  })
}
