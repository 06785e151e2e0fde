// The dashboards' filters, all in the URL: one schema parses them, with a fallback for every
// field, so a bad or missing parameter gives the default view, never an error page. The period
// a filter set stands for is resolved against "now" (the latest month whose returns have fallen
// due, docs/decisions/0004) by `resolvePeriod`.
import { z } from 'zod'
import { GRAINS } from '#app/domain/periods.ts'
import {
  addMonths,
  financialYearFirstMonth,
  formatMonth,
  isMonth,
  lastCompleteMonth,
  latestDueMonth,
  monthsBetween,
  PROGRAMME_START_MONTH,
} from '#app/utils/dates.ts'

export const PRESETS = ['last-12-months', 'this-financial-year', 'last-financial-year', 'since-start'] as const
export type Preset = (typeof PRESETS)[number]
export const PRESET_LABELS: Record<Preset | 'custom', string> = {
  'last-12-months': 'Last 12 months',
  'this-financial-year': 'This financial year so far',
  'last-financial-year': 'Last financial year',
  'since-start': 'Since the programme started',
  custom: 'Chosen months',
}
export const DEFAULT_PRESET: Preset = 'last-12-months'

/** What the tile map on /coverage can colour the boards by. */
export const MAP_INDICATORS = [
  'referrals_per_100k',
  'self_referral_share',
  'eighteen_weeks',
  'completion_rate',
  'recovery_rate',
  'reliable_improvement_rate',
  'completeness',
  'timeliness',
] as const
export type MapIndicator = (typeof MAP_INDICATORS)[number]

/** Columns the boards table can be sorted by. */
export const BOARD_SORTS = [
  'name',
  'referrals',
  'referrals_per_100k',
  'self_referral_share',
  'eighteen_weeks',
  'completion_rate',
  'recovery_rate',
  'reliable_improvement_rate',
  'video_sessions',
  'group_sessions',
  'completeness',
  'timeliness',
] as const
export type BoardSort = (typeof BOARD_SORTS)[number]

// The schemas are built in functions marked pure, so the browser bundle (which uses the links
// and labels of this module, not the parsing) leaves zod out.
const MonthParam = /* @__PURE__ */ (() =>
  z
    .string()
    .trim()
    .refine(isMonth)
    .refine((m) => m >= '1900-01' && m <= '2200-12'))()
/** A GSS code such as S08000024. */
export const BoardCodeSchema = /* @__PURE__ */ (() =>
  z
    .string()
    .trim()
    .regex(/^[A-Z]\d{8}$/))()
/** A service slug such as ccbt-adults. */
export const ServiceSlugSchema = /* @__PURE__ */ (() =>
  z
    .string()
    .trim()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    .max(80))()

/**
 * The parameters of `search` a schema's shape names, blanks left out: what the schema parses.
 * (The schemas of /equity and /value stay in their own modules: built from this module's
 * schemas, they would keep zod in the code every page loads.)
 */
export function searchFields(shape: object, search: URLSearchParams) {
  const raw: Record<string, string> = {}
  for (const key of Object.keys(shape)) {
    const value = search.get(key)
    if (value !== null && value.trim() !== '') raw[key] = value.trim()
  }
  return raw
}

/** `?year=2025/26&...` (the year's slash kept readable), or '' when there is nothing to say. */
export function queryString(params: URLSearchParams) {
  const query = params.toString().replaceAll('%2F', '/')
  return query ? `?${query}` : ''
}

export const DashboardFiltersSchema = /* @__PURE__ */ (() =>
  z.object({
    preset: z
      .enum([...PRESETS, 'custom'])
      .optional()
      .catch(undefined),
    from: MonthParam.optional().catch(undefined),
    to: MonthParam.optional().catch(undefined),
    grain: z.enum(GRAINS).catch('month'),
    board: BoardCodeSchema.optional().catch(undefined),
    service: ServiceSlugSchema.optional().catch(undefined),
    indicator: z.enum(MAP_INDICATORS).catch('referrals_per_100k'),
    /** The measure a service's small multiples show (its first measure when absent). */
    measure: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]*$/)
      .max(60)
      .optional()
      .catch(undefined),
    sort: z.enum(BOARD_SORTS).catch('name'),
    dir: z.enum(['asc', 'desc']).catch('asc'),
    /** Page of a long table (the coverage matrix with many boards). */
    page: z.coerce.number().int().min(1).max(10_000).catch(1),
    /** Trends as they are, or as control charts (`spc`, by month). */
    view: z.enum(['trends', 'spc']).catch('trends'),
    /** Disclosure control on the figures shown ('on' for a view that may be published). */
    sdc: z.enum(['on', 'off']).catch('off'),
  }))()
export type DashboardFilters = z.infer<typeof DashboardFiltersSchema>

/** The filters in a URL's query string; anything unusable becomes its default. */
export function parseFilters(search: URLSearchParams | string): DashboardFilters {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search
  const raw: Record<string, string> = {}
  for (const key of Object.keys(DashboardFiltersSchema.shape)) {
    const value = params.get(key)
    // An empty select ("All boards") means no filter.
    if (value !== null && value.trim() !== '') raw[key] = value
  }
  return DashboardFiltersSchema.parse(raw)
}

/** The months a dashboard shows: from and to, as chosen or as a preset gives them. */
export interface MonthRange {
  from: string
  to: string
  months: number
  /** The preset it came from, or custom months. */
  preset: Preset | 'custom'
  /** 'November 2025 to October 2026' */
  label: string
}

export interface PeriodBounds {
  /** The latest month whose returns have fallen due: where default periods end. */
  latestDue: string
  /** The latest month that may be chosen: the last month that has ended. */
  latestAllowed: string
  /** The first month with figures. */
  earliest?: string
}

/** The bounds of the periods on offer at `now`: defaults end at the latest month due. */
export function periodBounds(now: Date, deadlineDay: number): PeriodBounds {
  return { latestDue: latestDueMonth(now, deadlineDay), latestAllowed: lastCompleteMonth(now) }
}

export function periodLabel(from: string, to: string) {
  return from === to ? formatMonth(from) : `${formatMonth(from)} to ${formatMonth(to)}`
}

function makePeriod(from: string, to: string, preset: Preset | 'custom'): MonthRange {
  return { from, to, months: monthsBetween(from, to) + 1, preset, label: periodLabel(from, to) }
}

/** The months a preset stands for, given the latest month whose returns have fallen due. */
export function presetPeriod(preset: Preset, bounds: PeriodBounds): MonthRange {
  const earliest = bounds.earliest ?? PROGRAMME_START_MONTH
  const latest = bounds.latestDue
  const clampFrom = (m: string) => (m < earliest ? earliest : m)
  switch (preset) {
    case 'last-12-months':
      return makePeriod(clampFrom(addMonths(latest, -11)), latest, preset)
    case 'this-financial-year':
      return makePeriod(clampFrom(financialYearFirstMonth(latest)), latest, preset)
    case 'last-financial-year': {
      const start = addMonths(financialYearFirstMonth(latest), -12)
      if (addMonths(start, 11) < earliest)
        return makePeriod(clampFrom(addMonths(latest, -11)), latest, 'last-12-months')
      return makePeriod(clampFrom(start), addMonths(start, 11), preset)
    }
    case 'since-start':
      return makePeriod(earliest, latest, preset)
  }
}

/**
 * The period the filters ask for. A preset stands when no months are given or the months given
 * are its own (the filter form sends both); other months make a custom period: months outside the
 * programme are brought inside it, and a range given backwards is turned round. Without usable
 * months, the preset, by default the last 12 months.
 */
export function resolvePeriod(
  filters: Pick<DashboardFilters, 'preset' | 'from' | 'to'>,
  bounds: PeriodBounds,
): MonthRange {
  const earliest = bounds.earliest ?? PROGRAMME_START_MONTH
  if (filters.preset && filters.preset !== 'custom') {
    const preset = presetPeriod(filters.preset, bounds)
    if ((filters.from ?? preset.from) === preset.from && (filters.to ?? preset.to) === preset.to) return preset
  }
  if (filters.from || filters.to) {
    let from = filters.from ?? earliest
    let to = filters.to ?? bounds.latestDue
    if (from > to) [from, to] = [to, from]
    if (from < earliest) from = earliest
    if (to > bounds.latestAllowed) to = bounds.latestAllowed
    if (from <= to) return makePeriod(from, to, 'custom')
  }
  return presetPeriod(DEFAULT_PRESET, bounds)
}

/** The same months a year earlier, when all of them are within the programme. */
export function yearEarlier(period: MonthRange, earliest: string = PROGRAMME_START_MONTH): MonthRange | null {
  const from = addMonths(period.from, -12)
  if (from < earliest) return null
  return makePeriod(from, addMonths(period.to, -12), period.preset)
}

/** Query-string values that are not the default, in a stable order. */
export function filtersToSearchParams(filters: Partial<DashboardFilters>, period?: MonthRange) {
  const params = new URLSearchParams()
  const preset = period?.preset ?? filters.preset
  if (preset === 'custom' || (preset === undefined && (filters.from || filters.to))) {
    const from = period?.from ?? filters.from
    const to = period?.to ?? filters.to
    if (from) params.set('from', from)
    if (to) params.set('to', to)
  } else if (preset && preset !== DEFAULT_PRESET) {
    params.set('preset', preset)
  }
  if (filters.grain && filters.grain !== 'month') params.set('grain', filters.grain)
  if (filters.board) params.set('board', filters.board)
  if (filters.service) params.set('service', filters.service)
  if (filters.indicator && filters.indicator !== 'referrals_per_100k') params.set('indicator', filters.indicator)
  if (filters.sort && filters.sort !== 'name') params.set('sort', filters.sort)
  if (filters.dir && filters.dir !== 'asc') params.set('dir', filters.dir)
  if (filters.measure) params.set('measure', filters.measure)
  if (filters.page && filters.page !== 1) params.set('page', String(filters.page))
  if (filters.view === 'spc') params.set('view', 'spc')
  if (filters.sdc === 'on') params.set('sdc', 'on')
  return params
}

type FilterChanges = Partial<Record<keyof DashboardFilters, string | number | undefined>>

/**
 * A link to `pathname` that keeps the shared filters (period, grain, board, service, disclosure
 * control), with some changed. Filters of one page (the map's indicator, the table's sort) travel only when given
 * in `changes`.
 */
export function hrefWithFilters(
  pathname: string,
  filters: Partial<DashboardFilters>,
  period?: MonthRange,
  changes: FilterChanges = {},
) {
  const shared: Partial<DashboardFilters> = {
    preset: filters.preset,
    from: filters.from,
    to: filters.to,
    grain: filters.grain,
    board: filters.board,
    service: filters.service,
    sdc: filters.sdc,
    view: filters.view,
  }
  const params = filtersToSearchParams({ ...shared, ...changes } as Partial<DashboardFilters>, period)
  const query = params.toString()
  return query ? `${pathname}?${query}` : pathname
}

/**
 * Where a dashboard URL should be, written the short way: only the filters that differ from the
 * defaults, a preset by its name rather than its months, nothing empty (the filter form sends
 * every field). Null when it already is, or when a value could not be used (the page then says
 * so, which a redirect would hide). `keep` lists the page's own filters; `omit` the one its path
 * already gives (a board's page, a service's page).
 */
export function canonicalLocation(
  url: URL,
  bounds: PeriodBounds,
  {
    keep = [],
    omit = [],
  }: { keep?: Array<'indicator' | 'sort' | 'dir' | 'measure' | 'page'>; omit?: Array<'board' | 'service'> } = {},
): string | null {
  const params = new URLSearchParams(url.search)
  params.delete('_data')
  const filters = parseFilters(params)
  const known = Object.keys(DashboardFiltersSchema.shape)
  for (const [key, value] of params) {
    if (!known.includes(key) || value.trim() === '') continue
    const parsed = filters[key as keyof DashboardFilters]
    if (parsed === undefined || String(parsed) !== value.trim()) return null
  }
  const period = resolvePeriod(filters, bounds)
  const chosen: Partial<DashboardFilters> = {
    preset: filters.preset,
    from: filters.from,
    to: filters.to,
    grain: filters.grain,
    sdc: filters.sdc,
    view: filters.view,
  }
  if (!omit.includes('board')) chosen.board = filters.board
  if (!omit.includes('service')) chosen.service = filters.service
  for (const key of keep) Object.assign(chosen, { [key]: filters[key] })
  const canonical = filtersToSearchParams(chosen, period).toString()
  if (canonical === params.toString()) return null
  return canonical ? `${url.pathname}?${canonical}` : url.pathname
}

/**
 * The CSV download of a figure: /figures/<id> with the page's filters, plus what identifies the
 * page (its board or service) when the page takes it from its path.
 */
export function figureCsvHref(
  id: string,
  filters: Partial<DashboardFilters>,
  period: MonthRange,
  page: Partial<Record<'board' | 'service' | 'measure' | 'indicator' | 'sort' | 'dir', string | undefined>> = {},
) {
  return hrefWithFilters(`/figures/${id}`, filters, period, page)
}
