import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvCell, csvLine } from '../../src/domain/csv.ts'
import { toCsv } from '../../src/domain/dashboard.ts'

/** The cell as a spreadsheet sees it once RFC 4180 quoting is undone. */
const unquoted = (cell: string) => (cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell)

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r']
const HIDING = [' ', '\u00A0', '\n', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF']

describe('one CSV cell rule for every export (issue 13)', () => {
  it('neutralises a formula behind leading whitespace or zero-width characters', () => {
    for (const hostile of ['=1+1', ' =1+1', '\u200B=HYPERLINK("http://evil.example")', '\uFEFF+1', '  -1', '\u00A0@SUM(A1)', '\u2060\t=1', '\r=1', ' \u200D@x']) {
      expect(unquoted(csvCell(hostile)), JSON.stringify(hostile)).toBe(`'${hostile}`)
    }
  })

  it('holds for any text after any run of hiding characters and a trigger', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...HIDING), { maxLength: 6 }), fc.constantFrom(...TRIGGERS), fc.string(), (hiding, trigger, rest) => {
        const text = `${hiding.join('')}${trigger}${rest}`
        expect(unquoted(csvCell(text))).toBe(`'${text}`)
      }),
    )
  })

  it('leaves ordinary text and numbers alone', () => {
    expect(csvCell('Wait time')).toBe('Wait time')
    expect(csvCell('a - b = c')).toBe('a - b = c')
    expect(csvCell(-3)).toBe('-3')
    expect(csvCell(0.6)).toBe('0.6')
    expect(csvCell(null)).toBe('')
  })

  it('is the rule behind both the dashboard tables and the audit log', () => {
    const hostile = '\u200B=cmd|"/c calc"!A1'
    expect(toCsv(['author'], [[hostile]])).toBe(`author\r\n${csvCell(hostile)}\r\n`)
    expect(csvLine([hostile])).toBe(`${csvCell(hostile)}\r\n`)
    expect(unquoted(csvCell(hostile)).startsWith("'")).toBe(true)
  })
})
