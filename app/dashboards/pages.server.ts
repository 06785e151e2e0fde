// The dashboards' pages, each assembled from the indicator, coverage and catalogue queries: the
// route calls one function with the URL's query string and renders what it returns. Every
// chart's figures are built here once, as a `Figure`, so the chart, the table beside it and its
// CSV download (routes/figures.$figure.tsx, which calls the same function) show the same numbers.
import {
  formatDate,
  formatMonth,
  formatMonthShort,
  monthRange,
  PROGRAMME_START_MONTH,
  returnDeadline,
} from '#app/utils/dates.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { protectFigure, protectTile, shownColumns, SUPPRESSED, type TileBasis } from '#app/disclosure/figures.ts'
import { type Cell, type Figure, type FigureColumn, fileSlug } from '#app/domain/figure.ts'
import { formatCount, formatRate } from '#app/domain/format.ts'
import {
  type Bucket,
  bucketKey,
  type DashboardFilters,
  type Grain,
  type MapIndicator,
  parseFilters,
  type Period,
  periodBounds,
  PRESET_LABELS,
  periodBuckets,
  resolvePeriod,
  yearEarlier,
} from '#app/dashboards/filters.ts'
import {
  COUNT_SERIES,
  MAP_INDICATOR_DEFINITIONS,
  OTHER_INDICATORS,
  populationYear,
  RATE_INDICATORS,
} from '#app/statistics/indicators.ts'
import {
  type BoardSummary,
  getServiceDetail,
  listServices,
  type ServiceDetail,
  type ServiceSummary,
} from '#app/models/catalogue.server.ts'
import { listBoards } from '#app/models/org-units.server.ts'
import {
  type AvailabilityStatus,
  getAvailabilityMatrix,
  getTreatmentCoverage,
  listBoardServices,
  listBoardTiles,
  listPopulationCoverage,
  listServiceAvailability,
  listServiceFigures,
} from '#app/models/coverage.server.ts'
import {
  type BoardFigures,
  type FigureScope,
  type FigureSet,
  getBoardSeries,
  getFigureSeries,
  getFigureTotals,
  getReferralRate,
  getReportingByBucket,
  getReturnsCompleteness,
  listBoardFigures,
  listBoardReturns,
  type MonthBucket,
} from '#app/models/indicators.server.ts'

export interface DashboardRequest {
  /** The page URL's query string. */
  search: URLSearchParams
  now: Date
  /** RETURN_DEADLINE_DAY */
  deadlineDay: number
}

// ---------------------------------------------------------------------------------------------
// Filters and the period they stand for

export interface FilterState {
  filters: DashboardFilters
  period: Period
  /** The same months a year earlier, when they are all within the programme. */
  comparison: Period | null
  grain: Grain
  buckets: Bucket[]
  board: BoardSummary | null
  service: ServiceSummary | null
  boards: BoardSummary[]
  services: ServiceSummary[]
  /** Months the pickers offer, oldest first. */
  monthOptions: string[]
  /** The latest month whose returns have fallen due, and when they were due ('15 November 2026'). */
  latestDue: string
  latestDueDeadline: string
  /** Words for a filter the URL asked for that could not be used. */
  notices: string[]
  /** With `sdc=on`, the largest count that is suppressed (SDC_THRESHOLD); otherwise null. */
  sdcThreshold: number | null
}

async function resolveFilters({ search, now, deadlineDay }: DashboardRequest): Promise<FilterState> {
  const filters = parseFilters(search)
  const bounds = periodBounds(now, deadlineDay)
  const { latestDue, latestAllowed } = bounds
  const period = resolvePeriod(filters, bounds)
  const [boards, services] = await Promise.all([listBoards(), listServices()])
  const notices: string[] = []
  const board = filters.board ? (boards.find((b) => b.code === filters.board) ?? null) : null
  if (filters.board && !board)
    notices.push(`There is no board with the code ${filters.board}, so all boards are shown.`)
  const service = filters.service ? (services.find((s) => s.slug === filters.service) ?? null) : null
  if (filters.service && !service)
    notices.push(`There is no service called “${filters.service}”, so all services are shown.`)
  for (const key of ['from', 'to'] as const) {
    const raw = search.get(key)
    if (raw && raw.trim() !== '' && filters[key] === undefined) {
      notices.push(
        `“${raw}” is not a month written as YYYY-MM, so the ${key === 'from' ? 'first' : 'last'} month was chosen for you.`,
      )
    }
  }
  return {
    filters: { ...filters, board: board?.code, service: service?.slug },
    period,
    comparison: yearEarlier(period),
    grain: filters.grain,
    buckets: periodBuckets(period, filters.grain),
    board,
    service,
    boards,
    services,
    monthOptions: monthRange(PROGRAMME_START_MONTH, latestAllowed),
    latestDue,
    latestDueDeadline: formatDate(returnDeadline(latestDue, deadlineDay)),
    notices,
    sdcThreshold: filters.sdc === 'on' ? getConfig().SDC_THRESHOLD : null,
  }
}

/**
 * Disclosure control as the URL asks: with `sdc=on`, figures and tiles as they may be published
 * (app/disclosure/figures.ts); otherwise as they are. Either way, what a figure or tile was
 * worked out from and does not show stays on the server.
 */
function disclosureControl({ sdcThreshold: threshold, grain }: FilterState) {
  const protect = (figure: Figure) => {
    const shown = protectFigure(figure, threshold!)
    const cells = shown.rows.flatMap((row) => Object.values(row))
    const hidden = cells.filter((v) => v === SUPPRESSED).length
    // Mostly hidden: longer periods add small counts up to figures that can be shown.
    if (grain === 'fy' || hidden <= cells.filter((v) => typeof v === 'number').length) return shown
    const longer = grain === 'month' ? 'financial quarter or year' : 'financial year'
    return {
      ...shown,
      notes: [...shown.notes, `Most of these figures are small: shown by ${longer}, more of them can be shown.`],
    }
  }
  return {
    protect: <F extends Figure | null>(figure: F): F =>
      figure === null ? figure : ((threshold === null ? shownColumns(figure) : protect(figure)) as F),
    protectTiles: (tiles: Tile[]): Tile[] =>
      tiles.map((tile) => (threshold === null ? { ...tile, basis: undefined } : protectTile(tile, threshold))),
  }
}

function monthBuckets(period: Period, grain: Grain): MonthBucket[] {
  return monthRange(period.from, period.to).map((month) => ({ month, bucket: bucketKey(month, grain) }))
}

/** 'last 12 months', 'this financial year so far'... or the months themselves. */
function periodPhrase(period: Period) {
  return period.preset === 'custom' ? period.label : PRESET_LABELS[period.preset].toLowerCase()
}

// ---------------------------------------------------------------------------------------------
// Headline tiles

export interface Tile {
  id: string
  label: string
  value: number | null
  kind: 'count' | 'percent' | 'rate'
  description: string
  definition: string
  /** The national standard, as a ratio. */
  standard?: number
  /** The same figure a year earlier, for the change. */
  previous?: number | null
  comparisonLabel?: string
  /** A second figure beside it, e.g. the national one on a board's page. */
  reference?: { label: string; value: number | null; suppressed?: boolean }
  /** The counts it is worked out from, for disclosure control; not sent to the page. */
  basis?: TileBasis
  /** Withheld by disclosure control. */
  suppressed?: boolean
}

const RATE_BY_ID = new Map<string, { numerator: string; denominator: string }>(
  Object.values(RATE_INDICATORS).map((r) => [r.id, r]),
)

/** The counts a figure of a FigureSet is worked out from: itself, or a rate's two counts. */
function countsOf(set: FigureSet | null | undefined, key: keyof FigureSet): Array<number | null> {
  if (!set) return []
  return RATE_BY_ID.has(key) ? countsKeysOf(key).map((k) => set[k]) : [set[key]]
}

function basisOf(
  key: keyof FigureSet,
  sets: { now: FigureSet; previous?: FigureSet | null; reference?: FigureSet },
): TileBasis {
  return {
    counts: countsOf(sets.now, key),
    previous: countsOf(sets.previous, key),
    reference: countsOf(sets.reference, key),
  }
}

/** The two counts of a rate of a FigureSet. */
function countsKeysOf(key: keyof FigureSet): [keyof FigureSet, keyof FigureSet] {
  const rate = RATE_BY_ID.get(key)!
  return [rate.numerator as keyof FigureSet, rate.denominator as keyof FigureSet]
}

/** How disclosure control treats a rate of a FigureSet: by its two counts. */
function rateOf(key: keyof FigureSet, prefix = ''): FigureColumn['disclosure'] {
  const [numerator, denominator] = countsKeysOf(key)
  return { rateOf: [`${prefix}${numerator}`, `${prefix}${denominator}`] }
}

function perMonth(total: number | null, months: number) {
  return total === null ? null : total / months
}

// ---------------------------------------------------------------------------------------------
// Trend figures

interface TrendColumn extends FigureColumn {
  value: (figures: FigureSet) => number | null
}

interface Reporting {
  bucket: string
  expected: number
  reported: number
}

function reportingText(r: Reporting | undefined, grain: Grain, unit: 'boards' | 'months' | 'national') {
  if (!r || r.expected === 0) return 'none expected'
  if (unit === 'months')
    return grain === 'month' ? (r.reported > 0 ? 'Yes' : 'No') : `${r.reported} of ${r.expected} months`
  if (unit === 'national') return `${r.reported} of ${r.expected}`
  return grain === 'month' ? `${r.reported} of ${r.expected}` : `${r.reported} of ${r.expected} board-months`
}

function reportingLabel(unit: 'boards' | 'months' | 'national') {
  if (unit === 'months') return 'Return submitted'
  if (unit === 'national') return 'National returns submitted'
  return 'Boards reported'
}

function trendFigure({
  id,
  title,
  description,
  state,
  series,
  columns,
  reporting,
  reportingUnit,
  definitions,
  extraColumns = [],
  extraRows = [],
}: {
  id: string
  title: string
  description: string
  state: FilterState
  series: Array<{ bucket: string; figures: FigureSet }>
  columns: TrendColumn[]
  reporting?: Reporting[]
  reportingUnit: 'boards' | 'months' | 'national'
  definitions: Array<{ label: string; definition: string }>
  /** More columns, one row per bucket, whose values come from elsewhere (e.g. the national rate on a board's page). */
  extraColumns?: FigureColumn[]
  extraRows?: Array<Record<string, Cell>>
}): Figure {
  const byBucket = new Map(series.map((s) => [s.bucket, s.figures]))
  const reportingBy = new Map((reporting ?? []).map((r) => [r.bucket, r]))
  const notes: string[] = []
  const gaps: string[] = []
  const incomplete: string[] = []
  const rows = state.buckets.map((bucket, i) => {
    const figures = byBucket.get(bucket.key)
    const row: Record<string, Cell> = { period: bucket.label }
    for (const c of columns) row[c.key] = figures ? c.value(figures) : null
    Object.assign(row, extraRows[i] ?? {})
    if (columns.every((c) => row[c.key] === null)) gaps.push(bucket.label)
    if (reporting) {
      const r = reportingBy.get(bucket.key)
      row.reporting = reportingText(r, state.grain, reportingUnit)
      if (r && r.reported < r.expected) incomplete.push(bucket.label)
    }
    return row
  })
  if (gaps.length > 0) {
    notes.push(
      `No figures were reported for ${listWords(gaps)}: ${gaps.length === 1 ? 'it is' : 'they are'} shown as a gap, not as zero.`,
    )
  }
  if (incomplete.length > 0) {
    notes.push(
      reportingUnit === 'months'
        ? `Returns are missing for ${listWords(incomplete)}: figures there are incomplete.`
        : `Not every return was in for ${listWords(incomplete)}: totals there include only what was reported.`,
    )
  }
  const partial = state.buckets.filter((b) => b.months < b.fullMonths)
  for (const b of partial) {
    notes.push(
      `${b.label} includes only ${monthsWords(b.months)} of its ${b.fullMonths} (${formatMonthShort(b.from)} to ${formatMonthShort(b.to)}): the period starts or ends part-way through it.`,
    )
  }
  const figureColumns: FigureColumn[] = [
    {
      key: 'period',
      label: state.grain === 'month' ? 'Month' : state.grain === 'fq' ? 'Financial quarter' : 'Financial year',
      kind: 'text',
    },
    ...columns.map(({ key, label, kind, unit, disclosure }) => ({ key, label, kind, unit, disclosure })),
    ...extraColumns,
  ]
  if (reporting) figureColumns.push({ key: 'reporting', label: reportingLabel(reportingUnit), kind: 'text' })
  return {
    id,
    title,
    description,
    columns: figureColumns,
    rows,
    notes,
    definitions,
    fileName: fileSlug(
      `${title} ${state.period.from} to ${state.period.to} by ${state.grain === 'month' ? 'month' : state.grain === 'fq' ? 'quarter' : 'year'}`,
    ),
  }
}

function listWords(items: string[]) {
  if (items.length <= 1) return items.join('')
  if (items.length > 6) return `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

function monthsWords(n: number) {
  return n === 1 ? '1 month' : `${n} months`
}

const count = (key: keyof FigureSet) => (f: FigureSet) => f[key]

function professionalReferrals(f: FigureSet) {
  return f.referrals === null ? null : f.self_referrals === null ? null : f.referrals - f.self_referrals
}

function definitionOf(series: { label: string; definition: string }) {
  return { label: series.label, definition: series.definition }
}

/**
 * Scotland's rates beside a board's, one row per bucket (`national_<rate>`), with the counts
 * they divide (not shown: disclosure control needs them).
 */
function nationalRows(
  state: FilterState,
  national: Array<{ bucket: string; figures: FigureSet }> | undefined,
  rates: Array<keyof FigureSet>,
): Array<Record<string, Cell>> {
  if (!national) return []
  const nationalBy = new Map(national.map((s) => [s.bucket, s.figures]))
  return state.buckets.map((b) => {
    const figures = nationalBy.get(b.key)
    const row: Record<string, Cell> = {}
    for (const rate of rates) {
      for (const key of [rate, ...countsKeysOf(rate)]) row[`national_${key}`] = figures?.[key] ?? null
    }
    return row
  })
}

// Figures shared by the overview and a board's page.

function referralsFigure(
  prefix: string,
  state: FilterState,
  where: string,
  series: Array<{ bucket: string; figures: FigureSet }>,
  reporting: Reporting[],
  unit: 'boards' | 'months',
) {
  return trendFigure({
    id: `${prefix}-referrals`,
    title: 'Referrals',
    description: `People referred to cCBT and ieCBT services in ${where}, by themselves or by a professional, ${state.period.label}.`,
    state,
    series,
    reporting,
    reportingUnit: unit,
    columns: [
      { key: 'self_referrals', label: 'Self-referrals', kind: 'count', unit: 'people', value: count('self_referrals') },
      {
        key: 'professional_referrals',
        label: 'Referred by a professional',
        kind: 'count',
        unit: 'people',
        value: professionalReferrals,
      },
      {
        key: 'referrals',
        label: 'All referrals',
        kind: 'count',
        unit: 'people',
        value: count('referrals'),
        disclosure: { sumOf: ['self_referrals', 'professional_referrals'] },
      },
      {
        key: 'self_referral_share',
        label: 'Self-referral share',
        kind: 'percent',
        value: count('self_referral_share'),
        disclosure: rateOf('self_referral_share'),
      },
    ],
    definitions: [
      definitionOf(COUNT_SERIES.referrals),
      definitionOf(COUNT_SERIES.selfReferrals),
      { label: 'Referred by a professional', definition: 'All referrals minus self-referrals.' },
      definitionOf(RATE_INDICATORS.selfReferralShare),
    ],
  })
}

function startedFigure(
  prefix: string,
  state: FilterState,
  where: string,
  series: Array<{ bucket: string; figures: FigureSet }>,
  reporting: Reporting[],
  unit: 'boards' | 'months',
  national?: Array<{ bucket: string; figures: FigureSet }>,
) {
  const extraRows = nationalRows(state, national, ['eighteen_weeks'])
  const extraColumns: FigureColumn[] = national
    ? [
        {
          key: 'national_eighteen_weeks',
          label: 'Scotland: within 18 weeks',
          kind: 'percent',
          disclosure: rateOf('eighteen_weeks', 'national_'),
        },
      ]
    : []
  return trendFigure({
    id: `${prefix}-started`,
    title: 'Started treatment and the 18-week standard',
    description: `People who started cCBT or ieCBT treatment in ${where}, and the share who started within 18 weeks of referral (standard: 90%), ${state.period.label}.`,
    state,
    series,
    reporting,
    reportingUnit: unit,
    columns: [
      { key: 'started', label: 'Started treatment', kind: 'count', unit: 'people', value: count('started') },
      {
        key: 'started_within_18_weeks',
        label: 'Started within 18 weeks',
        kind: 'count',
        unit: 'people',
        value: count('started_within_18_weeks'),
      },
      {
        key: 'eighteen_weeks',
        label: 'Within 18 weeks',
        kind: 'percent',
        value: count('eighteen_weeks'),
        disclosure: rateOf('eighteen_weeks'),
      },
    ],
    extraColumns,
    extraRows,
    definitions: [
      definitionOf(COUNT_SERIES.started),
      definitionOf(COUNT_SERIES.startedWithin18Weeks),
      definitionOf(RATE_INDICATORS.eighteenWeeks),
    ],
  })
}

function outcomesFigure(
  prefix: string,
  state: FilterState,
  where: string,
  series: Array<{ bucket: string; figures: FigureSet }>,
  reporting: Reporting[],
  unit: 'boards' | 'months',
  national?: Array<{ bucket: string; figures: FigureSet }>,
) {
  const extraRows = nationalRows(state, national, ['recovery_rate', 'reliable_improvement_rate'])
  const extraColumns: FigureColumn[] = national
    ? [
        {
          key: 'national_recovery_rate',
          label: 'Scotland: recovery rate',
          kind: 'percent',
          disclosure: rateOf('recovery_rate', 'national_'),
        },
        {
          key: 'national_reliable_improvement_rate',
          label: 'Scotland: reliable improvement rate',
          kind: 'percent',
          disclosure: rateOf('reliable_improvement_rate', 'national_'),
        },
      ]
    : []
  return trendFigure({
    id: `${prefix}-outcomes`,
    title: 'Outcomes: recovery and reliable improvement',
    description: `Recovery rate (standard: 50%) and reliable improvement rate of people who finished cCBT or ieCBT treatment with paired PHQ-9 or GAD-7 scores in ${where}, ${state.period.label}.`,
    state,
    series,
    reporting,
    reportingUnit: unit,
    columns: [
      {
        key: 'proms_paired',
        label: 'Finished with paired scores',
        kind: 'count',
        unit: 'people',
        value: count('proms_paired'),
      },
      {
        key: 'proms_at_caseness',
        label: 'At caseness at start',
        kind: 'count',
        unit: 'people',
        value: count('proms_at_caseness'),
      },
      { key: 'proms_recovered', label: 'Recovered', kind: 'count', unit: 'people', value: count('proms_recovered') },
      {
        key: 'proms_reliably_improved',
        label: 'Reliably improved',
        kind: 'count',
        unit: 'people',
        value: count('proms_reliably_improved'),
      },
      {
        key: 'recovery_rate',
        label: 'Recovery rate',
        kind: 'percent',
        value: count('recovery_rate'),
        disclosure: rateOf('recovery_rate'),
      },
      {
        key: 'reliable_improvement_rate',
        label: 'Reliable improvement rate',
        kind: 'percent',
        value: count('reliable_improvement_rate'),
        disclosure: rateOf('reliable_improvement_rate'),
      },
    ],
    extraColumns,
    extraRows,
    definitions: [
      definitionOf(RATE_INDICATORS.recoveryRate),
      definitionOf(RATE_INDICATORS.reliableImprovementRate),
      definitionOf(COUNT_SERIES.promsPaired),
      definitionOf(COUNT_SERIES.promsAtCaseness),
    ],
  })
}

function videoFigure(
  prefix: string,
  state: FilterState,
  where: string,
  series: Array<{ bucket: string; figures: FigureSet }>,
  reporting: Reporting[],
  unit: 'boards' | 'months',
) {
  return trendFigure({
    id: `${prefix}-video-sessions`,
    title: 'Video 1:1 therapy sessions',
    description: `One-to-one therapy sessions by video call in ${where}, ${state.period.label}.`,
    state,
    series,
    reporting,
    reportingUnit: unit,
    columns: [
      {
        key: 'video_sessions',
        label: 'Video 1:1 sessions',
        kind: 'count',
        unit: 'sessions',
        value: count('video_sessions'),
      },
    ],
    definitions: [definitionOf(COUNT_SERIES.videoSessions)],
  })
}

function groupFigure(
  prefix: string,
  state: FilterState,
  where: string,
  series: Array<{ bucket: string; figures: FigureSet }>,
  reporting: Reporting[],
  unit: 'boards' | 'months',
) {
  return trendFigure({
    id: `${prefix}-group-sessions`,
    title: 'Video group sessions and attendances',
    description: `Video group therapy sessions (including cross-region groups, counted at the host board) and attendances in ${where}, ${state.period.label}.`,
    state,
    series,
    reporting,
    reportingUnit: unit,
    columns: [
      {
        key: 'group_sessions',
        label: 'Group sessions',
        kind: 'count',
        unit: 'sessions',
        value: count('group_sessions'),
      },
      {
        key: 'group_attendances',
        label: 'Attendances',
        kind: 'count',
        unit: 'attendances',
        value: count('group_attendances'),
      },
    ],
    definitions: [definitionOf(COUNT_SERIES.groupSessions), definitionOf(COUNT_SERIES.groupAttendances)],
  })
}

/** Which of the trend figures apply to a service (all of them without one). */
function measuresOf(detail: ServiceDetail | null) {
  const names = new Set(detail?.measures.map((m) => m.name) ?? [])
  const has = (measure: string) => detail === null || names.has(measure)
  return {
    therapy: has('referrals'),
    video: has('sessions') && (detail === null || detail.family === 'video'),
    group: has('group_sessions'),
    visits: has('visits'),
  }
}

// ---------------------------------------------------------------------------------------------
// The national overview: /

export async function getOverview(request: DashboardRequest) {
  const state = await resolveFilters(request)
  const { period, comparison, service } = state
  const scope: FigureScope = { serviceId: service?.id }
  const months = monthBuckets(period, state.grain)
  const popYear = populationYear(period.from, period.to)
  const nationalService = service?.delivery === 'national'
  const [detail, totals, previous, sinceStart, series, reporting, boards, nationalRate, latest, treatments] =
    await Promise.all([
      service ? getServiceDetail({ serviceId: service.id }) : Promise.resolve(null),
      getFigureTotals({ scope, from: period.from, to: period.to }),
      comparison ? getFigureTotals({ scope, from: comparison.from, to: comparison.to }) : Promise.resolve(null),
      getFigureTotals({ scope, from: PROGRAMME_START_MONTH, to: period.to }),
      getFigureSeries({ scope, months }),
      getReportingByBucket({ scope, months, unitKind: nationalService ? 'national' : 'board' }),
      listBoardFigures({
        from: period.from,
        to: period.to,
        months: monthRange(period.from, period.to),
        serviceId: service?.id,
        populationYear: popYear,
        deadlineDay: request.deadlineDay,
        sort: 'referrals_per_100k',
        dir: 'desc',
      }),
      getReferralRate({ scope, from: period.from, to: period.to, populationYear: popYear }),
      getReturnsCompleteness({
        scope,
        months: [period.to],
        deadlineDay: request.deadlineDay,
        unitKind: nationalService ? 'national' : 'board',
      }),
      getTreatmentCoverage({ month: period.to }),
    ])
  const applies = measuresOf(detail)
  const where = service ? `${service.name}, Scotland` : 'Scotland'
  const phrase = periodPhrase(period)
  const comparisonLabel = comparison?.label
  const tiles: Tile[] = []
  const prev = (key: keyof FigureSet, months = 1) => (previous ? perMonth(previous[key], months) : undefined)
  if (applies.therapy) {
    tiles.push(
      {
        id: 'referrals',
        label: `Referrals, ${phrase}`,
        value: totals.referrals,
        basis: basisOf('referrals', { now: totals, previous }),
        kind: 'count',
        description: `People referred to cCBT and ieCBT services, ${period.label}.`,
        definition: COUNT_SERIES.referrals.definition,
        previous: prev('referrals'),
        comparisonLabel,
      },
      {
        id: 'referrals-since-start',
        label: 'Referrals since the programme started',
        value: sinceStart.referrals,
        basis: basisOf('referrals', { now: sinceStart }),
        kind: 'count',
        description: `People referred to cCBT and ieCBT services since ${formatMonth(PROGRAMME_START_MONTH)}, to ${formatMonth(period.to)}.`,
        definition: `${COUNT_SERIES.referrals.definition} Counted from the programme's start in ${formatMonth(PROGRAMME_START_MONTH)}.`,
      },
      {
        id: 'self-referral-share',
        label: RATE_INDICATORS.selfReferralShare.label,
        value: totals.self_referral_share,
        basis: basisOf('self_referral_share', { now: totals, previous }),
        kind: 'percent',
        description: `Of referrals, ${period.label}.`,
        definition: RATE_INDICATORS.selfReferralShare.definition,
        previous: prev('self_referral_share'),
        comparisonLabel,
      },
      {
        id: 'eighteen-weeks',
        label: 'Started treatment within 18 weeks',
        value: totals.eighteen_weeks,
        basis: basisOf('eighteen_weeks', { now: totals, previous }),
        kind: 'percent',
        description: `Of people who started cCBT or ieCBT, ${period.label}.`,
        definition: RATE_INDICATORS.eighteenWeeks.definition,
        standard: RATE_INDICATORS.eighteenWeeks.standard,
        previous: prev('eighteen_weeks'),
        comparisonLabel,
      },
      {
        id: 'completion-rate',
        label: RATE_INDICATORS.completionRate.label,
        value: totals.completion_rate,
        basis: basisOf('completion_rate', { now: totals, previous }),
        kind: 'percent',
        description: `Completed as a share of started, ${period.label}.`,
        definition: RATE_INDICATORS.completionRate.definition,
        previous: prev('completion_rate'),
        comparisonLabel,
      },
      {
        id: 'recovery-rate',
        label: RATE_INDICATORS.recoveryRate.label,
        value: totals.recovery_rate,
        basis: basisOf('recovery_rate', { now: totals, previous }),
        kind: 'percent',
        description: `Of people at caseness who finished treatment, ${period.label}.`,
        definition: RATE_INDICATORS.recoveryRate.definition,
        standard: RATE_INDICATORS.recoveryRate.standard,
        previous: prev('recovery_rate'),
        comparisonLabel,
      },
      {
        id: 'reliable-improvement-rate',
        label: RATE_INDICATORS.reliableImprovementRate.label,
        value: totals.reliable_improvement_rate,
        basis: basisOf('reliable_improvement_rate', { now: totals, previous }),
        kind: 'percent',
        description: `Of people who finished treatment with paired scores, ${period.label}.`,
        definition: RATE_INDICATORS.reliableImprovementRate.definition,
        previous: prev('reliable_improvement_rate'),
        comparisonLabel,
      },
    )
  }
  if (applies.video) {
    tiles.push({
      id: 'video-sessions',
      label: 'Video 1:1 sessions a month',
      value: perMonth(totals.video_sessions, period.months),
      basis: basisOf('video_sessions', { now: totals, previous }),
      kind: 'count',
      description: `Sessions, monthly average, ${period.label}.`,
      definition: `${COUNT_SERIES.videoSessions.definition} The period's total divided by its ${period.months} months.`,
      previous: prev('video_sessions', period.months),
      comparisonLabel,
    })
  }
  if (applies.group) {
    tiles.push({
      id: 'group-sessions',
      label: 'Group sessions a month',
      value: perMonth(totals.group_sessions, period.months),
      basis: basisOf('group_sessions', { now: totals, previous }),
      kind: 'count',
      description: `Video group sessions, monthly average, ${period.label}.`,
      definition: `${COUNT_SERIES.groupSessions.definition} The period's total divided by its ${period.months} months.`,
      previous: prev('group_sessions', period.months),
      comparisonLabel,
    })
  }
  if (applies.visits) {
    tiles.push({
      id: 'self-help-visits',
      label: 'Self-help visits a month',
      value: perMonth(totals.self_help_visits, period.months),
      basis: basisOf('self_help_visits', { now: totals, previous }),
      kind: 'count',
      description: `Visits, monthly average, ${period.label}; ${formatCountWords(sinceStart.self_help_visits)} since ${formatMonth(PROGRAMME_START_MONTH)}.`,
      definition: `${COUNT_SERIES.selfHelpVisits.definition} The period's total divided by its ${period.months} months.`,
      previous: prev('self_help_visits', period.months),
      comparisonLabel,
    })
  }
  if (!service) {
    tiles.push({
      id: 'treatments',
      label: 'Evidence-based treatments',
      value: treatments.treatments,
      kind: 'count',
      description: `Available in ${treatments.boardsWithAll} of ${treatments.boards} boards in ${formatMonth(period.to)}.`,
      definition:
        'cCBT and ieCBT treatment programmes in the catalogue whose service was live in at least one board; a board counts when every one of them was live there.',
    })
  }

  const unit = 'boards' as const
  const figures: Figure[] = []
  if (applies.therapy) {
    figures.push(
      referralsFigure('overview', state, where, series, reporting, unit),
      startedFigure('overview', state, where, series, reporting, unit),
    )
  }
  if (applies.video) figures.push(videoFigure('overview', state, where, series, reporting, unit))
  if (applies.group) figures.push(groupFigure('overview', state, where, series, reporting, unit))
  if (applies.visits) {
    figures.push(
      trendFigure({
        id: 'overview-self-help-visits',
        title: 'Online self-help visits',
        description: `Visits to the national online self-help resources, ${period.label}.`,
        state,
        series,
        reporting: nationalService ? reporting : undefined,
        reportingUnit: 'national',
        columns: [
          { key: 'self_help_visits', label: 'Visits', kind: 'count', unit: 'visits', value: count('self_help_visits') },
        ],
        definitions: [definitionOf(COUNT_SERIES.selfHelpVisits)],
      }),
    )
  }
  if (applies.therapy) figures.push(outcomesFigure('overview', state, where, series, reporting, unit))
  const comparisonFigure = applies.therapy ? boardComparisonFigure(state, boards, nationalRate.rate) : null
  if (comparisonFigure) figures.push(comparisonFigure)

  const { protect, protectTiles } = disclosureControl(state)
  return {
    state,
    where,
    tiles: protectTiles(tiles),
    figures: figures.map(protect),
    nationalRate: nationalRate.rate,
    latest: {
      month: period.to,
      deadline: formatDate(returnDeadline(period.to, request.deadlineDay)),
      ...latest,
      nationalService,
    },
  }
}

function formatCountWords(value: number | null) {
  return value === null ? 'none reported' : formatCount(value)
}

function boardComparisonFigure(state: FilterState, boards: BoardFigures[], nationalRate: number | null): Figure {
  const where = state.service ? ` to ${state.service.name}` : ' to cCBT and ieCBT services'
  const notes: string[] = []
  const incomplete = boards.filter((b) => b.months_reported < b.months_expected)
  if (incomplete.length > 0) {
    notes.push(
      `${listWords(incomplete.map((b) => `${b.name} (${b.months_reported} of ${b.months_expected} months)`))} did not report every month: their rates are lower than they would be with every return in.`,
    )
  }
  if (state.period.months !== 12) {
    notes.push(
      `The period has ${state.period.months} months: rates are scaled to a year (times 12, divided by ${state.period.months}).`,
    )
  }
  return {
    id: 'overview-board-comparison',
    title: 'Referrals per 100,000 people, by board',
    description: `Referrals${where} per 100,000 people a year in each board, ${state.period.label}, with the rate for Scotland${nationalRate === null ? '' : ` (${formatRate(nationalRate)})`} as the reference line.`,
    columns: [
      { key: 'code', label: 'Board code', kind: 'text' },
      { key: 'board', label: 'Board', kind: 'text' },
      { key: 'referrals', label: 'Referrals', kind: 'count', unit: 'people' },
      { key: 'population', label: 'Population', kind: 'count', unit: 'people', disclosure: 'public' },
      {
        key: 'referrals_per_100k',
        label: 'Referrals per 100,000',
        kind: 'rate',
        unit: 'a year',
        disclosure: { rateOf: ['referrals', 'population'] },
      },
      { key: 'months', label: 'Months reported', kind: 'text' },
    ],
    rows: [
      ...boards.map((b) => ({
        code: b.code,
        board: b.name,
        referrals: b.referrals,
        population: b.population,
        referrals_per_100k: b.referrals_per_100k,
        months: `${b.months_reported} of ${b.months_expected}`,
      })),
    ],
    notes,
    definitions: [definitionOf(OTHER_INDICATORS.referralsPer100k)],
    fileName: fileSlug(`referrals per 100000 by board ${state.period.from} to ${state.period.to}`),
  }
}

// ---------------------------------------------------------------------------------------------
// Every board: /boards

export async function getBoardsTable(request: DashboardRequest) {
  const state = await resolveFilters(request)
  const { period, service } = state
  const popYear = populationYear(period.from, period.to)
  const months = monthRange(period.from, period.to)
  const scope: FigureScope = { serviceId: service?.id }
  const [rows, national, nationalRate, completeness] = await Promise.all([
    listBoardFigures({
      from: period.from,
      to: period.to,
      months,
      serviceId: service?.id,
      populationYear: popYear,
      deadlineDay: request.deadlineDay,
      sort: state.filters.sort,
      dir: state.filters.dir,
    }),
    getFigureTotals({ scope, from: period.from, to: period.to }),
    getReferralRate({ scope, from: period.from, to: period.to, populationYear: popYear }),
    getReturnsCompleteness({ scope, months, deadlineDay: request.deadlineDay }),
  ])
  const scotland = {
    ...national,
    population: nationalRate.population,
    referrals_per_100k: nationalRate.rate,
    completeness: completeness.completeness,
    timeliness: completeness.timeliness,
  }
  const figure: Figure = {
    id: 'boards-table',
    title: 'Headline figures by board',
    description: `Each board's figures${service ? ` for ${service.name}` : ''}, ${period.label}, with Scotland's.`,
    columns: BOARD_TABLE_COLUMNS,
    rows: [...rows.map((b) => boardTableRow(b.code, b.name, b)), boardTableRow('', 'Scotland', scotland)],
    notes: rows.some((b) => b.months_reported < b.months_expected)
      ? ['Some boards did not report every month: their totals include only the months they reported.']
      : [],
    definitions: [
      definitionOf(COUNT_SERIES.referrals),
      definitionOf(OTHER_INDICATORS.referralsPer100k),
      definitionOf(RATE_INDICATORS.selfReferralShare),
      definitionOf(RATE_INDICATORS.eighteenWeeks),
      definitionOf(RATE_INDICATORS.completionRate),
      definitionOf(RATE_INDICATORS.recoveryRate),
      definitionOf(RATE_INDICATORS.reliableImprovementRate),
      definitionOf(COUNT_SERIES.videoSessions),
      definitionOf(COUNT_SERIES.groupSessions),
      definitionOf(OTHER_INDICATORS.completeness),
      definitionOf(OTHER_INDICATORS.timeliness),
    ],
    fileName: fileSlug(`headline figures by board ${period.from} to ${period.to}${service ? ` ${service.slug}` : ''}`),
  }
  return { state, figure: disclosureControl(state).protect(figure) }
}

/** The columns of the boards table, in order; counts of the other measures follow in the CSV. */
// The page shows the columns it can sort by (BOARD_SORTS); the CSV has them all.
const BOARD_TABLE_COLUMNS: FigureColumn[] = [
  { key: 'code', label: 'Board code', kind: 'text' },
  { key: 'name', label: 'Board', kind: 'text' },
  { key: 'referrals', label: 'Referrals', kind: 'count', unit: 'people' },
  {
    key: 'referrals_per_100k',
    label: 'Referrals per 100,000',
    kind: 'rate',
    unit: 'a year',
    disclosure: { rateOf: ['referrals', 'population'] },
  },
  {
    key: 'self_referral_share',
    label: 'Self-referral share',
    kind: 'percent',
    disclosure: rateOf('self_referral_share'),
  },
  { key: 'eighteen_weeks', label: 'Within 18 weeks', kind: 'percent', disclosure: rateOf('eighteen_weeks') },
  { key: 'completion_rate', label: 'Completion rate', kind: 'percent', disclosure: rateOf('completion_rate') },
  { key: 'recovery_rate', label: 'Recovery rate', kind: 'percent', disclosure: rateOf('recovery_rate') },
  {
    key: 'reliable_improvement_rate',
    label: 'Reliable improvement',
    kind: 'percent',
    disclosure: rateOf('reliable_improvement_rate'),
  },
  { key: 'video_sessions', label: 'Video 1:1 sessions', kind: 'count', unit: 'sessions' },
  { key: 'group_sessions', label: 'Group sessions', kind: 'count', unit: 'sessions' },
  // About returns, not people.
  { key: 'completeness', label: 'Completeness', kind: 'percent', disclosure: 'public' },
  { key: 'timeliness', label: 'Timeliness', kind: 'percent', disclosure: 'public' },
  { key: 'self_referrals', label: 'Self-referrals', kind: 'count', unit: 'people' },
  { key: 'started', label: 'Started treatment', kind: 'count', unit: 'people' },
  { key: 'started_within_18_weeks', label: 'Started within 18 weeks', kind: 'count', unit: 'people' },
  { key: 'completed', label: 'Completed treatment', kind: 'count', unit: 'people' },
  { key: 'proms_paired', label: 'Finished with paired scores', kind: 'count', unit: 'people' },
  { key: 'proms_at_caseness', label: 'At caseness at start', kind: 'count', unit: 'people' },
  { key: 'proms_recovered', label: 'Recovered', kind: 'count', unit: 'people' },
  { key: 'proms_reliably_improved', label: 'Reliably improved', kind: 'count', unit: 'people' },
  { key: 'group_attendances', label: 'Group attendances', kind: 'count', unit: 'attendances' },
  { key: 'population', label: 'Population', kind: 'count', unit: 'people', disclosure: 'public' },
]

function boardTableRow(
  code: string,
  name: string,
  f: FigureSet & {
    population: number | null
    referrals_per_100k: number | null
    completeness: number | null
    timeliness: number | null
  },
): Record<string, Cell> {
  const row: Record<string, Cell> = { code, name }
  for (const c of BOARD_TABLE_COLUMNS) {
    if (c.key === 'code' || c.key === 'name') continue
    row[c.key] = (f as unknown as Record<string, number | null>)[c.key] ?? null
  }
  return row
}

// ---------------------------------------------------------------------------------------------
// One board: /boards/:code

export async function getBoardDashboard(request: DashboardRequest & { code: string }) {
  const state = await resolveFilters(request)
  const board = state.boards.find((b) => b.code === request.code)
  if (!board) return null
  const { period, comparison, service } = state
  const scope: FigureScope = { orgUnitId: board.id, serviceId: service?.id }
  const nationalScope: FigureScope = { serviceId: service?.id }
  const months = monthBuckets(period, state.grain)
  const popYear = populationYear(period.from, period.to)
  const allMonths = monthRange(period.from, period.to)
  const [
    detail,
    totals,
    previous,
    national,
    series,
    nationalSeries,
    reporting,
    rate,
    nationalRate,
    services,
    returns,
    completeness,
  ] = await Promise.all([
    service ? getServiceDetail({ serviceId: service.id }) : Promise.resolve(null),
    getFigureTotals({ scope, from: period.from, to: period.to }),
    comparison ? getFigureTotals({ scope, from: comparison.from, to: comparison.to }) : Promise.resolve(null),
    getFigureTotals({ scope: nationalScope, from: period.from, to: period.to }),
    getFigureSeries({ scope, months }),
    getFigureSeries({ scope: nationalScope, months }),
    getReportingByBucket({ scope, months }),
    getReferralRate({ scope, from: period.from, to: period.to, populationYear: popYear }),
    getReferralRate({ scope: nationalScope, from: period.from, to: period.to, populationYear: popYear }),
    listBoardServices({ orgUnitId: board.id, month: period.to }),
    listBoardReturns({ orgUnitId: board.id, months: allMonths, deadlineDay: request.deadlineDay }),
    getReturnsCompleteness({ scope: { orgUnitId: board.id }, months: allMonths, deadlineDay: request.deadlineDay }),
  ])
  const applies = measuresOf(detail)
  const where = service ? `${service.name}, ${board.name}` : board.name
  const phrase = periodPhrase(period)
  const comparisonLabel = comparison?.label
  const prev = (key: keyof FigureSet, m = 1) => (previous ? perMonth(previous[key], m) : undefined)
  const scotland = (value: number | null) => ({ label: 'Scotland', value })
  const tiles: Tile[] = []
  if (applies.therapy) {
    tiles.push(
      {
        id: 'referrals',
        label: `Referrals, ${phrase}`,
        value: totals.referrals,
        basis: basisOf('referrals', { now: totals, previous, reference: national }),
        kind: 'count',
        description: `People referred to cCBT and ieCBT services in ${board.name}, ${period.label}.`,
        definition: COUNT_SERIES.referrals.definition,
        previous: prev('referrals'),
        comparisonLabel,
      },
      {
        id: 'referrals-per-100k',
        label: 'Referrals per 100,000 people',
        value: rate.rate,
        basis: { counts: [totals.referrals], reference: [national.referrals] },
        kind: 'rate',
        description: `A year, ${period.label}; population ${formatCountWords(rate.population)}.`,
        definition: OTHER_INDICATORS.referralsPer100k.definition,
        reference: scotland(nationalRate.rate),
      },
      {
        id: 'eighteen-weeks',
        label: 'Started treatment within 18 weeks',
        value: totals.eighteen_weeks,
        basis: basisOf('eighteen_weeks', { now: totals, previous, reference: national }),
        kind: 'percent',
        description: `Of people who started cCBT or ieCBT, ${period.label}.`,
        definition: RATE_INDICATORS.eighteenWeeks.definition,
        standard: RATE_INDICATORS.eighteenWeeks.standard,
        previous: prev('eighteen_weeks'),
        comparisonLabel,
        reference: scotland(national.eighteen_weeks),
      },
      {
        id: 'recovery-rate',
        label: RATE_INDICATORS.recoveryRate.label,
        value: totals.recovery_rate,
        basis: basisOf('recovery_rate', { now: totals, previous, reference: national }),
        kind: 'percent',
        description: `Of people at caseness who finished treatment, ${period.label}.`,
        definition: RATE_INDICATORS.recoveryRate.definition,
        standard: RATE_INDICATORS.recoveryRate.standard,
        previous: prev('recovery_rate'),
        comparisonLabel,
        reference: scotland(national.recovery_rate),
      },
      {
        id: 'self-referral-share',
        label: RATE_INDICATORS.selfReferralShare.label,
        value: totals.self_referral_share,
        basis: basisOf('self_referral_share', { now: totals, previous, reference: national }),
        kind: 'percent',
        description: `Of referrals, ${period.label}.`,
        definition: RATE_INDICATORS.selfReferralShare.definition,
        previous: prev('self_referral_share'),
        comparisonLabel,
        reference: scotland(national.self_referral_share),
      },
      {
        id: 'completion-rate',
        label: RATE_INDICATORS.completionRate.label,
        value: totals.completion_rate,
        basis: basisOf('completion_rate', { now: totals, previous, reference: national }),
        kind: 'percent',
        description: `Completed as a share of started, ${period.label}.`,
        definition: RATE_INDICATORS.completionRate.definition,
        previous: prev('completion_rate'),
        comparisonLabel,
        reference: scotland(national.completion_rate),
      },
      {
        id: 'reliable-improvement-rate',
        label: RATE_INDICATORS.reliableImprovementRate.label,
        value: totals.reliable_improvement_rate,
        basis: basisOf('reliable_improvement_rate', { now: totals, previous, reference: national }),
        kind: 'percent',
        description: `Of people who finished treatment with paired scores, ${period.label}.`,
        definition: RATE_INDICATORS.reliableImprovementRate.definition,
        previous: prev('reliable_improvement_rate'),
        comparisonLabel,
        reference: scotland(national.reliable_improvement_rate),
      },
    )
  }
  if (applies.video) {
    tiles.push({
      id: 'video-sessions',
      label: 'Video 1:1 sessions a month',
      value: perMonth(totals.video_sessions, period.months),
      basis: basisOf('video_sessions', { now: totals, previous, reference: national }),
      kind: 'count',
      description: `Sessions, monthly average, ${period.label}.`,
      definition: `${COUNT_SERIES.videoSessions.definition} The period's total divided by its ${period.months} months.`,
      previous: prev('video_sessions', period.months),
      comparisonLabel,
    })
  }
  if (applies.group) {
    tiles.push({
      id: 'group-sessions',
      label: 'Group sessions a month',
      value: perMonth(totals.group_sessions, period.months),
      basis: basisOf('group_sessions', { now: totals, previous, reference: national }),
      kind: 'count',
      description: `Video group sessions hosted, monthly average, ${period.label}.`,
      definition: `${COUNT_SERIES.groupSessions.definition} The period's total divided by its ${period.months} months.`,
      previous: prev('group_sessions', period.months),
      comparisonLabel,
    })
  }
  tiles.push({
    id: 'completeness',
    label: 'Returns complete',
    value: completeness.completeness,
    kind: 'percent',
    description: `${completeness.submitted} of ${completeness.expected} service returns expected, ${period.label}; ${completeness.onTime} on time.`,
    definition: `${OTHER_INDICATORS.completeness.definition} ${OTHER_INDICATORS.timeliness.definition}`,
  })

  const unit = 'months' as const
  const figures: Figure[] = []
  if (applies.therapy) {
    figures.push(
      referralsFigure('board', state, where, series, reporting, unit),
      startedFigure('board', state, where, series, reporting, unit, nationalSeries),
      outcomesFigure('board', state, where, series, reporting, unit, nationalSeries),
    )
  }
  if (applies.video) figures.push(videoFigure('board', state, where, series, reporting, unit))
  if (applies.group) figures.push(groupFigure('board', state, where, series, reporting, unit))
  figures.push(returnsFigure(state, board, returns))

  const { protect, protectTiles } = disclosureControl(state)
  return {
    state,
    board,
    where,
    population: rate.population,
    tiles: protectTiles(tiles),
    figures: figures.map(protect),
    services,
    returns,
    completeness,
  }
}

function returnsFigure(
  state: FilterState,
  board: BoardSummary,
  returns: Awaited<ReturnType<typeof listBoardReturns>>,
): Figure {
  const statusWords: Record<string, string> = {
    missing: 'Not started',
    draft: 'Draft, not submitted',
    submitted: 'Submitted, awaiting approval',
    approved: 'Approved',
  }
  return {
    id: 'board-returns',
    title: 'Monthly returns',
    description: `The status of ${board.name}'s monthly returns, ${state.period.label}, newest first.`,
    columns: [
      { key: 'month', label: 'Month', kind: 'text' },
      { key: 'status', label: 'Status', kind: 'text' },
      { key: 'submitted', label: 'First submitted', kind: 'text' },
      { key: 'on_time', label: 'By the deadline', kind: 'text' },
      { key: 'revised', label: 'Revised after approval', kind: 'text' },
      { key: 'services', label: 'Live services', kind: 'count', unit: 'services', disclosure: 'public' },
    ],
    rows: returns.map((r) => ({
      month: formatMonth(r.month),
      status: statusWords[r.status] ?? r.status,
      submitted: r.firstSubmittedAt ? r.firstSubmittedAt.slice(0, 10) : null,
      on_time: r.onTime === null ? null : r.onTime ? 'Yes' : 'No, late',
      revised: r.revised ? 'Yes' : 'No',
      services: r.services,
    })),
    notes: [],
    definitions: [definitionOf(OTHER_INDICATORS.timeliness)],
    fileName: fileSlug(`returns ${board.name} ${state.period.from} to ${state.period.to}`),
  }
}

// ---------------------------------------------------------------------------------------------
// Every service: /services

export async function getServicesList(request: DashboardRequest) {
  const state = await resolveFilters(request)
  const { period } = state
  const [figures, coverage] = await Promise.all([
    listServiceFigures({ from: period.from, to: period.to, orgUnitId: state.board?.id }),
    listPopulationCoverage({ month: period.to, populationYear: populationYear(period.from, period.to) }),
  ])
  const figureBy = new Map(figures.map((f) => [f.slug, f]))
  const coverageBy = new Map(coverage.map((c) => [c.slug, c]))
  const rows = state.services.map((s) => ({
    ...s,
    figures: figureBy.get(s.slug) ?? null,
    coverage: coverageBy.get(s.slug) ?? null,
  }))
  const where = state.board?.name ?? 'Scotland'
  const statusWords: Record<AvailabilityStatus, string> = {
    live: 'Live',
    pilot: 'Pilot',
    planned: 'Planned',
    withdrawn: 'Withdrawn',
  }
  const figure: Figure = {
    id: 'services-table',
    title: state.board ? `Services in ${state.board.name}` : 'Services',
    description: `Each service's main count in ${where}, ${period.label}, and where it was live in ${formatMonth(period.to)}.`,
    columns: [
      { key: 'service', label: 'Service', kind: 'text' },
      { key: 'delivered', label: 'Delivered', kind: 'text' },
      { key: 'measure', label: 'Main count', kind: 'text' },
      { key: 'total', label: `Total in ${where}`, kind: 'count' },
      { key: 'unit', label: 'Unit', kind: 'text' },
      ...(state.board ? [{ key: 'board_status', label: `Status in ${state.board.name}`, kind: 'text' as const }] : []),
      { key: 'boards_live', label: 'Boards where live', kind: 'text' },
      { key: 'coverage', label: 'Population coverage', kind: 'percent', disclosure: 'public' },
    ],
    rows: rows.map((r) => {
      const status = r.figures?.board
      return {
        service: r.name,
        delivered: r.delivery === 'national' ? 'Nationally' : 'By each board',
        measure: r.figures?.measureLabel ?? null,
        total: r.figures?.total ?? null,
        unit: r.figures?.unit ?? null,
        ...(state.board
          ? {
              board_status: status?.status
                ? `${statusWords[status.status]} ${status.until ? `${formatMonthShort(status.since!)} to ${formatMonthShort(status.until)}` : `since ${formatMonthShort(status.since!)}`}`
                : r.delivery === 'national'
                  ? 'National service'
                  : 'Not offered',
            }
          : {}),
        boards_live: r.coverage
          ? r.delivery === 'national' && r.coverage.boardsLive === r.coverage.boards
            ? 'All (national)'
            : `${r.coverage.boardsLive} of ${r.coverage.boards}`
          : null,
        coverage: r.coverage?.coverage ?? null,
      }
    }),
    notes: [],
    definitions: [definitionOf(OTHER_INDICATORS.populationCoverage)],
    fileName: fileSlug(`services ${period.from} to ${period.to}`),
  }
  return {
    state,
    services: rows.map(({ name, slug }) => ({ name, slug })),
    figure: disclosureControl(state).protect(figure),
  }
}

// ---------------------------------------------------------------------------------------------
// One service: /services/:slug

export async function getServiceDashboard(request: DashboardRequest & { slug: string; measure?: string }) {
  const state = await resolveFilters(request)
  const summary = state.services.find((s) => s.slug === request.slug)
  if (!summary) return null
  const { period } = state
  const months = monthBuckets(period, state.grain)
  const [detail, availability, series, reporting] = await Promise.all([
    getServiceDetail({ serviceId: summary.id }),
    listServiceAvailability({ serviceId: summary.id, month: period.to }),
    getFigureSeries({ scope: { serviceId: summary.id }, months }),
    getReportingByBucket({
      scope: { serviceId: summary.id },
      months,
      unitKind: summary.delivery === 'national' ? 'national' : 'board',
    }),
  ])
  if (!detail) return null
  const measure = detail.measures.find((m) => m.name === request.measure) ?? detail.measures[0] ?? null
  const boardSeries = measure ? await getBoardSeries({ serviceId: summary.id, measure: measure.name, months }) : []

  // The national trend: every measure of the service, with the rates that apply to it.
  const measureColumns: TrendColumn[] = detail.measures.flatMap((m) => {
    const key = countKeyOf(m.name, detail.family)
    return key ? [{ key, label: m.label, kind: 'count' as const, unit: m.unit, value: count(key) }] : []
  })
  const names = new Set(detail.measures.map((m) => m.name))
  const rateColumns: TrendColumn[] = Object.values(RATE_INDICATORS)
    .filter((r) => names.has(r.numerator) && names.has(r.denominator))
    .map((r) => ({
      key: r.id,
      label: r.label,
      kind: 'percent' as const,
      value: count(r.id as keyof FigureSet),
      disclosure: rateOf(r.id as keyof FigureSet),
    }))
  const trend = trendFigure({
    id: 'service-trend',
    title: `${detail.name}: Scotland`,
    description: `What ${detail.name} delivered in Scotland, ${period.label}.`,
    state,
    series,
    reporting,
    reportingUnit: detail.delivery === 'national' ? 'national' : 'boards',
    columns: [...measureColumns, ...rateColumns],
    definitions: [
      ...detail.measures.map((m) => ({ label: m.label, definition: m.description })),
      ...Object.values(RATE_INDICATORS)
        .filter((r) => names.has(r.numerator) && names.has(r.denominator))
        .map(definitionOf),
    ],
  })

  // Small multiples: one measure in every board, sharing one scale.
  const byBoard = new Map<string, Map<string, number | null>>()
  for (const r of boardSeries) {
    if (!byBoard.has(r.code)) byBoard.set(r.code, new Map())
    byBoard.get(r.code)!.set(r.bucket, r.value)
  }
  const unitNames = new Map(state.boards.map((b) => [b.code, b.name]))
  for (const a of availability) unitNames.set(a.code, a.name)
  const max = Math.max(0, ...boardSeries.map((r) => r.value ?? 0))
  const smallMultiples: Figure | null = measure
    ? {
        id: 'service-by-board',
        title: `${measure.label} by board`,
        description: `${measure.label} (${measure.unit}) of ${detail.name} in each board, ${period.label}. Every board's chart uses the same scale.`,
        columns: [
          { key: 'code', label: 'Board code', kind: 'text' },
          { key: 'board', label: 'Board', kind: 'text' },
          ...state.buckets.map((b) => ({ key: b.key, label: b.label, kind: 'count' as const, unit: measure.unit })),
          {
            key: 'total',
            label: 'Total',
            kind: 'count' as const,
            unit: measure.unit,
            disclosure: { sumOf: state.buckets.map((b) => b.key) },
          },
        ],
        rows: [...byBoard.entries()].map(([code, values]) => {
          const row: Record<string, Cell> = { code, board: unitNames.get(code) ?? code }
          let total: number | null = null
          for (const b of state.buckets) {
            const v = values.get(b.key) ?? null
            row[b.key] = v
            if (v !== null) total = (total ?? 0) + v
          }
          row.total = total
          return row
        }),
        notes: boardSeries.some((r) => r.value === null)
          ? ['A dash means the board reported nothing for that period: shown as a gap in its chart, not as zero.']
          : [],
        definitions: [{ label: measure.label, definition: measure.description }],
        fileName: fileSlug(`${detail.slug} ${measure.name} by board ${period.from} to ${period.to}`),
      }
    : null

  const { protect } = disclosureControl(state)
  return {
    state,
    service: detail,
    measure,
    availability,
    trend: protect(trend),
    smallMultiples: protect(smallMultiples),
    scaleMax: max,
  }
}

/** The FigureSet key of a measure's count (video sessions are the video family's sessions). */
function countKeyOf(measure: string, family: string): keyof FigureSet | null {
  for (const series of Object.values(COUNT_SERIES)) {
    if (series.measure !== measure) continue
    if ('family' in series && series.family !== family) continue
    return series.id
  }
  return null
}

// ---------------------------------------------------------------------------------------------
// Coverage: /coverage

/**
 * The coverage page. The availability matrix goes to the page as one compact row per board (at
 * ten times Scotland it has thousands of cells); its figure, with a text cell per pair, is built
 * for the CSV download only.
 */
export async function getCoverage(request: DashboardRequest) {
  const { matrixFigure, matrix, ...page } = await buildCoverage(request)
  const pages = Math.max(1, Math.ceil(matrix.length / MATRIX_PAGE_SIZE))
  const current = Math.min(page.state.filters.page, pages)
  return {
    ...page,
    matrix: matrix.slice((current - 1) * MATRIX_PAGE_SIZE, current * MATRIX_PAGE_SIZE),
    matrixPage: { current, pages, first: (current - 1) * MATRIX_PAGE_SIZE + 1, boards: matrix.length },
    matrixFigure: { ...matrixFigure, rows: [] as Figure['rows'] },
  }
}

/** Boards per page of the availability matrix (Scotland's 14 fit on one). */
export const MATRIX_PAGE_SIZE = 30

async function buildCoverage(request: DashboardRequest) {
  const state = await resolveFilters(request)
  const { period, service } = state
  const popYear = populationYear(period.from, period.to)
  const indicator: MapIndicator = state.filters.indicator
  const [matrix, population, boardFigures, tiles] = await Promise.all([
    getAvailabilityMatrix({ month: period.to }),
    listPopulationCoverage({ month: period.to, populationYear: popYear }),
    listBoardFigures({
      from: period.from,
      to: period.to,
      months: monthRange(period.from, period.to),
      serviceId: service?.id,
      populationYear: popYear,
      deadlineDay: request.deadlineDay,
    }),
    listBoardTiles(),
  ])
  const definition = MAP_INDICATOR_DEFINITIONS[indicator]
  const standard = 'standard' in definition ? definition.standard : undefined
  const tileBy = new Map(tiles.map((t) => [t.code, t]))
  const { protect } = disclosureControl(state)
  // The value of each board, with the counts it is worked out from for disclosure control.
  const basisKeys: Array<keyof BoardFigures> =
    indicator === 'referrals_per_100k'
      ? ['referrals', 'population']
      : RATE_BY_ID.has(indicator)
        ? (countsKeysOf(indicator as keyof FigureSet) as Array<keyof BoardFigures>)
        : []
  const mapValues = protect<Figure>({
    id: 'coverage-map',
    title: `${definition.label} by board`,
    description: `${definition.label} (${definition.unit}) in each board${service ? ` for ${service.name}` : ''}, ${period.label}.`,
    columns: [
      { key: 'code', label: 'Board code', kind: 'text' },
      { key: 'board', label: 'Board', kind: 'text' },
      {
        key: 'value',
        label: definition.label,
        kind: definition.kind,
        unit: definition.kind === 'rate' ? definition.unit : undefined,
        disclosure: basisKeys.length === 2 ? { rateOf: basisKeys as [string, string] } : 'public',
      },
    ],
    rows: boardFigures.map((b) => ({
      code: b.code,
      board: b.name,
      value: b[indicator],
      ...Object.fromEntries(basisKeys.map((k) => [k, b[k] as Cell])),
    })),
    notes: boardFigures.some((b) => b[indicator] === null)
      ? ['A dash means there were no figures to compute it from.']
      : [],
    definitions: [{ label: definition.label, definition: definition.definition }],
    fileName: fileSlug(`${definition.label} by board ${period.from} to ${period.to}`),
  })
  // Whether each board meets the standard, from the value as shown (nothing about a hidden one).
  const mapFigure: Figure =
    standard === undefined
      ? mapValues
      : {
          ...mapValues,
          columns: [
            ...mapValues.columns,
            { key: 'standard', label: `Standard (${Math.round(standard * 100)}%)`, kind: 'text' },
          ],
          rows: mapValues.rows.map((row) => ({
            ...row,
            standard: typeof row.value === 'number' ? (row.value >= standard ? 'Meets' : 'Below') : null,
          })),
        }
  const mapBoards = boardFigures.map((b, i) => {
    const value = mapFigure.rows[i]!.value ?? null
    return {
      code: b.code,
      name: b.name,
      value: typeof value === 'number' ? value : null,
      suppressed: value === SUPPRESSED,
      tile: tileBy.get(b.code) ?? null,
      highlighted: state.board?.code === b.code,
    }
  })
  const month = period.to
  const statusWords: Record<AvailabilityStatus, string> = {
    live: 'Live',
    pilot: 'Pilot',
    planned: 'Planned',
    withdrawn: 'Withdrawn',
  }
  const cellText = (c: (typeof matrix)[number]) =>
    c.status === null
      ? 'Not offered'
      : `${statusWords[c.status]} ${c.until ? `${formatMonthShort(c.since!)} to ${formatMonthShort(c.until)}` : `since ${formatMonthShort(c.since!)}`}`

  const serviceOrder = state.services
  const matrixFigure: Figure = {
    id: 'coverage-matrix',
    title: 'Where each service is available',
    description: `The status of every service in every board in ${formatMonth(month)}, with the dates of that status.`,
    columns: [
      { key: 'board', label: 'Board', kind: 'text' },
      ...serviceOrder.map((s) => ({ key: s.slug, label: s.name, kind: 'text' as const })),
    ],
    rows: state.boards.map((b) => {
      const row: Record<string, Cell> = { board: b.name }
      for (const c of matrix.filter((m) => m.boardCode === b.code)) {
        const national = serviceOrder.find((s) => s.slug === c.serviceSlug)?.delivery === 'national'
        row[c.serviceSlug] = c.status === null && national ? 'National service' : cellText(c)
      }
      return row
    }),
    notes: [],
    definitions: [
      { label: 'Live', definition: 'The service takes referrals and its figures are expected in the monthly return.' },
      {
        label: 'Pilot',
        definition:
          'A limited trial: figures may be returned but are not expected, and it does not count towards coverage.',
      },
      { label: 'Planned', definition: 'Agreed but not yet available.' },
      { label: 'Withdrawn', definition: 'Was available and has stopped, for the dates shown.' },
    ],
    fileName: fileSlug(`service availability ${month}`),
  }
  const populationFigure: Figure = {
    id: 'coverage-population',
    title: 'Population coverage by service',
    description: `The share of Scotland's population living in boards where each service was live in ${formatMonth(month)}.`,
    columns: [
      { key: 'service', label: 'Service', kind: 'text' },
      { key: 'coverage', label: 'Population coverage', kind: 'percent', disclosure: 'public' },
      { key: 'covered', label: 'Population covered', kind: 'count', unit: 'people', disclosure: 'public' },
      { key: 'boards', label: 'Boards where live', kind: 'text' },
    ],
    rows: population.map((p) => ({
      service: p.name,
      coverage: p.coverage,
      covered: p.coveredPopulation,
      boards:
        p.delivery === 'national' && p.boardsLive === p.boards
          ? 'All (national service)'
          : `${p.boardsLive} of ${p.boards}`,
    })),
    notes: [],
    definitions: [definitionOf(OTHER_INDICATORS.populationCoverage)],
    fileName: fileSlug(`population coverage ${month}`),
  }
  return {
    state,
    month,
    indicator,
    definition,
    matrix: compactMatrix(state, matrix),
    matrixFigure,
    populationFigure,
    mapFigure,
    mapBoards,
  }
}

/** One row per board, one cell per service in the catalogue's order: [status, since, until] or null. */
function compactMatrix(state: FilterState, matrix: Awaited<ReturnType<typeof getAvailabilityMatrix>>) {
  const cells = new Map(matrix.map((c) => [`${c.boardCode}:${c.serviceSlug}`, c]))
  return state.boards.map((b) => ({
    code: b.code,
    name: b.name,
    cells: state.services.map((s) => {
      const c = cells.get(`${b.code}:${s.slug}`)
      return c?.status ? ([c.status, c.since, c.until] as [AvailabilityStatus, string | null, string | null]) : null
    }),
  }))
}

// ---------------------------------------------------------------------------------------------
// CSV downloads: any figure of any page, by its id

/**
 * The figure `id` of the page it belongs to, built from the same query string (which names the
 * board or service of a board's or service's page), with the period it covers; null if none.
 */
export async function getFigureForDownload(
  request: DashboardRequest & { id: string },
): Promise<{ figure: Figure; period: string } | null> {
  const figure = await findFigure(request)
  if (!figure) return null
  const state = await resolveFilters(request)
  return { figure, period: state.period.label }
}

async function findFigure(request: DashboardRequest & { id: string }): Promise<Figure | null> {
  const { id } = request
  if (id.startsWith('overview-')) {
    return (await getOverview(withoutParam(request, 'board'))).figures.find((f) => f.id === id) ?? null
  }
  if (id === 'boards-table') return (await getBoardsTable(request)).figure
  if (id.startsWith('board-')) {
    const code = request.search.get('board')
    if (!code) return null
    const page = await getBoardDashboard({ ...withoutParam(request, 'board'), code })
    return page?.figures.find((f) => f.id === id) ?? null
  }
  if (id === 'services-table') return (await getServicesList(request)).figure
  if (id === 'service-trend' || id === 'service-by-board') {
    const slug = request.search.get('service')
    if (!slug) return null
    const page = await getServiceDashboard({
      ...withoutParam(request, 'service'),
      slug,
      measure: request.search.get('measure') ?? undefined,
    })
    if (!page) return null
    return id === 'service-trend' ? page.trend : page.smallMultiples
  }
  if (id.startsWith('coverage-')) {
    const page = await buildCoverage(request)
    return [page.matrixFigure, page.populationFigure, page.mapFigure].find((f) => f.id === id) ?? null
  }
  return null
}

function withoutParam<T extends DashboardRequest>(request: T, key: string): T {
  const search = new URLSearchParams(request.search)
  search.delete(key)
  return { ...request, search }
}
