// Breakdowns under disclosure control, on small tables worked by hand: the categories of a
// figure never give back a total the export without a breakdown suppresses, and never pin a
// small category by counting which categories are positive.
import { describe, expect, test } from 'vitest'
import { buildServiceBlock, type MonthFigure } from '#app/disclosure/activity-table.ts'
import { buildBreakdownBlock, categoryMeasure } from '#app/disclosure/breakdown-table.ts'
import { periodOf } from '#app/domain/periods.ts'
import { monthRange } from '#app/utils/dates.ts'

const YEAR = '2025-04'
const MONTHS = monthRange('2025-04', '2026-03')
const A = { id: 1, code: 'A', name: 'Board A' }
const B = { id: 2, code: 'B', name: 'Board B' }
const SCOTLAND = { id: 9, code: 'S', name: 'Scotland' }
const REFERRALS = { id: 1, name: 'referrals' }
const SDC = { threshold: 4 }
const APRIL = periodOf('2025-04', 'month')
/** Categories are published by quarter and year; April is the only month with figures, so Q1 is April. */
const Q1 = periodOf('2025-04', 'fq')
const CATEGORIES = ['1', '2', 'unknown']

/** Referrals of A and B: April as given, none in any other month. */
function block(april: { A: number; B: number }, categories: Record<'A' | 'B', number[]>) {
  const figures: MonthFigure[] = MONTHS.flatMap((month) =>
    [A, B].map((unit) => ({
      unitId: unit.id,
      measureId: REFERRALS.id,
      month,
      value: month === '2025-04' ? april[unit.code as 'A' | 'B'] : 0,
      provisional: false,
      revised: false,
    })),
  )
  const totalsInput = {
    yearStart: YEAR,
    units: [A, B],
    total: SCOTLAND,
    measures: [REFERRALS],
    figures,
    expected: () => true,
    sdc: SDC,
  }
  const totals = buildServiceBlock(totalsInput)
  const breakdowns = MONTHS.flatMap((month) =>
    [A, B].flatMap((unit) => {
      const values = month === '2025-04' ? categories[unit.code as 'A' | 'B'] : [0, 0, 0]
      return CATEGORIES.map((category, i) => ({
        unitId: unit.id,
        month,
        measure: 'referrals',
        dimension: 'simd',
        category,
        value: values[i]!,
        provisional: false,
        revised: false,
      }))
    }),
  )
  const split = buildBreakdownBlock({
    ...totalsInput,
    measures: [{ ...REFERRALS, dimensions: [{ name: 'simd', categories: CATEGORIES }] }],
    breakdowns,
    totals,
  })
  const shown = (unit: { id: number }, category: string, period = Q1) =>
    split.figure(categoryMeasure('referrals', 'simd', category), unit.id, period)
  return { totals, shown }
}

describe('breakdowns under disclosure control', () => {
  test('the categories of a total the export suppresses are all suppressed, zeros too', () => {
    // April: A 3 (small), B 40, Scotland 43. The totals' own control suppresses B's 40 so that
    // Scotland less B cannot give A's 3. Were B's categories 20, 20 and 0 published, they would
    // add up to 40, and 43 - 40 = 3.
    const { totals, shown } = block({ A: 3, B: 40 }, { A: [3, 0, 0], B: [20, 20, 0] })
    expect(totals.figure('referrals', A.id, Q1)).toEqual({ value: null, qualifier: 'c' })
    expect(totals.figure('referrals', B.id, Q1)).toEqual({ value: null, qualifier: 'c' })
    for (const category of CATEGORIES) {
      expect(shown(B, category)).toEqual({ value: null, qualifier: 'c' })
      expect(shown(A, category)).toEqual({ value: null, qualifier: 'c' })
    }
  })

  test('a published total split into small categories hides them all, zeros too, so none is pinned', () => {
    // April: A 6 (public) as 3, 3 and 0: both 3s are small, so all three categories go, the 0
    // with them. Split 6, 0 and 0 instead, nothing is small and all is published.
    const { totals, shown } = block({ A: 6, B: 100 }, { A: [3, 3, 0], B: [50, 40, 10] })
    expect(totals.figure('referrals', A.id, Q1)).toEqual({ value: 6, qualifier: null })
    for (const category of CATEGORIES) expect(shown(A, category)).toEqual({ value: null, qualifier: 'c' })
    const whole = block({ A: 6, B: 100 }, { A: [6, 0, 0], B: [50, 40, 10] })
    expect(whole.shown(A, '1')).toEqual({ value: 6, qualifier: null })
    expect(whole.shown(A, '2')).toEqual({ value: 0, qualifier: null })
    // Months are never published by category under disclosure control, whatever their size.
    expect(whole.shown(B, '1', APRIL)).toEqual({ value: null, qualifier: 'c' })
  })

  test('a single small category beside large ones takes another with it, and the zero', () => {
    // A 60 (public) as 57, 3 and 0: the 3 is small; with the total public, 60 - 57 would give it,
    // so the 57 goes too, and the 0 with them.
    const { shown } = block({ A: 60, B: 100 }, { A: [57, 3, 0], B: [50, 40, 10] })
    expect(shown(A, '1')).toEqual({ value: null, qualifier: 'c' })
    expect(shown(A, '2')).toEqual({ value: null, qualifier: 'c' })
    expect(shown(A, 'unknown')).toEqual({ value: null, qualifier: 'c' })
  })
})
