import { fc, test } from '@fast-check/vitest'
import { parse } from 'csv-parse/sync'
import readXlsxFile from 'read-excel-file/node'
import { describe, expect } from 'vitest'
import { buildActivityMetadata } from '#app/api/metadata.ts'
import { csvStream, jsonStream, type Record, widen, xlsxBuffer } from '#app/api/writers.server.ts'
import { periodsBetween } from '#app/domain/periods.ts'
import { safeText } from '#app/api/spreadsheet-safety.ts'

// What a spreadsheet would run as a formula: text whose first character (ignoring leading spaces)
// is one of these. Written out here, not imported, so the test checks the code against the rule.
const TRIGGERS = ['=', '+', '-', '@', '\t', '\r', '\0', '＝', '＋', '－', '＠']
const beginsFormula = (text: string) => {
  const first = text.replace(/^ +/, '')[0]
  return first !== undefined && TRIGGERS.includes(first)
}

const COLUMNS = ['name', 'count', 'rate', 'note']

async function* batchesOf(rows: Record[], size = 3): AsyncGenerator<Record[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size)
}

async function text(stream: ReadableStream<Uint8Array>) {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer())
}

const metadata = buildActivityMetadata({
  extractedAt: new Date('2026-11-22T12:00:00Z'),
  asAt: new Date('2026-11-22T12:00:00Z'),
  asAtRequested: false,
  request: '/api/v1/activity?from=2025-04&to=2025-06',
  from: '2025-04',
  to: '2025-06',
  grain: 'fq',
  layout: 'long',
  format: 'xlsx',
  sdc: true,
  threshold: 4,
  boards: [{ code: 'S08000024', name: '=HYPERLINK("http://evil")' }],
  services: [{ slug: 'ccbt-adults', name: 'cCBT Adults' }],
  measures: [{ name: 'referrals', label: 'Referrals', unit: 'people', description: '+danger' }],
  indicators: [],
  periods: periodsBetween('2025-04', '2025-06', 'fq'),
  returnsNotReceived: [{ board_code: 'S08000025', board_name: '@Orkney', month: '2025-05' }],
  notes: [],
})

/** Any text at all, and text built to start with a formula trigger, control characters included. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc
    .tuple(fc.constantFrom(...TRIGGERS, ' =', '\u202E=', '\t=', '\r\n+', '\0@'), fc.string({ maxLength: 20 }))
    .map(([a, b]) => a + b),
  // Names a plain object already has, which a writer keeping a lookup in one could trip over.
  fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype)),
)
const count = fc.oneof(fc.integer({ min: 0, max: 5_000_000 }), fc.constant(null))
const rate = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map((r) => Math.round(r * 10_000) / 10_000),
  fc.constant(null),
)
const row = fc.record({ name: hostileText, count, rate, note: fc.oneof(hostileText, fc.constant(null)) })

describe('spreadsheet-safe text', () => {
  test.each([
    ['=1+1', "'=1+1"],
    ['+44 131', "'+44 131"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=cmd', "' =cmd"],
    ['\r=cmd', "' =cmd"],
    ['\0=cmd', "'=cmd"],
    ['＝1+1', "'＝1+1"],
    ['  =1', "'  =1"],
    ['Lothian', 'Lothian'],
    ['Ayrshire and Arran', 'Ayrshire and Arran'],
    ['a\u202Eb', 'ab'],
    ['line\r\nbreak', 'line break'],
  ])('%j is written %j', (input, output) => {
    expect(safeText(input)).toBe(output)
  })
})

describe('CSV', () => {
  test('RFC 4180 with a byte-order mark, CRLF line ends, a header row, numbers unquoted', async () => {
    const rows: Record[] = [
      { name: 'Orkney, "the isles"', count: 12, rate: 0.9123, note: null },
      { name: '=cmd|" /C calc"!A0', count: 0, rate: null, note: 'multi\nline' },
    ]
    const body = await text(csvStream(batchesOf(rows), COLUMNS))
    expect(body).toBe(
      '\uFEFFname,count,rate,note\r\n' +
        '"Orkney, ""the isles""",12,0.9123,\r\n' +
        `"'=cmd|"" /C calc""!A0",0,,multi line\r\n`,
    )
  })

  test.prop([fc.array(row, { maxLength: 25 })], { numRuns: 200 })(
    'no cell starts a formula and numbers come back as the same numbers',
    async (rows) => {
      const body = await text(csvStream(batchesOf(rows), COLUMNS))
      expect(body.startsWith('\uFEFF')).toBe(true)
      // Every record ends with CRLF (and no bare line feed separates records).
      expect(body.endsWith('\r\n')).toBe(true)
      const parsed = parse(body, { bom: true, columns: true, relax_quotes: false }) as { [k: string]: string }[]
      expect(parsed).toHaveLength(rows.length)
      parsed.forEach((cells, i) => {
        for (const column of ['name', 'note'])
          expect(beginsFormula(cells[column]!), `${column}: ${JSON.stringify(cells[column])}`).toBe(false)
        const original = rows[i]!
        expect(cells.count).toBe(original.count === null ? '' : String(original.count))
        expect(cells.count === '' ? null : Number(cells.count)).toBe(original.count)
        expect(cells.rate === '' ? null : Number(cells.rate)).toBe(original.rate)
        // Numbers are written bare: never quoted, never prefixed.
        if (original.count !== null) expect(/^\d+$/.test(cells.count!)).toBe(true)
      })
      // No control character survives in text.
      // eslint-disable-next-line no-control-regex
      expect(/[\u0000-\u0009\u000B\u000C\u000E-\u001F]/.test(body)).toBe(false)
    },
  )

  test('is produced as it is read: the first bytes arrive before the source is exhausted', async () => {
    let produced = 0
    async function* endless(): AsyncGenerator<Record[]> {
      for (;;) {
        produced++
        yield Array.from({ length: 100 }, (_, i) => ({ name: `row ${i}`, count: i, rate: null, note: null }))
      }
    }
    const reader = csvStream(endless(), COLUMNS).getReader()
    let start = ''
    while (start.length < 20) start += new TextDecoder('utf-8', { ignoreBOM: true }).decode((await reader.read()).value)
    expect(start.startsWith('\uFEFFname,count')).toBe(true)
    await reader.cancel()
    expect(produced).toBeLessThan(50)
  })

  test('when the client has gone, the stream ends and stops asking the source for rows', async () => {
    let produced = 0
    let stopped = false
    async function* endless(): AsyncGenerator<Record[]> {
      try {
        for (;;) {
          produced++
          yield [{ name: 'row', count: produced, rate: null, note: null }]
        }
      } finally {
        stopped = true
      }
    }
    const controller = new AbortController()
    const reader = csvStream(endless(), COLUMNS, controller.signal).getReader()
    await reader.read()
    controller.abort()
    // An HTTP adapter that keeps reading after the client went away gets the end of the stream.
    for (let read = await reader.read(); !read.done; read = await reader.read());
    expect(stopped).toBe(true)
    expect(produced).toBeLessThan(5)
  })

  test('an export without rows is its header', async () => {
    async function* none(): AsyncGenerator<Record[]> {}
    expect(await text(csvStream(none(), COLUMNS))).toBe('\uFEFFname,count,rate,note\r\n')
  })

  test('an error while reading cuts the stream off rather than ending it cleanly', async () => {
    async function* failing(): AsyncGenerator<Record[]> {
      yield [{ name: 'a', count: 1, rate: null, note: null }]
      throw new Error('database went away')
    }
    await expect(text(csvStream(failing(), COLUMNS))).rejects.toThrow('database went away')
  })
})

describe('JSON', () => {
  test('the metadata comes first, then the rows', async () => {
    const rows: Record[] = [{ name: 'x', count: 1, rate: 0.5, note: null }]
    const body = JSON.parse(await text(jsonStream(metadata, batchesOf(rows))))
    expect(Object.keys(body)).toEqual(['metadata', 'rows'])
    expect(body.metadata.disclosureControl.threshold).toBe(4)
    expect(body.rows).toEqual(rows)
  })
})

describe('XLSX', () => {
  // (A row of nothing but empty cells would not come back: spreadsheets drop empty rows.)
  const xlsxRow = fc.record({
    name: hostileText,
    count: fc.integer({ min: 0, max: 5_000_000 }),
    rate,
    note: fc.oneof(hostileText, fc.constant(null)),
  })
  test.prop([fc.array(xlsxRow, { minLength: 1, maxLength: 20 })], { numRuns: 40 })(
    'numbers are numeric cells, text never starts a formula, and a Metadata sheet follows',
    async (rows) => {
      const buffer = await xlsxBuffer(metadata, batchesOf(rows), COLUMNS)
      const sheets = await readXlsxFile(buffer)
      expect(sheets.map((s) => s.sheet)).toEqual(['Data', 'Metadata'])
      const [header, ...data] = sheets[0]!.data
      expect(header).toEqual(COLUMNS)
      expect(data).toHaveLength(rows.length)
      data.forEach((cells, i) => {
        const original = rows[i]!
        expect(cells[1]).toBe(original.count)
        expect(cells[2]).toBe(original.rate)
        for (const c of [0, 3]) {
          const cell = cells[c]
          if (cell !== null) expect(beginsFormula(String(cell)), JSON.stringify(cell)).toBe(false)
        }
      })
      for (const cells of sheets[1]!.data) {
        for (const cell of cells) if (typeof cell === 'string') expect(beginsFormula(cell), cell).toBe(false)
      }
      const labels = sheets[1]!.data.map((r) => r[0])
      expect(labels).toEqual(
        expect.arrayContaining(['Source', 'Extracted at', 'Figures as at', 'Suppression rule', 'Qualifier']),
      )
    },
  )
})

describe('wide layout', () => {
  test('one row per period, board and service: z where a measure does not apply, : where it has no figure', async () => {
    const long = [
      {
        period: '2025-04',
        financial_year: '2025/26',
        board_code: 'S1',
        board_name: 'A',
        service: 'video-1to1',
        measure: 'sessions',
        value: 40,
        qualifier: null,
      },
      {
        period: '2025-04',
        financial_year: '2025/26',
        board_code: 'S1',
        board_name: 'A',
        service: 'iecbt',
        measure: 'referrals',
        value: 9,
        qualifier: 'p' as const,
      },
    ]
    async function* one() {
      yield long
    }
    const applies = (service: string, measure: string) => (service === 'iecbt' ? true : measure === 'sessions')
    const out: Record[] = []
    for await (const batch of widen(one(), { measures: ['referrals', 'sessions'], applies })) out.push(...batch)
    expect(out).toEqual([
      {
        period: '2025-04',
        financial_year: '2025/26',
        board_code: 'S1',
        board_name: 'A',
        service: 'video-1to1',
        referrals: null,
        referrals_qualifier: 'z',
        sessions: 40,
        sessions_qualifier: null,
      },
      {
        period: '2025-04',
        financial_year: '2025/26',
        board_code: 'S1',
        board_name: 'A',
        service: 'iecbt',
        referrals: 9,
        referrals_qualifier: 'p',
        sessions: null,
        sessions_qualifier: ':',
      },
    ])
  })
})
