// The filters of /value and its figures' CSV downloads, in the URL like every dashboard's: one
// schema, a fallback for each, so a bad address shows a sensible page, never an error.
import { z } from 'zod'
import { queryString, searchFields } from './filters.ts'

export const VALUE_GROWTH_DEFAULTS = { low: 0, growth: 5, high: 10 } as const
/** Growth rates the form accepts, in percent a year. */
export const GROWTH_LIMITS = { min: -50, max: 100 } as const

const growth = (fallback: number) =>
  z.coerce.number().min(GROWTH_LIMITS.min).max(GROWTH_LIMITS.max).catch(fallback).default(fallback)

export const ValueFiltersSchema = z.object({
  /** The financial year the comparisons show: 2024/25. */
  year: z
    .string()
    .regex(/^\d{4}\/\d{2}$/)
    .optional()
    .catch(undefined),
  /** A board's code; none is Scotland. */
  board: z
    .string()
    .regex(/^[A-Z]\d{8}$/)
    .optional()
    .catch(undefined),
  /** A service slug, `therapies` (cCBT and ieCBT together, the default) or `all`. */
  service: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    .max(80)
    .optional()
    .catch(undefined),
  low: growth(VALUE_GROWTH_DEFAULTS.low),
  growth: growth(VALUE_GROWTH_DEFAULTS.growth),
  high: growth(VALUE_GROWTH_DEFAULTS.high),
  sdc: z.enum(['on', 'off']).catch('off').default('off'),
})

export type ValueFilters = z.infer<typeof ValueFiltersSchema>

export function parseValueFilters(search: URLSearchParams): ValueFilters {
  return ValueFiltersSchema.parse(searchFields(ValueFiltersSchema.shape, search))
}

/** The query string of the filters, without the defaults. */
export function valueSearch(filters: Partial<ValueFilters>) {
  const params = new URLSearchParams()
  if (filters.year) params.set('year', filters.year)
  if (filters.board) params.set('board', filters.board)
  if (filters.service) params.set('service', filters.service)
  for (const key of ['low', 'growth', 'high'] as const) {
    if (filters[key] !== undefined && filters[key] !== VALUE_GROWTH_DEFAULTS[key]) params.set(key, String(filters[key]))
  }
  if (filters.sdc === 'on') params.set('sdc', 'on')
  return queryString(params)
}
