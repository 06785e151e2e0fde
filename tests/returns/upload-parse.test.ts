import { zipSync } from 'fflate'
import writeXlsxFile from 'write-excel-file/node'
import { describe, expect, test } from 'vitest'
import { MAX_UPLOAD_BYTES, parseUploadFile, UploadRejected } from '#app/returns/upload-parse.server.ts'

const HEADER = 'month,board_code,service,measure,value,comment'
const text = (s: string) => new TextEncoder().encode(s)

async function problems(bytes: Uint8Array, limits?: Parameters<typeof parseUploadFile>[1]) {
  try {
    await parseUploadFile(bytes, limits)
  } catch (error) {
    if (error instanceof UploadRejected) return error.problems
    throw error
  }
  return []
}

const xlsx = (rows: unknown[][]) =>
  writeXlsxFile(
    rows.map((r) =>
      r.map((v) =>
        v === null ? null : typeof v === 'object' ? v : { type: typeof v === 'number' ? Number : String, value: v },
      ),
    ) as never,
  ).toBuffer()

describe('CSV files', () => {
  test('UTF-8 with a byte order mark and CRLF line ends', async () => {
    const { format, rows } = await parseUploadFile(
      text(`\uFEFF${HEADER}\r\n2026-09,S08000024,ccbt-adults,referrals,120,Café opened\r\n`),
    )
    expect(format).toBe('csv')
    expect(rows).toEqual([
      {
        row: 2,
        values: {
          month: '2026-09',
          board_code: 'S08000024',
          service: 'ccbt-adults',
          measure: 'referrals',
          value: '120',
          comment: 'Café opened',
        },
      },
    ])
  })

  test('headers are matched whatever their case or spacing', async () => {
    const { rows } = await parseUploadFile(
      text('Month,Board Code,Service,Measure,Value\n2026-09,S08000024,ccbt-adults,referrals,1\n'),
    )
    expect(rows[0]!.values.board_code).toBe('S08000024')
  })

  test('text that is not UTF-8 is refused with how to fix it', async () => {
    const latin1 = new Uint8Array([...text(`${HEADER}\n2026-09,S08000024,ccbt-adults,referrals,1,Caf`), 0xe9, 0x0a])
    expect(await problems(latin1)).toEqual([
      { row: 0, column: 'file', message: expect.stringMatching(/not UTF-8.*CSV UTF-8/) },
    ])
  })

  test('a file that is neither CSV nor XLSX is refused', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])
    expect(await problems(png)).toEqual([
      { row: 0, column: 'file', message: expect.stringMatching(/not a CSV or XLSX file/) },
    ])
    const pdf = text('%PDF-1.7\n%âãÏÓ\n1 0 obj')
    expect(await problems(pdf)).toEqual([
      { row: 0, column: 'file', message: expect.stringMatching(/not a CSV or XLSX file/) },
    ])
  })

  test('a missing column is named', async () => {
    expect(await problems(text('month,board_code,service,value\n2026-09,S08000024,ccbt-adults,1\n'))).toEqual([
      { row: 1, column: 'measure', message: expect.stringMatching(/column “measure” is missing/) },
    ])
  })

  test('a file cut short inside a quoted value names the row', async () => {
    expect(
      await problems(
        text(
          `${HEADER}\n2026-09,S08000024,ccbt-adults,referrals,1,ok\n2026-09,S08000024,ccbt-adults,started,1,"cut sh`,
        ),
      ),
    ).toEqual([{ row: 3, column: '(whole row)', message: expect.stringMatching(/never closed.*cut short/) }])
  })

  test('a row with too few columns names the row', async () => {
    expect(
      await problems(text(`${HEADER}\n2026-09,S08000024,ccbt-adults,referrals,1,\n2026-09,S08000024,ccbt-adults\n`)),
    ).toEqual([{ row: 3, column: '(whole row)', message: expect.stringMatching(/different number of columns/) }])
  })

  test('an oversize file is refused before it is read', async () => {
    const big = new Uint8Array(MAX_UPLOAD_BYTES + 1)
    expect(await problems(big)).toEqual([
      { row: 0, column: 'file', message: expect.stringMatching(/larger than 20 MB/) },
    ])
  })
})

describe('XLSX files', () => {
  test('numbers, text and months are read with their row numbers', async () => {
    const bytes = await xlsx([
      ['month', 'board_code', 'service', 'measure', 'value', 'comment'],
      ['2026-09', 'S08000024', 'ccbt-adults', 'referrals', 120, null],
      ['2026-09', 'S08000024', 'ccbt-adults', 'started', 'twelve', 'typed as text'],
    ])
    const { format, rows } = await parseUploadFile(new Uint8Array(bytes))
    expect(format).toBe('xlsx')
    expect(rows).toEqual([
      {
        row: 2,
        values: {
          month: '2026-09',
          board_code: 'S08000024',
          service: 'ccbt-adults',
          measure: 'referrals',
          value: '120',
          comment: '',
        },
      },
      {
        row: 3,
        values: {
          month: '2026-09',
          board_code: 'S08000024',
          service: 'ccbt-adults',
          measure: 'started',
          value: 'twelve',
          comment: 'typed as text',
        },
      },
    ])
  })

  test('formula cells are refused, each named by row and column', async () => {
    const bytes = await xlsx([
      ['month', 'board_code', 'service', 'measure', 'value'],
      ['2026-09', 'S08000024', 'ccbt-adults', 'referrals', 120],
      ['2026-09', 'S08000024', 'ccbt-adults', 'started', { type: 'Formula', value: '=E2*2' }],
    ])
    expect(await problems(new Uint8Array(bytes))).toEqual([
      { row: 3, column: 'value', message: expect.stringMatching(/holds a formula/) },
    ])
  })

  test('a file cut short is refused', async () => {
    const bytes = new Uint8Array(
      await xlsx([
        ['month', 'board_code', 'service', 'measure', 'value'],
        ['2026-09', 'S08000024', 'ccbt-adults', 'referrals', 1],
      ]),
    )
    expect(await problems(bytes.subarray(0, Math.floor(bytes.length / 2)))).toEqual([
      { row: 0, column: 'file', message: expect.stringMatching(/not a complete XLSX file/) },
    ])
  })

  test('a zip bomb is stopped while it inflates, before it fills memory', async () => {
    // 8 MB of zeros compresses to a few kilobytes; the limit here is 1 MB.
    const bomb = zipSync({ 'xl/worksheets/sheet1.xml': new Uint8Array(8 * 1024 * 1024) }, { level: 9 })
    expect(bomb.length).toBeLessThan(64 * 1024)
    expect(await problems(bomb, { entries: 200, unpackedBytes: 1024 * 1024 })).toEqual([
      { row: 0, column: 'file', message: expect.stringMatching(/unpacks to more than 1 MB/) },
    ])
  })

  test('a zip with too many entries is refused before inflating', async () => {
    const files = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`x/${i}.xml`, new Uint8Array(1)]))
    expect(await problems(zipSync(files))).toEqual([
      { row: 0, column: 'file', message: expect.stringMatching(/more than 200 parts/) },
    ])
  })
})
