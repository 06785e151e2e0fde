// The only module that imports luxon: every date rule of the product lives here.
// Months are 'YYYY-MM' strings; the database stores them as the first day of the month.
// Financial years run April to March; the time zone is Europe/London.
import { DateTime } from 'luxon'

export const ZONE = 'Europe/London'
export const PROGRAMME_START_MONTH = '2021-04'

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const

export function isMonth(value: string): boolean {
  return MONTH_PATTERN.test(value)
}

function parts(month: string) {
  const match = MONTH_PATTERN.exec(month)
  if (!match) throw new RangeError(`Not a month (YYYY-MM): ${month}`)
  return { year: Number(match[1]), month: Number(match[2]) }
}

function fromIndex(index: number) {
  const year = Math.floor(index / 12)
  const month = index - year * 12 + 1
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`
}

/** Months since year 0: makes month arithmetic plain integer arithmetic. */
export function monthIndex(month: string) {
  const p = parts(month)
  return p.year * 12 + p.month - 1
}

export function addMonths(month: string, count: number) {
  return fromIndex(monthIndex(month) + count)
}

export function monthsBetween(from: string, to: string) {
  return monthIndex(to) - monthIndex(from)
}

/** Every month from `from` to `to`, both included; empty when `to` is before `from`. */
export function monthRange(from: string, to: string): string[] {
  const start = monthIndex(from)
  const end = monthIndex(to)
  const months: string[] = []
  for (let i = start; i <= end; i++) months.push(fromIndex(i))
  return months
}

export function toMonthDate(month: string) {
  parts(month)
  return `${month}-01`
}

export function fromMonthDate(date: string) {
  return date.slice(0, 7)
}

/**
 * The month containing `now`, in Scotland's time zone. Asked on every page, so the answer is kept
 * for the hour: Scotland is a whole number of hours from UTC, so its months begin on the hour.
 */
export function currentMonth(now: Date = new Date()) {
  const hour = Math.floor(now.getTime() / 3_600_000)
  if (hour !== monthOfHour.hour) {
    monthOfHour.hour = hour
    monthOfHour.month = DateTime.fromJSDate(now, { zone: ZONE }).toFormat('yyyy-MM')
  }
  return monthOfHour.month
}
const monthOfHour = { hour: NaN, month: '' }

/** The most recent month that has ended, in Scotland's time zone. */
export function lastCompleteMonth(now: Date = new Date()) {
  return addMonths(currentMonth(now), -1)
}

/** 'September 2025' */
export function formatMonth(month: string) {
  const p = parts(month)
  return `${MONTH_NAMES[p.month - 1]} ${p.year}`
}

/** 'Sep 2025' (fixed three letters: Node's en-GB gives 'Sept'). */
export function formatMonthShort(month: string) {
  const p = parts(month)
  return `${MONTH_NAMES[p.month - 1]!.slice(0, 3)} ${p.year}`
}

/** The year in which the financial year containing `month` starts (April to March). */
export function financialYearStart(month: string) {
  const p = parts(month)
  return p.month >= 4 ? p.year : p.year - 1
}

/** '2025/26' */
export function financialYear(month: string) {
  const start = financialYearStart(month)
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`
}

export function financialYearFirstMonth(month: string) {
  return `${financialYearStart(month)}-04`
}

/** 1 for April to June ... 4 for January to March. */
export function financialQuarterNumber(month: string) {
  const p = parts(month)
  return Math.floor(((p.month + 8) % 12) / 3) + 1
}

export function financialQuarterFirstMonth(month: string) {
  return addMonths(financialYearFirstMonth(month), (financialQuarterNumber(month) - 1) * 3)
}

/** 'Q1 2025/26' */
export function financialQuarter(month: string) {
  return `Q${financialQuarterNumber(month)} ${financialYear(month)}`
}

/** 'quarter ending June 2025' */
export function quarterEnding(month: string) {
  return `quarter ending ${formatMonth(addMonths(financialQuarterFirstMonth(month), 2))}`
}

/**
 * The moment a month's return falls due: the end of `deadlineDay` of the following month,
 * Scottish time (so 23:59:59 BST in summer, GMT in winter).
 */
export function returnDeadline(month: string, deadlineDay: number): Date {
  const key = `${month}|${deadlineDay}`
  let instant = deadlines.get(key)
  if (instant === undefined) {
    if (deadlines.size >= 10_000) deadlines.clear()
    instant = workOutDeadline(month, deadlineDay).getTime()
    deadlines.set(key, instant)
  }
  return new Date(instant)
}
/** Deadlines worked out (pages ask for the same few months many times), as instants. */
const deadlines = new Map<string, number>()

function workOutDeadline(month: string, deadlineDay: number) {
  const next = parts(addMonths(month, 1))
  const lastDay = DateTime.fromObject({ year: next.year, month: next.month }, { zone: ZONE }).daysInMonth!
  return DateTime.fromObject(
    { year: next.year, month: next.month, day: Math.min(deadlineDay, lastDay) },
    { zone: ZONE },
  )
    .endOf('day')
    .toJSDate()
}

/** The start of a month, Scottish time, as an instant. */
export function monthStart(month: string): Date {
  const p = parts(month)
  return DateTime.fromObject({ year: p.year, month: p.month }, { zone: ZONE }).toJSDate()
}

/** Days in a month (for part-year annualisation). */
export function daysInMonth(month: string) {
  const p = parts(month)
  return DateTime.fromObject({ year: p.year, month: p.month }, { zone: ZONE }).daysInMonth!
}

// Dates and times are written with Intl rather than luxon: components format them in the
// browser too, and luxon would add 22 KB to every page that does.
const SCOTTISH_PARTS = /* @__PURE__ */ new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

function scottishParts(value: Date | string) {
  const date = typeof value === 'string' ? new Date(value) : value
  const parts = Object.fromEntries(SCOTTISH_PARTS.formatToParts(date).map((p) => [p.type, p.value]))
  return parts as Record<'day' | 'month' | 'year' | 'hour' | 'minute', string>
}

/** '22 November 2026, 14:05' in Scottish time. */
export function formatDateTime(value: Date | string) {
  const p = scottishParts(value)
  return `${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`
}

/** '22 November 2026' in Scottish time. */
export function formatDate(value: Date | string) {
  const p = scottishParts(value)
  return `${p.day} ${p.month} ${p.year}`
}

/** A London wall-clock time as an instant: `londonTime('2026-03-29T01:30')`. */
export function londonTime(isoLocal: string): Date {
  const value = DateTime.fromISO(isoLocal, { zone: ZONE })
  if (!value.isValid) throw new RangeError(`Not a date and time: ${isoLocal}`)
  return value.toJSDate()
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const WITH_OFFSET = /(Z|[+-]\d{2}:\d{2})$/

/**
 * An instant from ISO 8601 text, as the API's `asAt` takes it: with an offset (`Z`, `+01:00`) it
 * is exact; without one it is Scottish wall-clock time; a date alone means the end of that day in
 * Scotland (midnight at the start of the next). Null when the text is not a real date and time.
 */
export function parseInstant(text: string): Date | null {
  const value = DATE_ONLY.test(text)
    ? DateTime.fromISO(text, { zone: ZONE }).plus({ days: 1 }).startOf('day')
    : WITH_OFFSET.test(text)
      ? DateTime.fromISO(text, { setZone: true })
      : DateTime.fromISO(text, { zone: ZONE })
  return value.isValid ? value.toJSDate() : null
}

/**
 * The latest month whose returns have fallen due: the default end of every period, so headline
 * figures never include a month that boards are still, legitimately, filling in.
 */
export function latestDueMonth(now: Date, deadlineDay: number) {
  let month = lastCompleteMonth(now)
  while (returnDeadline(month, deadlineDay) > now) month = addMonths(month, -1)
  return month
}

/**
 * The start (midnight, Scottish time) of the day `days` calendar days after the one containing
 * `instant`: whole days in Scotland, so 24 or 25 hours apart across a change of the clocks.
 */
export function londonDayStart(instant: Date, days = 0): Date {
  return DateTime.fromJSDate(instant, { zone: ZONE }).startOf('day').plus({ days }).toJSDate()
}
