// Breakdowns of a figure by one dimension at a time (SIMD quintile, age band or sex). A
// breakdown is all of a dimension's categories or none of them, and its categories add up to
// the figure's total for the same board, service and month.
import { formatCount } from '#app/domain/format.ts'
import { FigureValueSchema, type Figure, type Problem } from './rules.ts'

export interface BreakdownFigure {
  service: string
  measure: string
  dimension: string
  category: string
  /** null clears the category (and so, with its siblings, the breakdown). */
  value: number | null
}

export interface BreakdownDimensionInfo {
  id: number
  name: string
  label: string
  categories: Array<{ id: number; name: string; label: string }>
}

/** service|measure -> the dimensions that split it. */
export type BreakdownApplies = Map<string, BreakdownDimensionInfo[]>

/** The `breakdown` column of an upload and the API: `simd=1`, `age=18-24`, `sex=female`. */
export function parseBreakdownCell(text: string): { dimension: string; category: string } | null {
  const match = /^\s*([a-z]+)\s*=\s*([a-z0-9+-]+)\s*$/i.exec(text)
  return match ? { dimension: match[1]!.toLowerCase(), category: match[2]!.toLowerCase() } : null
}

/** The return form's field for one category: `b.<service>.<measure>.<dimension>.<category>`. */
export const breakdownField = (b: Omit<BreakdownFigure, 'value'>) =>
  `b.${b.service}.${b.measure}.${b.dimension}.${b.category}`
export const breakdownFieldId = (b: Omit<BreakdownFigure, 'value'>) =>
  `breakdown-${b.service}-${b.measure}-${b.dimension}-${b.category.replace('+', 'plus')}`

export function parseBreakdownForm(formData: FormData) {
  const breakdowns: BreakdownFigure[] = []
  const errors: Array<Omit<BreakdownFigure, 'value'> & { message: string }> = []
  const typed: Record<string, string> = {}
  for (const [name, raw] of formData.entries()) {
    const match = /^b\.([a-z0-9-]+)\.([a-z0-9_]+)\.([a-z]+)\.([a-z0-9+-]+)$/.exec(name)
    if (!match || typeof raw !== 'string') continue
    typed[name] = raw
    const [, service, measure, dimension, category] = match as unknown as [string, string, string, string, string]
    const parsed = FigureValueSchema.safeParse(raw)
    if (parsed.success) breakdowns.push({ service, measure, dimension, category, value: parsed.data })
    else errors.push({ service, measure, dimension, category, message: parsed.error.issues[0]!.message })
  }
  return { breakdowns, errors, typed }
}

export const breakdownKey = (b: { service: string; measure: string; dimension: string }) =>
  `${b.service}|${b.measure}|${b.dimension}`

/**
 * Checks one board-month's breakdowns as they would stand after the change, against its totals
 * as they would stand: the dimension applies, the category belongs to it, every category is
 * given or none, and the categories add up to the total.
 */
export function checkBreakdowns({
  figures,
  breakdowns,
  applies,
  labels,
}: {
  figures: Figure[]
  breakdowns: BreakdownFigure[]
  applies: BreakdownApplies
  labels: { measure: (name: string) => string; service: (slug: string) => string }
}): Problem[] {
  const problems: Problem[] = []
  const totals = new Map(figures.map((f) => [`${f.service}|${f.measure}`, f.value]))
  const groups = new Map<string, BreakdownFigure[]>()
  for (const b of breakdowns) {
    const what = `${labels.measure(b.measure)} for ${labels.service(b.service)}`
    const dimension = applies.get(`${b.service}|${b.measure}`)?.find((d) => d.name === b.dimension)
    if (!dimension) {
      problems.push({
        ...b,
        rule: 'not-applicable',
        severity: 'error',
        message: `${what} is not broken down by ${b.dimension}`,
      })
      continue
    }
    if (!dimension.categories.some((c) => c.name === b.category)) {
      problems.push({
        ...b,
        rule: 'not-applicable',
        severity: 'error',
        message: `${b.category} is not a category of ${dimension.label}: use ${dimension.categories.map((c) => c.name).join(', ')}`,
      })
      continue
    }
    if (!groups.has(breakdownKey(b))) groups.set(breakdownKey(b), [])
    groups.get(breakdownKey(b))!.push(b)
  }
  for (const group of groups.values()) {
    const given = group.filter((b) => b.value !== null)
    if (given.length === 0) continue
    const { service, measure, dimension: name } = group[0]!
    const dimension = applies.get(`${service}|${measure}`)!.find((d) => d.name === name)!
    const what = `${labels.measure(measure)} for ${labels.service(service)} by ${dimension.label}`
    const missing = dimension.categories.filter((c) => !given.some((b) => b.category === c.name))
    const at = { service, measure, dimension: name, severity: 'error' as const }
    if (missing.length > 0) {
      problems.push({
        ...at,
        category: missing[0]!.name,
        rule: 'breakdown-incomplete',
        message: `${what}: give every category or none (enter 0 where there were none); missing ${missing.map((c) => c.label).join(', ')}`,
      })
      continue
    }
    const sum = given.reduce((s, b) => s + b.value!, 0)
    const total = totals.get(`${service}|${measure}`) ?? null
    if (total === null) {
      problems.push({
        ...at,
        rule: 'breakdown-sum',
        message: `${what}: the categories add up to ${formatCount(sum)} but the total is not reported: enter the total`,
      })
    } else if (sum !== total) {
      problems.push({
        ...at,
        rule: 'breakdown-sum',
        message: `${what}: the categories add up to ${formatCount(sum)} but the total is ${formatCount(total)}: they must be equal`,
      })
    }
  }
  return problems
}

/**
 * Merges changes into the breakdowns already held and lists the changes that are real (a new
 * value, or a category cleared).
 */
export function mergeBreakdowns(existing: BreakdownFigure[], incoming: BreakdownFigure[]) {
  const key = (b: BreakdownFigure) => `${breakdownKey(b)}|${b.category}`
  const merged = new Map(existing.map((b) => [key(b), b]))
  const changes: BreakdownFigure[] = []
  for (const b of incoming) {
    const before = merged.get(key(b))?.value ?? null
    if (before !== b.value) changes.push(b)
    merged.set(key(b), b)
  }
  return { merged: [...merged.values()], changes }
}
