// The filters of /equity and its figures' CSV downloads, in the URL like every dashboard's: one
// schema, a fallback for each, so a bad address shows a sensible page, never an error.
import { z } from 'zod'
import { queryString, searchFields } from './filters.ts'

export const EQUITY_DEFAULTS = { service: 'ccbt-adults', measure: 'referrals' } as const

export const EquityFiltersSchema = z.object({
  /** The financial year: 2025/26. */
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
  service: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    .max(80)
    .catch(EQUITY_DEFAULTS.service)
    .default(EQUITY_DEFAULTS.service),
  /** The count whose rate per 1,000 people is compared: referrals, started or completed. */
  measure: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .max(80)
    .catch(EQUITY_DEFAULTS.measure)
    .default(EQUITY_DEFAULTS.measure),
  sdc: z.enum(['on', 'off']).catch('off').default('off'),
})

export type EquityFilters = z.infer<typeof EquityFiltersSchema>

export function parseEquityFilters(search: URLSearchParams): EquityFilters {
  return EquityFiltersSchema.parse(searchFields(EquityFiltersSchema.shape, search))
}

/** The query string of the filters, without the defaults. */
export function equitySearch(filters: Partial<EquityFilters>) {
  const params = new URLSearchParams()
  if (filters.year) params.set('year', filters.year)
  if (filters.board) params.set('board', filters.board)
  if (filters.service && filters.service !== EQUITY_DEFAULTS.service) params.set('service', filters.service)
  if (filters.measure && filters.measure !== EQUITY_DEFAULTS.measure) params.set('measure', filters.measure)
  if (filters.sdc === 'on') params.set('sdc', 'on')
  return queryString(params)
}
