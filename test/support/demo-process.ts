import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'

const BIN = resolve(import.meta.dirname, '../../bin/plaudit.js')

export interface RunningDemo {
  child: ChildProcess
  /** The address the demo printed, or undefined if it ended before printing one. */
  url: string | undefined
  /** Everything it printed so far, stdout and stderr. */
  output: () => string
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number | null>
  /** SIGKILL if it still runs: for `finally` blocks. */
  kill: () => void
}

/** Starts `plaudit demo` as a newcomer would and waits for the line with its address. */
export async function startDemo(env: Record<string, string>): Promise<RunningDemo> {
  const child = spawn(process.execPath, [BIN, 'demo'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  let url: string | undefined
  for await (const line of createInterface({ input: child.stdout! })) {
    output += `${line}\n`
    const match = /Plaudit is running: (http:\/\/\S+)/.exec(line)
    if (match) {
      url = match[1]
      break
    }
  }
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode
      const exited = once(child, 'exit') as Promise<[number | null]>
      child.kill('SIGTERM')
      return (await exited)[0]
    },
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
}
