// Reporting periods at three grains: months, financial quarters (April-June is Q1) and
// financial years (April to March), with one key each (`2025-04`, `Q1 2025/26`, `2025/26`) for
// the exports, the API and the dashboards alike. Built on the month arithmetic of utils/dates.
import {
  addMonths,
  financialQuarter,
  financialQuarterFirstMonth,
  financialYear,
  financialYearFirstMonth,
  formatMonth,
  formatMonthShort,
  monthIndex,
  monthRange,
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
  if (grain === 'fq') return { ...base, key: periodKey(month, grain), label: quarterEnding(month) }
  return { ...base, key: periodKey(month, grain), label: `${formatMonth(firstMonth)} to ${formatMonth(lastMonth)}` }
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

/**
 * A period as the dashboards show it within a chosen range of months: the range may start or
 * end part-way through a quarter or year, so it says which of its months fall inside.
 */
export interface Bucket {
  /** The period's key, as in the exports' `period` column: `2025-04`, `Q1 2025/26`, `2025/26`. */
  key: string
  /** First and last month of the period that fall inside the range. */
  from: string
  to: string
  /** Short, for chart axes: 'Apr 2025', 'Q1 2025/26', '2025/26'. */
  label: string
  /** 'April 2025', 'Q1 2025/26 (quarter ending June 2025)', 'financial year 2025/26' */
  longLabel: string
  /** Months of the period inside the range, and in the whole period. */
  months: number
  fullMonths: number
}

/** The key of the period of `grain` that contains `month`. */
export function periodKey(month: string, grain: Grain) {
  if (grain === 'month') return month
  return grain === 'fq' ? financialQuarter(month) : financialYear(month)
}

function describeBucket(month: string, grain: Grain) {
  if (grain === 'month') return { label: formatMonthShort(month), longLabel: formatMonth(month), fullMonths: 1 }
  const { key, label } = periodOf(month, grain)
  if (grain === 'fq') return { label: key, longLabel: `${key} (${label})`, fullMonths: 3 }
  return { label: key, longLabel: `financial year ${key}`, fullMonths: 12 }
}

/** The months from `from` to `to` cut into periods of `grain`. */
export function periodBuckets(range: { from: string; to: string }, grain: Grain): Bucket[] {
  const buckets = new Map<string, Bucket>()
  for (const month of monthRange(range.from, range.to)) {
    const key = periodKey(month, grain)
    const bucket = buckets.get(key)
    if (bucket) {
      bucket.to = month
      bucket.months += 1
      continue
    }
    buckets.set(key, { key, from: month, to: month, months: 1, ...describeBucket(month, grain) })
  }
  return [...buckets.values()]
}
