import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { redisAnswers } from '../../src/cli/private-redis.ts'

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/**
 * A redis-server of the test's own on a free port, that the test may kill and start again. It
 * keeps an append-only file fsynced on every write, as a queue's Redis should in production.
 */
export class RestartableRedis {
  private child: ChildProcess | null = null
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(dir: string): Promise<RestartableRedis> {
    const redis = new RestartableRedis(await freePort(), dir)
    await redis.up()
    return redis
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async up(): Promise<void> {
    this.child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(this.port), '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir], { stdio: 'ignore' })
    for (;;) {
      if (await redisAnswers(this.url)) return
      if (this.child.exitCode !== null) throw new Error(`redis-server on ${this.port} exited with ${this.child.exitCode}`)
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  /** Kills the server as a crash would; what was acknowledged is in the append-only file. */
  async down(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return
    const exited = once(this.child, 'exit')
    this.child.kill('SIGKILL')
    await exited
  }
}
