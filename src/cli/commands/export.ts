import { createWriteStream } from 'node:fs'
import { rename } from 'node:fs/promises'
import { finished } from 'node:stream/promises'
import type { Writable } from 'node:stream'

/** Runs an export into a file (written whole or not at all: a .partial file renamed at the end) or stdout. */
export async function runExport<T>(write: (out: Writable) => Promise<T>, file: string | undefined): Promise<T> {
  if (!file) return write(process.stdout)
  const partial = `${file}.partial`
  const out = createWriteStream(partial)
  const result = await write(out)
  out.end()
  await finished(out)
  await rename(partial, file)
  return result
}
