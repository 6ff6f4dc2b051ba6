import { isUtf8 } from 'node:buffer'
import { createReadStream } from 'node:fs'
import { extname } from 'node:path'
import { createInterface } from 'node:readline'
import { parse as parseCsv } from 'csv-parse'
import chain from 'stream-chain'
import { parser as jsonParser } from 'stream-json'
import { streamArray } from 'stream-json/streamers/stream-array.js'
import { IMPORT_COLUMNS } from '../domain/import-row.ts'

export type ImportFormat = 'csv' | 'json' | 'jsonl'

/**
 * Where a record stands in its file, for error messages a person can act on:
 * a physical line for CSV and JSON Lines, an array position for a JSON array.
 */
export interface RecordPosition {
  line: number
  unit: 'line' | 'item'
}

export type FileRecord =
  | { position: RecordPosition; record: Record<string, unknown> }
  | { position: RecordPosition; malformed: { field: string; value: string | null; message: string } }

export class ImportFileError extends Error {
  override name = 'ImportFileError'
}

export function detectFormat(fileName: string): ImportFormat {
  const extension = extname(fileName).toLowerCase()
  if (extension === '.csv') return 'csv'
  if (extension === '.json') return 'json'
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl'
  throw new ImportFileError(`${fileName}: unknown file type "${extension}"; use .csv, .json or .jsonl`)
}

/** Reads an import file one record at a time, so a file of any size uses the same memory. */
export function readImportFile(path: string, format: ImportFormat = detectFormat(path)): AsyncIterable<FileRecord> {
  if (format === 'csv') return readCsv(path)
  if (format === 'jsonl') return readJsonLines(path)
  return readJsonArray(path)
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf])

async function* readCsv(path: string): AsyncGenerator<FileRecord> {
  const skipped: FileRecord[] = []
  const csv = createReadStream(path).pipe(
    parseCsv({
      // Fields arrive as bytes, so a cell that is not UTF-8 is rejected by name instead of being
      // decoded into replacement characters and stored as if the patient had written them.
      encoding: null,
      // With encoding null the header cells are bytes too, whatever the library's types say.
      columns: (header: string[]) => checkHeader((header as unknown as Buffer[]).map((name, i) => decodeHeader(name, i).trim().toLowerCase())),
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      raw: true,
      info: true,
      on_skip: (error) => {
        if (error) skipped.push({ position: { line: Number(error.lines), unit: 'line' }, malformed: { field: 'row', value: null, message: error.message } })
        return undefined
      },
    }),
  )
  for await (const entry of csv as AsyncIterable<{ record: Record<string, Buffer>; raw: Buffer; info: { lines: number } }>) {
    while (skipped.length > 0) yield skipped.shift()!
    // info.lines is the line the record ends on; a quoted text may span several lines.
    const raw = entry.raw.toString('utf8')
    const spanned = (raw.replace(/\r?\n$/, '').match(/\n/g) ?? []).length
    const position: RecordPosition = { line: entry.info.lines - spanned, unit: 'line' }
    const columnCount = Object.keys(entry.record).length
    if (columnCount !== IMPORT_COLUMNS.length) {
      yield { position, malformed: { field: 'row', value: null, message: `expected ${IMPORT_COLUMNS.length} columns, found ${columnCount}` } }
      continue
    }
    const notUtf8 = Object.entries(entry.record).find(([, bytes]) => !isUtf8(bytes))
    if (notUtf8) {
      const [field, bytes] = notUtf8
      yield { position, malformed: { field, value: bytes.toString('utf8').slice(0, 60), message: `${field} is not valid UTF-8 text (save the file as UTF-8)` } }
      continue
    }
    yield { position, record: Object.fromEntries(Object.entries(entry.record).map(([field, bytes]) => [field, bytes.toString('utf8')])) }
  }
  while (skipped.length > 0) yield skipped.shift()!
}

/** The header's first cell may start with a byte order mark, which is not part of the column name. */
function decodeHeader(name: Buffer, index: number): string {
  const bytes = index === 0 && name.subarray(0, 3).equals(UTF8_BOM) ? name.subarray(3) : name
  return bytes.toString('utf8')
}

function checkHeader(header: string[]): string[] {
  const missing = IMPORT_COLUMNS.filter((column) => !header.includes(column))
  if (missing.length > 0) {
    throw new ImportFileError(`header (line 1) lacks column ${missing.map((m) => `"${m}"`).join(', ')}; expected ${IMPORT_COLUMNS.join(',')}`)
  }
  return header
}

async function* readJsonLines(path: string): AsyncGenerator<FileRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })
  let lineNumber = 0
  for await (const line of lines) {
    lineNumber++
    if (line.trim() === '') continue
    const position: RecordPosition = { line: lineNumber, unit: 'line' }
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      yield { position, malformed: { field: 'row', value: line.slice(0, 60), message: `not valid JSON: ${(error as Error).message}` } }
      continue
    }
    yield toRecord(position, value)
  }
}

async function* readJsonArray(path: string): AsyncGenerator<FileRecord> {
  const items = chain([createReadStream(path), jsonParser(), streamArray()])
  try {
    for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
      yield toRecord({ line: item.key + 1, unit: 'item' }, item.value)
    }
  } catch (error) {
    throw new ImportFileError(`${path}: not a JSON array of reviews (${(error as Error).message})`)
  }
}

function toRecord(position: RecordPosition, value: unknown): FileRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { position, malformed: { field: 'row', value: JSON.stringify(value)?.slice(0, 60) ?? null, message: 'expected an object with the review columns' } }
  }
  return { position, record: value as Record<string, unknown> }
}
