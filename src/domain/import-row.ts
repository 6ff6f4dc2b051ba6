import type { ReviewInput } from './review.ts'

/** The columns of an import file (DESIGN.md, Sources: Import). */
export const IMPORT_COLUMNS = ['id', 'source', 'author', 'rating', 'text', 'created_at', 'url'] as const
export type ImportColumn = (typeof IMPORT_COLUMNS)[number]

export interface RowProblem {
  field: ImportColumn | 'row'
  value: string | null
  message: string
}

export type RowResult = { ok: true; review: ReviewInput } | { ok: false; problem: RowProblem }

const MAX_TEXT_LENGTH = 50_000
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/

function asString(value: unknown): string | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return null
}

/** Half of a UTF-16 surrogate pair with no other half: not a character, and no byte encoding keeps it. */
const LONE_SURROGATE = /\p{Surrogate}/u

/**
 * Validates one imported record. Review text is kept byte-for-byte (no trimming, no
 * normalisation): it is what the patient wrote and what testimonials must quote verbatim.
 */
export function parseImportRow(record: Record<string, unknown>): RowResult {
  const fail = (field: RowProblem['field'], value: unknown, message: string): RowResult => ({
    ok: false,
    problem: { field, value: asString(value) ?? (value === undefined ? null : JSON.stringify(value)), message },
  })

  for (const field of IMPORT_COLUMNS) {
    const value = asString(record[field])
    if (value !== null && LONE_SURROGATE.test(value)) {
      // Shown escaped: the raw value would itself be mangled wherever the report is stored.
      return fail(field, JSON.stringify(value).slice(1, -1).slice(0, 80), `${field} contains a lone surrogate (\\u${value.codePointAt(value.search(LONE_SURROGATE))!.toString(16)}), which is not a character`)
    }
    // PostgreSQL cannot store U+0000 in text: refused on every engine, so a file imports the same everywhere.
    if (value !== null && value.includes('\u0000')) return fail(field, JSON.stringify(value).slice(1, -1).slice(0, 80), `${field} contains a NUL character (\\u0000)`)
  }

  const id = asString(record.id)?.trim() ?? ''
  if (id === '') return fail('id', record.id, 'id is required')
  if (id.length > 200) return fail('id', id.slice(0, 40) + '…', 'id must be at most 200 characters')

  const source = asString(record.source)?.trim() ?? ''
  if (source !== '' && !/^[a-z0-9][a-z0-9-]{0,39}$/.test(source)) {
    return fail('source', record.source, 'source must be a lower-case name like "google" or "import"')
  }

  const ratingText = asString(record.rating)?.trim() ?? ''
  const rating = Number(ratingText)
  if (ratingText === '' || !Number.isInteger(rating) || rating < 1 || rating > 5) {
    return fail('rating', record.rating, 'rating must be a whole number 1..5')
  }

  const text = record.text === undefined || record.text === null ? '' : asString(record.text)
  if (text === null) return fail('text', record.text, 'text must be a string')
  if (text.length > MAX_TEXT_LENGTH) return fail('text', text.slice(0, 40) + '…', `text must be at most ${MAX_TEXT_LENGTH} characters`)

  const createdText = asString(record.created_at)?.trim() ?? ''
  const createdAt = new Date(createdText)
  if (!ISO_DATE.test(createdText) || Number.isNaN(createdAt.getTime()) || !isCalendarDate(createdText)) {
    return fail('created_at', record.created_at, 'created_at must be an ISO-8601 date like 2025-03-14T09:30:00Z')
  }

  const urlText = asString(record.url)?.trim() ?? ''
  if (urlText !== '' && !/^https?:\/\/[^\s]+$/i.test(urlText)) {
    return fail('url', record.url, 'url must be empty or an http(s) address')
  }

  const authorText = asString(record.author)?.trim() ?? ''
  return {
    ok: true,
    review: {
      source: 'import',
      externalId: id,
      author: authorText === '' ? null : authorText,
      rating,
      text,
      createdAt,
      url: urlText === '' ? null : urlText,
    },
  }
}

/** Date() rolls 2025-02-30 over to March 2nd; a date that does not exist is an error in the file. */
function isCalendarDate(iso: string): boolean {
  const [year, month, day] = iso.slice(0, 10).split('-').map(Number) as [number, number, number]
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth
}
