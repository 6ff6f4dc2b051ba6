import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

export const REDIS_HELP =
  'No Redis answers and no redis-server is installed. Get one: Debian/Ubuntu `sudo apt-get install redis-server`, macOS `brew install redis`, or `docker compose up -d redis` (then set REDIS_URL).'

export async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1500 })
  probe.on('error', () => undefined)
  try {
    await probe.connect()
    return (await probe.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    probe.disconnect()
  }
}

function findExecutable(names: string[], searchPath: string[]): string | null {
  for (const name of names) {
    for (const dir of searchPath) {
      const candidate = join(dir, name)
      try {
        accessSync(candidate, constants.X_OK)
        return candidate
      } catch {
        // not in this folder
      }
    }
  }
  return null
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface PrivateRedis {
  url: string
  stop: () => void
}

/**
 * Starts a throw-away redis-server (or valkey-server) on a free loopback port with nothing kept
 * on disk, tied to this process's lifetime. Returns null when neither is installed.
 */
export async function startPrivateRedis(searchPath: string[]): Promise<PrivateRedis | null> {
  const binary = findExecutable(['redis-server', 'valkey-server'], searchPath)
  if (!binary) return null
  const port = await freeLoopbackPort()
  const child: ChildProcess = spawn(binary, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: 'ignore',
  })
  const url = `redis://127.0.0.1:${port}`
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM')
  }
  process.once('exit', stop)
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await redisAnswers(url)) return { url, stop }
    if (child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  stop()
  return null
}
