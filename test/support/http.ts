import { request } from 'node:http'
import type { Express } from 'express'

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * One HTTP request with exactly the headers given, Host included (fetch picks its own Host, and
 * the DNS-rebinding and proxy tests need to choose it).
 */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

export interface RouteEntry {
  method: string
  /** The Express path with its parameters, e.g. /api/v1/locations/:locationId/reviews */
  path: string
}

interface StackLayer {
  route?: { path: string; methods: Record<string, boolean> }
  rawPath?: unknown
  handle?: { stack?: StackLayer[] }
}

/**
 * Every route the Express app answers, read from its router stack (mounted routers included), so
 * a route added later is in the list without anyone remembering to add it to a test.
 */
export function expressRoutes(app: Express): RouteEntry[] {
  const routes: RouteEntry[] = []
  const walk = (stack: StackLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = `${prefix}${layer.route.path}`.replace(/(.)\/$/, '$1')
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') routes.push({ method: method.toUpperCase(), path })
      } else if (Array.isArray(layer.handle?.stack)) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''
        walk(layer.handle.stack, `${prefix}${mount}`)
      }
    }
  }
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack, '')
  return routes
}
