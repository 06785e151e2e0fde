// The CSV writer against csv-stringify, the library it replaced for speed: for any records
// (text with commas, quotes, line breaks, control characters and formula triggers, negative and
// fractional numbers, blanks), the bytes are the same as csv-stringify wrote with the options the
// export used, in any batching.
import { fc, test } from '@fast-check/vitest'
import { stringify } from 'csv-stringify/sync'
import { describe, expect } from 'vitest'
import { csvStream, type Record } from '#app/api/writers.server.ts'
import { safeText } from '#app/api/spreadsheet-safety.ts'

const COLUMNS = ['name', 'count', 'note'] as const

/** What the export wrote before: csv-stringify, chunk by chunk, the header and BOM first. */
function reference(batches: Record[][], columns: readonly string[]) {
  const options = {
    columns: columns.map((key) => ({ key })),
    record_delimiter: 'windows' as const,
    escape_formulas: true,
    cast: { string: (value: string) => safeText(value), number: (value: number) => String(value) },
  }
  const records = batches.flat()
  return stringify(records, { ...options, bom: true, header: true })
}

async function written(batches: Record[][], columns: readonly string[]) {
  async function* source() {
    for (const batch of batches) yield batch
  }
  // Kept whole, its byte-order mark too (a plain decoding drops it).
  const bytes = await new Response(csvStream(source(), columns)).arrayBuffer()
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
}

const TRICKY = [
  '=SUM(A1)',
  '+1',
  '-2',
  '@cmd',
  '\uFF1D1',
  '\uFF0B1',
  '\uFF0D1',
  '\uFF20x',
  ' =1',
  '\t=1',
  '\r\n',
  'a,b',
  'say "hi"',
  '"',
  ',',
  '',
  '\u0000',
  '\u202Eevil',
  'Ayrshire & Arran',
  "'quoted",
  'line\nbreak',
  'constructor',
  '\u00A0-1',
  '\u2028',
]

const cell = fc.oneof(
  fc.constant(null),
  fc.constantFrom(...TRICKY),
  fc.string({
    unit: fc.constantFrom('a', ' ', ',', '"', '=', '-', '+', '@', '\t', '\r', '\n', '\u0001', '\uFF1D', "'"),
  }),
  fc.string(),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 0.1234, -5, 1e21, 1e-7),
)
const record = fc.record({ name: cell, count: cell, note: cell })

describe('the CSV writer', () => {
  test.prop([fc.array(fc.array(record, { maxLength: 30 }), { maxLength: 5 })], { numRuns: 300 })(
    'writes the same bytes as csv-stringify did, in any batching',
    async (batches) => {
      const expected = reference(batches, COLUMNS)
      expect(await written(batches, COLUMNS)).toBe(expected)
    },
  )

  // A column always has a name (csv-stringify refuses an empty one).
  const names = TRICKY.filter((name) => name !== '')
  test.prop([fc.array(fc.constantFrom(...names, 'period', 'value'), { minLength: 1, maxLength: 4 })])(
    'writes the header as csv-stringify did, whatever the column names',
    async (names) => {
      const columns = [...new Set(names)]
      expect(await written([], columns)).toBe(reference([], columns))
    },
  )

  test('writes more than a chunk of records in one batch as one file', async () => {
    const batch = Array.from({ length: 2_500 }, (_, i) => ({ name: `board ${i}`, count: i - 1_000, note: null }))
    expect(await written([batch, []], COLUMNS)).toBe(reference([batch], COLUMNS))
  })
})
