/**
 * One CSV cell, RFC 4180 quoted, with spreadsheet formulas neutralised: a cell starting with
 * = + - @ (or a tab or carriage return, which some spreadsheets skip first) gets a leading
 * apostrophe so it is shown as text and never evaluated (OWASP "CSV injection").
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvLine(values: unknown[]): string {
  return values.map(csvCell).join(',') + '\r\n'
}
