/**
 * Where a spreadsheet would read a cell as a formula: = + - @ first, or a tab or carriage return
 * (some spreadsheets skip those first), also when hidden behind leading whitespace or zero-width
 * characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM), which a spreadsheet may drop before it looks.
 */
const FORMULA_START = /^[\s\u200B-\u200D\u2060\uFEFF]*[=+\-@\t\r]/

/**
 * The one CSV cell rule (audit log, dashboard tables, exports): RFC 4180 quoting, and text a
 * spreadsheet would evaluate gets a leading apostrophe so it shows as text (OWASP "CSV
 * injection"). Numbers are written as numbers (-3 is a value, not a formula); objects as JSON.
 */
export function csvCell(value: unknown): string {
  if (typeof value === 'number') return String(value)
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)
  if (FORMULA_START.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvLine(values: unknown[]): string {
  return values.map(csvCell).join(',') + '\r\n'
}
