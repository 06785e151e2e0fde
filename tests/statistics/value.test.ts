import { describe, expect, test } from 'vitest'
import {
  apportion,
  budgetImpact,
  computeValueYear,
  protectValueRow,
  type ValueYearInput,
} from '#app/statistics/value.ts'

// Two boards, A and B, one cCBT service and one national self-help service, in 2024/25.
const MONTHS = [
  '2024-04',
  '2024-05',
  '2024-06',
  '2024-07',
  '2024-08',
  '2024-09',
  '2024-10',
  '2024-11',
  '2024-12',
  '2025-01',
  '2025-02',
  '2025-03',
]

function input(overrides: Partial<ValueYearInput> = {}): ValueYearInput {
  return {
    financialYear: '2024/25',
    boards: ['A', 'B'],
    services: [
      { slug: 'ccbt', national: false, driver: 'referrals', therapy: true },
      { slug: 'guides', national: true, driver: 'visits', therapy: false },
      { slug: 'team', national: false, driver: 'supporter_hours', therapy: false },
    ],
    teamService: 'team',
    // National cCBT licence £120,000; self-help contract £30,000.
    nationalCosts: new Map([
      ['ccbt', 120_000],
      ['guides', 30_000],
    ]),
    // A's supporters cost £50,000, B's £20,000.
    boardCosts: new Map([
      ['A:ccbt', 50_000],
      ['B:ccbt', 20_000],
    ]),
    boardsWithCosts: new Set(['A', 'B']),
    counts: new Map([
      ['A:ccbt:referrals', 3_000],
      ['A:ccbt:started', 2_000],
      ['A:ccbt:completed', 1_000],
      ['A:ccbt:proms_recovered', 400],
      ['B:ccbt:referrals', 1_000],
      ['B:ccbt:started', 800],
      ['B:ccbt:completed', 500],
      ['B:ccbt:proms_recovered', 150],
      ['A:team:supporter_hours', 2_500],
      ['B:team:supporter_hours', 1_000],
    ]),
    driverCounts: new Map([
      ['A:ccbt', 3_000],
      ['B:ccbt', 1_000],
    ]),
    missingMonths: new Map([
      ['A', []],
      ['B', []],
    ]),
    ...overrides,
  }
}

function figure(rows: ReturnType<typeof computeValueYear>, board: string | null, service: string, measure: string) {
  const row = rows.find((r) => r.board === board && r.service === service && r.measure === measure)
  if (!row) throw new Error(`no ${board} ${service} ${measure}`)
  return row
}

describe('value for money, worked by hand', () => {
  test('national costs are shared by activity: A made 3,000 of the 4,000 referrals, so pays 3/4', () => {
    const shares = apportion(
      120_000,
      new Map([
        ['A', 3_000],
        ['B', 1_000],
      ]),
    )
    expect(shares.get('A')).toBe(90_000)
    expect(shares.get('B')).toBe(30_000)
    // No activity at all: equal shares.
    expect(
      apportion(
        100,
        new Map([
          ['A', 0],
          ['B', 0],
        ]),
      ).get('A'),
    ).toBe(50)
  })

  test("Scotland's unit costs: all costs over all the boards' counts", () => {
    const rows = computeValueYear(input())
    // cCBT: £120,000 national + £50,000 + £20,000 = £190,000.
    expect(figure(rows, null, 'ccbt', 'total_cost').value).toBe(190_000)
    // 190,000 / 4,000 referrals = £47.50; / 2,800 started = £67.857...; / 1,500 completed = £126.67; / 550 recovered = £345.45
    expect(figure(rows, null, 'ccbt', 'cost_per_referral').value).toBeCloseTo(47.5, 10)
    expect(figure(rows, null, 'ccbt', 'cost_per_started').value).toBeCloseTo(190_000 / 2_800, 10)
    expect(figure(rows, null, 'ccbt', 'cost_per_completed').value).toBeCloseTo(126.6667, 4)
    expect(figure(rows, null, 'ccbt', 'cost_per_recovered').value).toBeCloseTo(345.4545, 4)
    // Every service: 190,000 + 30,000 self-help = £220,000; no unit cost (they count different things).
    expect(figure(rows, null, 'all', 'total_cost').value).toBe(220_000)
    expect(figure(rows, null, 'all', 'cost_per_completed')).toMatchObject({ value: null, qualifier: 'z' })
    // Supporter hours: 3,500 over 1,500 completed courses = 2.333 hours each.
    expect(figure(rows, null, 'therapies', 'supporter_hours').value).toBe(3_500)
    expect(figure(rows, null, 'therapies', 'supporter_hours_per_completed').value).toBeCloseTo(2.3333, 4)
    // A service that counts no courses has no unit cost.
    expect(figure(rows, null, 'guides', 'cost_per_completed')).toMatchObject({ value: null, qualifier: 'z' })
  })

  test("a board's cost is its own plus its share of the national cost", () => {
    const rows = computeValueYear(input())
    // A: £50,000 + 3/4 of £120,000 = £140,000; per completed course 140,000 / 1,000 = £140.
    expect(figure(rows, 'A', 'ccbt', 'total_cost').value).toBe(140_000)
    expect(figure(rows, 'A', 'ccbt', 'cost_per_completed').value).toBe(140)
    // B: £20,000 + £30,000 = £50,000; per person recovered 50,000 / 150 = £333.33.
    expect(figure(rows, 'B', 'ccbt', 'total_cost').value).toBe(50_000)
    expect(figure(rows, 'B', 'ccbt', 'cost_per_recovered').value).toBeCloseTo(333.3333, 4)
    // B's supporter hours per completed course: 1,000 / 500 = 2.
    expect(figure(rows, 'B', 'therapies', 'supporter_hours_per_completed').value).toBe(2)
    // A nationally delivered service has no board rows.
    expect(rows.some((r) => r.board === 'A' && r.service === 'guides')).toBe(false)
  })

  test('a year with a month not yet reported says so instead of giving a falsely high unit cost', () => {
    // B has not reported March 2025: its 11 months of activity would make £50,000 look dearer.
    const rows = computeValueYear(
      input({
        missingMonths: new Map([
          ['A', []],
          ['B', ['2025-03']],
        ]),
      }),
    )
    const b = figure(rows, 'B', 'ccbt', 'cost_per_completed')
    expect(b.value).toBeNull()
    expect(b.qualifier).toBe(':')
    expect(b.note).toMatch(/B: 1 of 12 months of 2024\/25 not reported \(2025-03\)/)
    // The cost itself is known.
    expect(figure(rows, 'B', 'ccbt', 'total_cost').value).toBe(50_000)
    // Scotland's unit costs are then A's alone, and say so: 140,000 / 1,000 = £140.
    const scotland = figure(rows, null, 'ccbt', 'cost_per_completed')
    expect(scotland.value).toBe(140)
    expect(scotland.note).toMatch(/Unit costs of 2024\/25 are of the 1 of 2 boards that reported every month/)
  })

  test('a year not yet over has no unit costs anywhere', () => {
    const rest = MONTHS.slice(7)
    const rows = computeValueYear(
      input({
        missingMonths: new Map([
          ['A', rest],
          ['B', rest],
        ]),
      }),
    )
    for (const board of [null, 'A', 'B']) {
      for (const measure of ['cost_per_referral', 'cost_per_started', 'cost_per_completed', 'cost_per_recovered']) {
        expect(figure(rows, board, 'ccbt', measure)).toMatchObject({ value: null, qualifier: ':' })
      }
    }
    expect(figure(rows, null, 'ccbt', 'cost_per_completed').note).toMatch(/No board reported every month of 2024\/25/)
  })

  test('a board that recorded no costs has no total or unit cost of its own', () => {
    const rows = computeValueYear(input({ boardCosts: new Map([['A:ccbt', 50_000]]), boardsWithCosts: new Set(['A']) }))
    expect(figure(rows, 'B', 'ccbt', 'total_cost')).toMatchObject({ value: null, qualifier: ':' })
    expect(figure(rows, 'B', 'ccbt', 'cost_per_completed')).toMatchObject({ value: null, qualifier: ':' })
    // Scotland's unit cost leaves B out rather than count only its share: A's 140,000 / 1,000.
    expect(figure(rows, null, 'ccbt', 'cost_per_completed').value).toBe(140)
  })

  test('budget impact: the last 12 months grown once a year at the current unit cost', () => {
    const years = budgetImpact({
      nextYears: ['2026/27', '2027/28', '2028/29'],
      unitCost: 50,
      demandLast12Months: 1_000,
      scenarios: [
        { name: 'low', growth: 0 },
        { name: 'high', growth: 0.1 },
      ],
    })
    // low: 50 x 1,000 = £50,000 each year; high: 55,000, 60,500, 66,550.
    expect(years.filter((y) => y.scenario === 'low').map((y) => y.cost)).toEqual([50_000, 50_000, 50_000])
    const high = years.filter((y) => y.scenario === 'high').map((y) => Math.round(y.cost * 100) / 100)
    expect(high).toEqual([55_000, 60_500, 66_550])
  })

  test('disclosure control withholds a unit cost of 1 to the threshold people, and nothing else', () => {
    const row = {
      financialYear: '2024/25',
      board: 'A',
      service: 'ccbt',
      measure: 'cost_per_recovered' as const,
      qualifier: null,
    }
    // £50,000 over 3 people recovered would give the 3 away with the cost.
    expect(protectValueRow({ ...row, value: 50_000 / 3, denominator: 3 }, 4)).toMatchObject({
      value: null,
      qualifier: 'c',
    })
    expect(protectValueRow({ ...row, value: 50_000 / 4, denominator: 4 }, 4)).toMatchObject({
      value: null,
      qualifier: 'c',
    })
    expect(protectValueRow({ ...row, value: 10_000, denominator: 5 }, 4)).toMatchObject({
      value: 10_000,
      qualifier: null,
    })
    // No people: there is no unit cost to protect; a total cost has no count behind it.
    expect(protectValueRow({ ...row, value: null, denominator: 0 }, 4)).toMatchObject({ value: null, qualifier: null })
    expect(protectValueRow({ ...row, measure: 'total_cost', value: 3 }, 4)).toMatchObject({ value: 3, qualifier: null })
  })
})
