// The rules every monthly figure must pass, wherever it comes from: the return form, an upload
// or the API. Errors stop a save; warnings (unusual values) need a comment before submitting.
import { z } from 'zod'
import { PROGRAMME_START_MONTH, formatMonth, isMonth } from '#app/utils/dates.ts'
import { formatCount } from '#app/domain/format.ts'
import { PART_OF_WHOLE } from '#app/domain/measures.ts'

export { PART_OF_WHOLE }

export const COMMENT_MAX_LENGTH = 1_000

/**
 * Digits, optionally in groups of three split by one kind of separator, as people type counts:
 * 1234, 1,234, 1 234 or 1\u00a0234 (a non-breaking or narrow space, as spreadsheets and word
 * processors write them).
 */
const GROUPED_DIGITS = /^-?(?:\d+|\d{1,3}([,\u0020\u00a0\u202f])\d{3}(?:\1\d{3})*)$/

/**
 * One figure as typed or uploaded: the text is checked here so that the message can say what
 * was wrong with it. An empty value means "not reported". Separators out of groups of three
 * (12,34) and decimal points (1.000 is 1,000 in much of Europe) are refused rather than read as
 * some other number.
 */
export const FigureValueSchema = z
  .string()
  .trim()
  .transform((text, ctx) => {
    if (text === '') return null
    const refuse = (message: string) => {
      ctx.addIssue({ code: 'custom', message })
      return z.NEVER
    }
    const shown = text.slice(0, 20)
    if (/^-?[\d,.\s\u00a0\u202f]*\d[\d,.\s\u00a0\u202f]*$/.test(text) && !GROUPED_DIGITS.test(text)) {
      if (/^-?\d+\.\d+$/.test(text)) {
        return refuse(
          `“${shown}” is not a whole number as written: counts are whole numbers of people, sessions or visits, entered without a decimal point`,
        )
      }
      return refuse(
        `“${shown}” is not a whole number as written: separate thousands in groups of three, like 1,234 or 1 234, or not at all, like 1234`,
      )
    }
    if (!GROUPED_DIGITS.test(text)) {
      return refuse(`“${shown}” is not a number: enter a whole number, like 120, or leave it empty if not reported`)
    }
    const number = Number(text.replace(/[^\d-]/g, '')) + 0 // + 0: -0 is 0
    if (number < 0) return refuse(`${text} is negative: counts cannot be less than 0`)
    if (!Number.isSafeInteger(number)) return refuse(`“${shown}” is too large to be a count`)
    return number
  })

export const FigureCommentSchema = z
  .string()
  .trim()
  .max(COMMENT_MAX_LENGTH, `Comment must be ${COMMENT_MAX_LENGTH} characters or fewer`)
  .transform((text) => (text === '' ? null : text))

/** One row of an upload or an API write: the long layout of the template. */
export const FigureRowSchema = z.object({
  month: z.string().trim().refine(isMonth, 'Enter the month as year and month, like 2026-04'),
  board_code: z.string().trim().toUpperCase().min(1, 'Enter the board code, like S08000024'),
  service: z.string().trim().toLowerCase().min(1, 'Enter the service, like ccbt-adults'),
  measure: z.string().trim().toLowerCase().min(1, 'Enter the measure, like referrals'),
  value: FigureValueSchema,
  comment: FigureCommentSchema.default(''),
  /** Empty for a total; `simd=1`, `age=18-24` or `sex=female` for one category of a breakdown. */
  breakdown: z.string().trim().default(''),
})
export type FigureRow = z.output<typeof FigureRowSchema>

export interface MeasureInfo {
  name: string
  label: string
  maxMonthlyValue: number
}

export interface Figure {
  service: string
  measure: string
  value: number | null
  /** Undefined keeps the comment the figure already has. */
  comment?: string | null
}

export interface Problem {
  service: string
  measure: string
  /** Which rule fired, for messages and tests. */
  rule:
    | 'not-applicable'
    | 'cap'
    | 'part-of-whole'
    | 'month-range'
    | 'unusual'
    | 'reason-required'
    | 'not-a-number'
    | 'breakdown-incomplete'
    | 'breakdown-sum'
  severity: 'error' | 'warning'
  message: string
  /** For a breakdown: its dimension, and the category the message is about. */
  dimension?: string
  category?: string
}

/** Whether figures may be entered for `month` at `now`: after the programme began, once the month has ended. */
export function monthProblem(month: string, lastComplete: string): string | null {
  if (month < PROGRAMME_START_MONTH)
    return `${formatMonth(month)} is before the programme began in ${formatMonth(PROGRAMME_START_MONTH)}`
  if (month > lastComplete)
    return `${formatMonth(month)} has not ended yet: figures can be entered once the month is over`
  return null
}

/**
 * Checks one board-month's figures (the values as they would stand after the change):
 * measures that do not apply, sanity caps, and parts that exceed their wholes.
 */
export function checkFigures({
  figures,
  applies,
  measures,
  serviceNames,
}: {
  figures: Figure[]
  /** service -> measures that apply */
  applies: Map<string, Set<string>>
  measures: Map<string, MeasureInfo>
  serviceNames: Map<string, string>
}): Problem[] {
  const problems: Problem[] = []
  const byService = new Map<string, Map<string, number | null>>()
  for (const figure of figures) {
    const measure = measures.get(figure.measure)
    const serviceName = serviceNames.get(figure.service) ?? figure.service
    const label = measure?.label ?? figure.measure
    if (!applies.get(figure.service)?.has(figure.measure)) {
      if (figure.value !== null) {
        problems.push({
          service: figure.service,
          measure: figure.measure,
          rule: 'not-applicable',
          severity: 'error',
          message: `${label} does not apply to ${serviceName}`,
        })
      }
      continue
    }
    if (measure && figure.value !== null && figure.value > measure.maxMonthlyValue) {
      problems.push({
        service: figure.service,
        measure: figure.measure,
        rule: 'cap',
        severity: 'error',
        message: `${label} for ${serviceName} is ${formatCount(figure.value)}, more than the ${formatCount(measure.maxMonthlyValue)} one board can report in a month: check for a typing error`,
      })
    }
    if (!byService.has(figure.service)) byService.set(figure.service, new Map())
    byService.get(figure.service)!.set(figure.measure, figure.value)
  }
  for (const [service, values] of byService) {
    for (const { part, whole } of PART_OF_WHOLE) {
      const p = values.get(part)
      const w = values.get(whole)
      if (p === undefined || p === null) continue
      const partLabel = measures.get(part)?.label ?? part
      const wholeLabel = measures.get(whole)?.label ?? whole
      if (w === null || w === undefined) {
        if (applies.get(service)?.has(whole)) {
          problems.push({
            service,
            measure: whole,
            rule: 'part-of-whole',
            severity: 'error',
            message: `${wholeLabel} for ${serviceNames.get(service) ?? service} is empty but ${partLabel.toLowerCase()} is ${formatCount(p)}: enter both`,
          })
        }
        continue
      }
      if (p > w) {
        problems.push({
          service,
          measure: part,
          rule: 'part-of-whole',
          severity: 'error',
          message: `${partLabel} (${formatCount(p)}) cannot be more than ${wholeLabel.toLowerCase()} (${formatCount(w)}) for ${serviceNames.get(service) ?? service}`,
        })
      }
    }
  }
  return problems
}

/** How far from typical a value must be, in scaled median absolute deviations, to be flagged. */
export const ROBUST_Z_LIMIT = 3.5
/** Fewer months of history than this, and no judgement is made. */
export const MIN_HISTORY_MONTHS = 6

/**
 * Flags a value far outside the board's own previous 12 months, by the median and the median
 * absolute deviation (robust to the occasional data break that would inflate a mean and standard
 * deviation). Modified z-score of Iglewicz and Hoaglin: 0.6745 (x - median) / MAD, flagged
 * beyond 3.5. When the history does not vary (MAD 0), a change of more than half the median
 * (and more than 5) is flagged instead.
 */
export function unusualValue(
  value: number,
  history: number[],
): { message: string; short: string; score: number | null } | null {
  if (history.length < MIN_HISTORY_MONTHS) return null
  const med = median(history)
  const mad = median(history.map((h) => Math.abs(h - med)))
  const direction = value > med ? 'higher' : 'lower'
  const level = Number.isInteger(med) ? formatCount(med) : med.toFixed(1)
  const context = `${formatCount(value)} against a median of ${level} over the previous ${history.length} months`
  if (mad === 0) {
    const gap = Math.abs(value - med)
    if (gap > 5 && gap > med / 2) {
      return {
        score: null,
        message: `Much ${direction} than usual: ${context}, which did not vary (rule: more than half the median away from it)`,
        short: `much ${direction} than the usual ${level}, which never varied`,
      }
    }
    return null
  }
  const score = (0.6745 * (value - med)) / mad
  if (Math.abs(score) <= ROBUST_Z_LIMIT) return null
  return {
    score,
    message: `Much ${direction} than usual: ${context} (rule: robust z-score ${score.toFixed(1)}, beyond ±${ROBUST_Z_LIMIT} median absolute deviations)`,
    short: `much ${direction} than the 12-month median of ${level} (robust z ${score.toFixed(1)})`,
  }
}

export function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
