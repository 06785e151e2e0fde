// Reporting periods at the three grains of the exports: months, financial quarters (April-June
// is Q1) and financial years (April to March). Built on the month arithmetic of dates.ts.
import {
  addMonths,
  financialQuarter,
  financialQuarterFirstMonth,
  financialYear,
  financialYearFirstMonth,
  formatMonth,
  monthIndex,
  quarterEnding,
} from '#app/utils/dates.ts'

export const GRAINS = ['month', 'fq', 'fy'] as const
export type Grain = (typeof GRAINS)[number]

export const GRAIN_LABELS: Record<Grain, string> = {
  month: 'month',
  fq: 'financial quarter',
  fy: 'financial year',
}

export interface Period {
  grain: Grain
  /** The label in the `period` column: `2025-04`, `Q1 2025/26` or `2025/26`. */
  key: string
  /** The same period in words: `April 2025`, `quarter ending June 2025`, `April 2025 to March 2026`. */
  label: string
  financialYear: string
  firstMonth: string
  lastMonth: string
}

/** The first month of the period of `grain` that contains `month`. */
export function periodStart(month: string, grain: Grain) {
  if (grain === 'month') return month
  return grain === 'fq' ? financialQuarterFirstMonth(month) : financialYearFirstMonth(month)
}

/** The last month of the period of `grain` that contains `month`. */
export function periodEnd(month: string, grain: Grain) {
  if (grain === 'month') return month
  return addMonths(periodStart(month, grain), grain === 'fq' ? 2 : 11)
}

export function periodOf(month: string, grain: Grain): Period {
  const firstMonth = periodStart(month, grain)
  const lastMonth = periodEnd(month, grain)
  const base = { grain, firstMonth, lastMonth, financialYear: financialYear(month) }
  if (grain === 'month') return { ...base, key: month, label: formatMonth(month) }
  if (grain === 'fq') return { ...base, key: financialQuarter(month), label: quarterEnding(month) }
  return { ...base, key: financialYear(month), label: `${formatMonth(firstMonth)} to ${formatMonth(lastMonth)}` }
}

/** Every period of `grain` from the one containing `from` to the one containing `to`. */
export function periodsBetween(from: string, to: string, grain: Grain): Period[] {
  const periods: Period[] = []
  for (let month = periodStart(from, grain); monthIndex(month) <= monthIndex(to);) {
    const period = periodOf(month, grain)
    periods.push(period)
    month = addMonths(period.lastMonth, 1)
  }
  return periods
}
