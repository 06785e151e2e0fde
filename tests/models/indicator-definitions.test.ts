// Every indicator on a small hand-made fixture: one service of our own, live in three boards,
// with figures chosen so that each expected value can be worked out by hand (the working is in
// each test). The fixture crosses December/January, March/April (the financial year) and the
// clocks going forward, holds a draft that was never submitted, a revised figure and a figure
// that was not reported.
import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { listPopulationCoverage } from '#app/models/coverage.server.ts'
import {
  getFigureSeries,
  getFigureTotals,
  getReferralRate,
  getReportingByBucket,
  getReturnsCompleteness,
  listBoardFigures,
} from '#app/models/indicators.server.ts'
import { type Grain, periodKey } from '#app/domain/periods.ts'
import { populationYear } from '#app/statistics/indicators.ts'
import { monthRange } from '#app/utils/dates.ts'
import { queryRows } from '#db/client.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()

const THERAPY = [
  'referrals',
  'self_referrals',
  'started',
  'started_within_18_weeks',
  'completed',
  'proms_paired',
  'proms_at_caseness',
  'proms_recovered',
  'proms_reliably_improved',
] as const
type Row = Partial<Record<(typeof THERAPY)[number], number | null>>

/** The fixture's figures, by board and month. */
const FIGURES: Array<{ board: 'Lothian' | 'Orkney' | 'Shetland'; month: string; values: Row }> = [
  { board: 'Lothian', month: '2025-12', values: { referrals: 11 } },
  { board: 'Lothian', month: '2026-01', values: { referrals: 13 } },
  {
    board: 'Lothian',
    month: '2026-03',
    values: {
      referrals: 120,
      self_referrals: 30,
      started: 100,
      started_within_18_weeks: 91,
      completed: 60,
      proms_paired: 40,
      proms_at_caseness: 30,
      proms_recovered: 15,
      proms_reliably_improved: 26,
    },
  },
  {
    board: 'Lothian',
    month: '2026-04',
    // referrals is first saved as 70 and later revised to 80 (below).
    values: {
      referrals: 70,
      self_referrals: 20,
      started: 50,
      started_within_18_weeks: 44,
      completed: 25,
      proms_paired: 20,
      proms_at_caseness: 10,
      proms_recovered: 6,
      proms_reliably_improved: 12,
    },
  },
  {
    board: 'Orkney',
    month: '2026-03',
    values: {
      referrals: 10,
      self_referrals: 4,
      started: 8,
      started_within_18_weeks: 8,
      completed: 5,
      proms_paired: 4,
      proms_at_caseness: 3,
      proms_recovered: 2,
      proms_reliably_improved: 3,
    },
  },
  {
    board: 'Orkney',
    month: '2026-04',
    // Reliable improvement was not reported (null), which is not the same as none.
    values: {
      referrals: 6,
      self_referrals: 3,
      started: 5,
      started_within_18_weeks: 4,
      completed: 3,
      proms_paired: 2,
      proms_at_caseness: 2,
      proms_recovered: 1,
      proms_reliably_improved: null,
    },
  },
  {
    board: 'Shetland',
    month: '2026-03',
    values: {
      referrals: 9,
      self_referrals: 3,
      started: 7,
      started_within_18_weeks: 6,
      completed: 4,
      proms_paired: 3,
      proms_at_caseness: 3,
      proms_recovered: 1,
      proms_reliably_improved: 2,
    },
  },
  // A draft that was never submitted: not reported.
  { board: 'Shetland', month: '2026-04', values: { referrals: 50 } },
]

/** When each return was first submitted (null: still a draft). */
const SUBMITTED: Record<string, string | null> = {
  // Winter (GMT): December's return is due by the end of 15 January = 23:59:59 UTC.
  'Lothian 2025-12': '2026-01-15T23:30:00Z', // on time
  'Lothian 2026-01': '2026-02-16T00:30:00Z', // late
  'Lothian 2026-03': '2026-04-08T09:00:00Z',
  'Lothian 2026-04': '2026-05-07T09:00:00Z',
  // Summer (BST, from 29 March 2026): March's return is due by the end of 15 April BST = 22:59:59 UTC.
  'Orkney 2026-03': '2026-04-15T22:30:00Z', // 23:30 BST on the 15th: on time
  'Orkney 2026-04': '2026-05-15T23:30:00Z', // 00:30 BST on the 16th: late
  'Shetland 2026-03': '2026-04-10T09:00:00Z',
  'Shetland 2026-04': null,
}

const ids = {} as { service: number; Lothian: number; Orkney: number; Shetland: number; selfHelp: number }

beforeAll(async () => {
  const db = t.db
  const [row] = await queryRows<{ lothian: number; orkney: number; shetland: number; self_help: number }>(
    db,
    sql`
    select (select id from org_units where code = 'S08000024') as lothian,
      (select id from org_units where code = 'S08000025') as orkney,
      (select id from org_units where code = 'S08000026') as shetland,
      (select id from services where slug = 'self-help-guides') as self_help`,
  )
  Object.assign(ids, { Lothian: row!.lothian, Orkney: row!.orkney, Shetland: row!.shetland, selfHelp: row!.self_help })
  const [service] = await queryRows<{ id: number }>(
    db,
    sql`
    insert into services (slug, name, family, delivery, sort_order) values ('fixture-therapy', 'Fixture therapy', 'ccbt', 'board', 999)
    returning id`,
  )
  ids.service = service!.id
  await db.execute(sql`
    insert into service_measures (service_id, measure_id)
    select ${ids.service}, id from measures where name in (${sql.join(
      THERAPY.map((m) => sql`${m}`),
      sql`, `,
    )})`)
  await db.execute(sql`
    insert into service_availability (org_unit_id, service_id, status, live_from) values
      (${ids.Lothian}, ${ids.service}, 'live', '2025-12-01'),
      (${ids.Orkney}, ${ids.service}, 'live', '2026-03-01'),
      (${ids.Shetland}, ${ids.service}, 'live', '2026-03-01')`)
  // Two vintages of Lothian's 2025 population: the later one loaded is the one used.
  await db.execute(sql`
    insert into org_unit_populations (org_unit_id, year, population, source, loaded_at) values
      (${ids.Lothian}, 2025, 920000, 'Fixture first estimate', '2026-01-01T00:00:00Z'),
      (${ids.Lothian}, 2025, 925000, 'Fixture revised estimate', '2026-02-01T00:00:00Z')`)

  // Drafts first, with their figures; then the submissions, as the return workflow does.
  for (const f of FIGURES) {
    await db.execute(
      sql`insert into returns (org_unit_id, month) values (${ids[f.board]}, ${`${f.month}-01`}) on conflict do nothing`,
    )
    for (const [measure, value] of Object.entries(f.values)) {
      await db.execute(sql`
        insert into return_values (org_unit_id, service_id, month, measure_id, value, valid_from)
        select ${ids[f.board]}, ${ids.service}, ${`${f.month}-01`}::date, id, ${value}, '2026-01-01T00:00:00Z' from measures where name = ${measure}`)
    }
  }
  for (const [key, at] of Object.entries(SUBMITTED)) {
    if (!at) continue
    const [board, month] = key.split(' ') as ['Lothian' | 'Orkney' | 'Shetland', string]
    await db.execute(sql`
      update returns set status = 'submitted', first_submitted_at = ${at}, submitted_at = ${at}
      where org_unit_id = ${ids[board]} and month = ${`${month}-01`}`)
  }
  // Lothian's April referrals revised from 70 to 80 after submission: the old version is closed.
  await db.execute(sql`
    update return_values set valid_to = '2026-05-20T10:00:00Z'
    where org_unit_id = ${ids.Lothian} and service_id = ${ids.service} and month = '2026-04-01' and valid_to is null
      and measure_id = (select id from measures where name = 'referrals')`)
  await db.execute(sql`
    insert into return_values (org_unit_id, service_id, month, measure_id, value, valid_from, change_reason)
    select ${ids.Lothian}, ${ids.service}, '2026-04-01', id, 80, '2026-05-20T10:00:00Z', 'Late referrals added' from measures where name = 'referrals'`)
})

const scope = () => ({ serviceId: ids.service })
const months = (from: string, to: string, grain: Grain) =>
  monthRange(from, to).map((month) => ({ month, bucket: periodKey(month, grain) }))

describe(`indicators on a hand-made fixture (${ENGINE})`, () => {
  // March and April 2026, all three boards. Referrals: 120 + 80 (Lothian, revised from 70)
  // + 10 + 6 (Orkney) + 9 (Shetland; its April draft of 50 is not reported) = 225.

  test('counts: the revised figure once, the draft never', async () => {
    const totals = await getFigureTotals({ scope: scope(), from: '2026-03', to: '2026-04' })
    expect(totals.referrals).toBe(120 + 80 + 10 + 6 + 9)
    expect(totals.started).toBe(100 + 50 + 8 + 5 + 7)
  })

  test('self-referral share = self-referrals / referrals', async () => {
    const totals = await getFigureTotals({ scope: scope(), from: '2026-03', to: '2026-04' })
    // (30 + 20 + 4 + 3 + 3) / 225 = 60 / 225
    expect(totals.self_referral_share).toBeCloseTo(60 / 225, 12)
  })

  test('18-week performance = started within 18 weeks / started', async () => {
    const totals = await getFigureTotals({ scope: scope(), from: '2026-03', to: '2026-04' })
    // (91 + 44 + 8 + 4 + 6) / (100 + 50 + 8 + 5 + 7) = 153 / 170 = 90%: exactly the standard.
    expect(totals.eighteen_weeks).toBeCloseTo(153 / 170, 12)
    expect(totals.eighteen_weeks).toBeCloseTo(0.9, 12)
  })

  test('completion rate = completed / started', async () => {
    const totals = await getFigureTotals({ scope: scope(), from: '2026-03', to: '2026-04' })
    // (60 + 25 + 5 + 3 + 4) / 170 = 97 / 170
    expect(totals.completion_rate).toBeCloseTo(97 / 170, 12)
  })

  test('recovery rate = recovered / at caseness at the start', async () => {
    const totals = await getFigureTotals({ scope: scope(), from: '2026-03', to: '2026-04' })
    // (15 + 6 + 2 + 1 + 1) / (30 + 10 + 3 + 2 + 3) = 25 / 48
    expect(totals.recovery_rate).toBeCloseTo(25 / 48, 12)
  })

  test('reliable improvement rate = reliably improved / finished with paired scores; a count not reported adds nothing', async () => {
    const totals = await getFigureTotals({ scope: scope(), from: '2026-03', to: '2026-04' })
    // Numerator 26 + 12 + 3 + (Orkney April: not reported) + 2 = 43; denominator 40 + 20 + 4 + 2 + 3 = 69.
    expect(totals.proms_reliably_improved).toBe(43)
    expect(totals.reliable_improvement_rate).toBeCloseTo(43 / 69, 12)
    // Orkney alone in April reported no reliable improvement at all: not reported, not zero.
    const orkneyApril = await getFigureTotals({
      scope: { ...scope(), orgUnitId: ids.Orkney },
      from: '2026-04',
      to: '2026-04',
    })
    expect(orkneyApril.proms_reliably_improved).toBeNull()
    expect(orkneyApril.reliable_improvement_rate).toBeNull()
  })

  test('a month with no return is a gap (null), never zero', async () => {
    const series = await getFigureSeries({
      scope: { ...scope(), orgUnitId: ids.Shetland },
      months: months('2026-03', '2026-04', 'month'),
    })
    expect(series.map((s) => [s.bucket, s.figures.referrals])).toEqual([
      ['2026-03', 9],
      ['2026-04', null],
    ])
    const reporting = await getReportingByBucket({ scope: scope(), months: months('2026-03', '2026-04', 'month') })
    expect(reporting).toEqual([
      { bucket: '2026-03', expected: 3, reported: 3 },
      { bucket: '2026-04', expected: 3, reported: 2 },
    ])
  })

  test('referrals per 100,000, annualised for a part year, with the latest vintage of the nearest year loaded', async () => {
    // The middle of March-April 2026 is 1 April 2026, nearer 30 June 2026 than 30 June 2025.
    expect(populationYear('2026-03', '2026-04')).toBe(2026)
    // No 2026 estimate is loaded: the nearest year is 2025, whose later vintage says 925,000.
    // Lothian: 200 referrals in 2 months = 200 / 925,000 x 100,000 x 12 / 2.
    const lothian = await getReferralRate({
      scope: { ...scope(), orgUnitId: ids.Lothian },
      from: '2026-03',
      to: '2026-04',
      populationYear: 2026,
    })
    expect(lothian.population).toBe(925_000)
    expect(lothian.rate).toBeCloseTo((200 / 925_000) * 100_000 * 6, 9)
    // Scotland: the boards' populations summed, Lothian's replaced by 925,000:
    // 5,475,900 - 916,000 + 925,000 = 5,484,900; 225 referrals in 2 months.
    const scotland = await getReferralRate({ scope: scope(), from: '2026-03', to: '2026-04', populationYear: 2026 })
    expect(scotland.population).toBe(5_484_900)
    expect(scotland.rate).toBeCloseTo((225 / 5_484_900) * 100_000 * 6, 9)
    // A whole year needs no scaling, and a 2021 period uses the 2021 estimate (916,000).
    const older = await getReferralRate({
      scope: { ...scope(), orgUnitId: ids.Lothian },
      from: '2026-03',
      to: '2026-04',
      populationYear: 2021,
    })
    expect(older.population).toBe(916_000)
  })

  test('the boards table gives the same rate for each board', async () => {
    const boards = await listBoardFigures({
      from: '2026-03',
      to: '2026-04',
      months: ['2026-03', '2026-04'],
      serviceId: ids.service,
      populationYear: 2026,
      deadlineDay: 15,
    })
    const by = new Map(boards.map((b) => [b.code, b]))
    expect(by.get('S08000024')!.referrals_per_100k).toBeCloseTo((200 / 925_000) * 100_000 * 6, 9)
    expect(by.get('S08000025')!.referrals_per_100k).toBeCloseTo((16 / 22_500) * 100_000 * 6, 9)
    expect(by.get('S08000026')!.referrals_per_100k).toBeCloseTo((9 / 22_900) * 100_000 * 6, 9)
    // A board without the service has no figures, not zeros.
    expect(by.get('S08000016')!.referrals).toBeNull()
    expect(by.get('S08000016')!.referrals_per_100k).toBeNull()
    expect(boards).toHaveLength(14)
  })

  test('population coverage = population of the boards where it is live / population of all boards', async () => {
    const coverage = await listPopulationCoverage({ month: '2026-04', populationYear: 2026 })
    const fixture = coverage.find((c) => c.slug === 'fixture-therapy')!
    // Lothian 925,000 + Orkney 22,500 + Shetland 22,900 = 970,400, of 5,484,900.
    expect(fixture.coveredPopulation).toBe(970_400)
    expect(fixture.coverage).toBeCloseTo(970_400 / 5_484_900, 12)
    expect(fixture.boardsLive).toBe(3)
    // Before Orkney and Shetland went live, Lothian alone.
    const february = await listPopulationCoverage({ month: '2026-02', populationYear: 2026 })
    expect(february.find((c) => c.slug === 'fixture-therapy')!.coverage).toBeCloseTo(925_000 / 5_484_900, 12)
    // A national service live at the national unit covers everyone.
    expect(coverage.find((c) => c.slug === 'self-help-guides')!.coverage).toBe(1)
  })

  test('completeness = service returns submitted / expected (live services x boards x months)', async () => {
    // March and April, 3 boards x 1 service x 2 months = 6 expected; Shetland's April is a draft.
    const result = await getReturnsCompleteness({ scope: scope(), months: ['2026-03', '2026-04'], deadlineDay: 15 })
    expect(result.expected).toBe(6)
    expect(result.submitted).toBe(5)
    expect(result.completeness).toBeCloseTo(5 / 6, 12)
    expect(result.missing).toEqual([{ code: 'S08000026', name: 'Shetland', monthsMissing: 1 }])
    expect([result.unitsReported, result.unitsExpected]).toEqual([2, 3])
  })

  test('timeliness = submitted by the deadline, end of the 15th in Scottish time, through the clock change', async () => {
    // March: Lothian 8 April, Orkney 23:30 BST on 15 April, Shetland 10 April: all on time.
    // April: Lothian 7 May on time; Orkney 00:30 BST on 16 May: late. 4 of 6.
    const spring = await getReturnsCompleteness({ scope: scope(), months: ['2026-03', '2026-04'], deadlineDay: 15 })
    expect(spring.onTime).toBe(4)
    expect(spring.timeliness).toBeCloseTo(4 / 6, 12)
    // Winter: December's return at 23:30 GMT on 15 January is on time; January's at 00:30 GMT
    // on 16 February is late. 1 of 2.
    const winter = await getReturnsCompleteness({ scope: scope(), months: ['2025-12', '2026-01'], deadlineDay: 15 })
    expect([winter.expected, winter.submitted, winter.onTime]).toEqual([2, 2, 1])
    expect(winter.timeliness).toBe(0.5)
    // A later deadline day makes the late ones on time.
    const generous = await getReturnsCompleteness({ scope: scope(), months: ['2026-03', '2026-04'], deadlineDay: 20 })
    expect(generous.onTime).toBe(5)
  })

  test('financial years and quarters split at March/April and not at December/January', async () => {
    // December 2025 to April 2026: Lothian's 11 (Dec) and 13 (Jan); March 120 + 10 + 9 = 139;
    // April 80 + 6 = 86.
    const years = await getFigureSeries({ scope: scope(), months: months('2025-12', '2026-04', 'fy') })
    expect(years.map((s) => [s.bucket, s.figures.referrals])).toEqual([
      ['2025/26', 11 + 13 + 139],
      ['2026/27', 86],
    ])
    const quarters = await getFigureSeries({ scope: scope(), months: months('2025-12', '2026-04', 'fq') })
    expect(quarters.map((s) => [s.bucket, s.figures.referrals])).toEqual([
      ['Q3 2025/26', 11],
      ['Q4 2025/26', 13 + 139],
      ['Q1 2026/27', 86],
    ])
    // February had no figures at all: a gap in the monthly series.
    const monthly = await getFigureSeries({ scope: scope(), months: months('2026-01', '2026-03', 'month') })
    expect(monthly.map((s) => s.figures.referrals)).toEqual([13, null, 139])
  })
})
