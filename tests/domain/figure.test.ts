import { parse } from 'csv-parse/sync'
import { describe, expect, test } from 'vitest'
import { toCsv } from '#app/utils/csv.server.ts'
import { csvCell, csvHeader, describeChange, type Figure, figureCsvRows, formatCell } from '#app/domain/figure.ts'

describe('a figure’s cells', () => {
  test('the table prints counts with separators, percentages to one place and a dash for not reported', () => {
    expect(formatCell(70_123, 'count')).toBe('70,123')
    expect(formatCell(0.9123, 'percent')).toBe('91.2%')
    expect(formatCell(1294.44, 'rate')).toBe('1,294.4')
    expect(formatCell(null, 'count')).toBe('–')
    expect(formatCell(0, 'count')).toBe('0')
  })

  test('the CSV gives the same figures, without separators, and an empty cell for not reported', () => {
    expect(csvCell(70_123, 'count')).toBe('70123')
    expect(csvCell(0.9123, 'percent')).toBe('91.2')
    expect(csvCell(0.9, 'percent')).toBe('90.0')
    expect(csvCell(1294.44, 'rate')).toBe('1294.4')
    expect(csvCell(null, 'percent')).toBe('')
    expect(csvCell(0, 'count')).toBe('0')
    expect(csvHeader({ key: 'x', label: 'Within 18 weeks', kind: 'percent' })).toBe('Within 18 weeks (%)')
    expect(csvHeader({ key: 'x', label: 'Referrals', kind: 'count', unit: 'people' })).toBe('Referrals (people)')
  })
})

describe('the change on a year earlier', () => {
  test('counts and rates change by a percentage; percentages by percentage points', () => {
    expect(describeChange(110, 100, 'count', 'last year')).toEqual({ direction: 'up', text: 'Up 10.0% on last year.' })
    expect(describeChange(0.88, 0.9, 'percent', 'last year')).toEqual({
      direction: 'down',
      text: 'Down 2.0 percentage points on last year.',
    })
    expect(describeChange(100, 100, 'count', 'last year')).toEqual({
      direction: 'same',
      text: 'No change on last year.',
    })
  })

  test('no comparison without a figure a year earlier', () => {
    expect(describeChange(100, undefined, 'count', 'last year')).toBeNull()
    expect(describeChange(100, null, 'count', 'last year')?.text).toBe('No comparison with last year: figures missing.')
    expect(describeChange(100, 0, 'count', 'last year')?.text).toBe('No comparison with last year: none then.')
  })
})

describe('the CSV file of a figure', () => {
  const figure: Figure = {
    id: 'test',
    title: 'Test',
    description: 'A test figure.',
    columns: [
      { key: 'board', label: 'Board', kind: 'text' },
      { key: 'referrals', label: 'Referrals', kind: 'count', unit: 'people' },
      { key: 'share', label: 'Share', kind: 'percent' },
    ],
    rows: [
      { board: '=HYPERLINK("http://evil.example")', referrals: 1234, share: 0.5 },
      { board: 'Orkney', referrals: null, share: null },
    ],
    notes: ['A note, with a comma.'],
    definitions: [{ label: 'Share', definition: 'A share.' }],
    fileName: 'test',
  }

  test('starts with a byte-order mark, has CRLF line ends, and defuses spreadsheet formulas', () => {
    const text = toCsv(figureCsvRows(figure, { period: 'April 2025', extractedAt: 'now' }))
    expect(text.startsWith('\uFEFF')).toBe(true)
    expect(text).toContain('\r\n')
    const rows = parse(text, { bom: true, relax_column_count: true }) as string[][]
    expect(rows[0]).toEqual(['Board', 'Referrals (people)', 'Share (%)'])
    expect(rows[1]).toEqual([`'=HYPERLINK("http://evil.example")`, '1234', '50.0'])
    expect(rows[2]).toEqual(['Orkney', '', ''])
    expect(rows).toContainEqual(['Note', 'A note, with a comma.'])
    expect(rows).toContainEqual(['Definition', 'Share: A share.'])
  })

  test('control characters are stripped', () => {
    expect(toCsv([['a\u0000b\u0007c']])).toBe('\uFEFFabc\r\n')
  })
})
