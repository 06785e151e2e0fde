import { sql } from 'drizzle-orm'
import { beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { listCurrentBreakdowns } from '#app/models/breakdowns.server.ts'
import { findReturnUnit, type ReturnUnit } from '#app/models/returns.server.ts'
import { commitUpload, previewUpload } from '#app/models/uploads.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { parseUploadFile } from '#app/returns/upload-parse.server.ts'
import { queryRows } from '#db/client.ts'
import { createTestActor } from '#tests/setup/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()
const NOW = new Date('2025-07-10T09:00:00Z')
let lead: Actor
let lothian: ReturnUnit

beforeAll(async () => {
  lothian = await findReturnUnit({ code: 'S08000024' })
})
beforeEach(async () => {
  await resetData(t.db)
  lead = await createTestActor('lothian@example.scot', 'board_lead', lothian.id)
})

async function preview(lines: string[]) {
  const bytes = new TextEncoder().encode(
    ['month,board_code,service,measure,breakdown,value,comment', ...lines].join('\n'),
  )
  const { rows } = await parseUploadFile(bytes)
  return previewUpload({ actor: lead, fileName: 'figures.csv', bytes, rows, now: NOW })
}

const sex = (female: number, male: number, unknown: number, measure = 'referrals') => [
  `2025-06,S08000024,ccbt-adults,${measure},sex=female,${female},`,
  `2025-06,S08000024,ccbt-adults,${measure},sex=male,${male},`,
  `2025-06,S08000024,ccbt-adults,${measure},sex=unknown,${unknown},`,
]

const written = async () =>
  (
    await queryRows<{ values: number; breakdowns: number }>(
      t.db,
      sql`select (select count(*)::int from return_values) as values, (select count(*)::int from breakdown_values) as breakdowns`,
    )
  )[0]!

describe(`uploads with a breakdown column on ${ENGINE}`, () => {
  test('totals and breakdowns that add up are previewed and committed together', async () => {
    const result = await preview(['2025-06,S08000024,ccbt-adults,referrals,,50,', ...sex(30, 19, 1)])
    expect(result.problems).toEqual([])
    expect(result.summary[0]).toMatchObject({ added: 1, changed: 3 })
    await commitUpload({ actor: lead, uploadId: result.uploadId!, reason: null, now: NOW })
    const held = await listCurrentBreakdowns(t.db, lothian.id, '2025-06')
    expect(held.map((b) => `${b.category}=${b.value}`)).toEqual(['female=30', 'male=19', 'unknown=1'])
  })

  test('a breakdown that does not add up is refused whole, naming the row, the total and the sum', async () => {
    const result = await preview([
      '2025-06,S08000024,ccbt-adults,referrals,,50,',
      '2025-06,S08000024,ccbt-adults,started,,20,',
      ...sex(30, 19, 2),
      ...sex(10, 10, 0, 'started'),
    ])
    expect(result.uploadId).toBeNull()
    expect(result.problems).toEqual([
      {
        row: 4,
        column: 'value',
        message:
          'Lothian, 2025-06: Referrals for cCBT Adults by sex: the categories add up to 51 but the total is 50: they must be equal',
      },
    ])
    expect(await written()).toEqual({ values: 0, breakdowns: 0 })
  })

  test('a breakdown against a total already held is checked against that total', async () => {
    const first = await preview(['2025-06,S08000024,ccbt-adults,referrals,,50,'])
    await commitUpload({ actor: lead, uploadId: first.uploadId!, reason: null, now: NOW })
    const result = await preview(sex(30, 10, 1))
    expect(result.problems.map((p) => [p.row, p.message])).toEqual([
      [
        2,
        'Lothian, 2025-06: Referrals for cCBT Adults by sex: the categories add up to 41 but the total is 50: they must be equal',
      ],
    ])
  })

  test('a new total that the breakdown held no longer adds up to is refused at preview, on the total’s row', async () => {
    const first = await preview(['2025-06,S08000024,ccbt-adults,referrals,,50,', ...sex(30, 19, 1)])
    await commitUpload({ actor: lead, uploadId: first.uploadId!, reason: null, now: NOW })
    const result = await preview(['2025-06,S08000024,ccbt-adults,referrals,,52,'])
    expect(result.uploadId).toBeNull()
    expect(result.problems.map((p) => [p.row, p.message])).toEqual([
      [
        2,
        'Lothian, 2025-06: Referrals for cCBT Adults by sex: the categories add up to 50 but the total is 52: they must be equal',
      ],
    ])
  })

  test('an unreadable breakdown, a dimension that does not apply and a category of another dimension name their row', async () => {
    const result = await preview([
      '2025-06,S08000024,ccbt-adults,referrals,deprivation 1,5,',
      '2025-06,S08000024,video-1to1,sessions,sex=female,5,',
      '2025-06,S08000024,ccbt-adults,referrals,sex=18-24,5,',
      '2025-06,S08000024,ccbt-adults,referrals,simd=1,5,a comment',
      '2025-06,S08000024,ccbt-adults,referrals,simd=1,5,',
    ])
    expect(result.problems.map((p) => [p.row, p.column, p.message])).toEqual([
      [
        2,
        'breakdown',
        expect.stringMatching(/^“deprivation 1” is not a breakdown: write the dimension and the category, like simd=1/),
      ],
      [3, 'breakdown', 'sessions of video-1to1 is not broken down by sex'],
      [4, 'breakdown', '18-24 is not a category of sex: use female, male, unknown'],
      [5, 'comment', 'Comments go on the total’s row, not on a breakdown’s'],
      [6, '(whole row)', 'Repeats row 5: the same month, board, service, measure and breakdown category'],
    ])
  })
})
