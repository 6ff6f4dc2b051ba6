import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const IMPORT_HEADER = 'id,source,author,rating,text,created_at,url'

function cell(value: string | number): string {
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export interface CsvReview {
  id: string
  author?: string
  rating: number | string
  text: string
  createdAt?: string
  url?: string
}

/** Writes an import CSV the way an export from another tool would look. */
export function writeReviewsCsv(dir: string, name: string, rows: CsvReview[]): string {
  const lines = rows.map((r) => [r.id, 'import', r.author ?? 'Pat Doe', r.rating, r.text, r.createdAt ?? '2025-05-01T10:00:00Z', r.url ?? ''].map(cell).join(','))
  const file = join(dir, name)
  writeFileSync(file, [IMPORT_HEADER, ...lines].join('\n') + '\n')
  return file
}
