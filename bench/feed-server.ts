// A server for the feed benchmark, in its own process so the load generator does not share its
// event loop: `plaudit <db-file> <redis-url> <prefix>` serves Plaudit itself, `bare <body-file> <etag>`
// serves the same bytes from a bare node:http handler. Prints the port when listening.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { startApiServer } from '../src/api/server.ts'
import { openDatabase } from '../src/db/database.ts'
import { connectRedis } from '../src/jobs/queue.ts'

const [mode, ...args] = process.argv.slice(2)

if (mode === 'bare') {
  const body = readFileSync(args[0]!)
  const etag = args[1]!
  const server = createServer((req, res) => {
    const headers = { etag, 'cache-control': 'public, max-age=0, must-revalidate, stale-if-error=86400', 'access-control-allow-origin': '*', vary: 'Accept-Encoding', 'x-content-type-options': 'nosniff' }
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers)
      res.end()
      return
    }
    res.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': body.length })
    res.end(body)
  })
  server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port))
} else {
  const db = openDatabase(args[0]!)
  const redis = connectRedis(args[1]!)
  const api = await startApiServer({
    db,
    redis,
    prefix: args[2]!,
    logger: pino({ level: 'silent' }),
    adminApiKey: undefined,
    themeIds: [],
    now: () => new Date(),
    port: 0,
    host: '127.0.0.1',
  })
  console.log(new URL(api.url).port)
}
