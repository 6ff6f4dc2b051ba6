import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { z } from 'zod'
import type { TagResult } from '../../domain/review.ts'

const tagInput = z.object({ id: z.union([z.string(), z.number()]).transform(String), text: z.string(), rating: z.number().int().min(1).max(5).optional() })

export function linesOf(file: string): AsyncIterable<string> {
  const input = file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' })
  return createInterface({ input, crlfDelay: Infinity })
}

/**
 * Tags `{"id","text"}` lines without touching the database and prints one JSON line each.
 * A bad line is reported on stderr with its number and the rest go on; the exit code says so.
 */
export async function runTag(file: string, tag: (text: string, rating?: number) => TagResult, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  let lineNumber = 0
  let bad = 0
  for await (const line of linesOf(file)) {
    lineNumber++
    if (line.trim() === '') continue
    let parsed
    try {
      parsed = tagInput.parse(JSON.parse(line))
    } catch (error) {
      bad++
      const message = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (error as Error).message
      err(`line ${lineNumber}: ${message}`)
      continue
    }
    const result = tag(parsed.text, parsed.rating)
    out(JSON.stringify({ id: parsed.id, themes: result.themes, mentions: result.mentions.map(({ theme, polarity, start, end }) => ({ theme, polarity, start, end })) }))
  }
  return bad === 0 ? 0 : 1
}
