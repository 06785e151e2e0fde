// The figures behind /api/v1: the activity export (figures as at a moment, with qualifiers and
// disclosure control), and the boards, services and coverage lists.
//
// The activity export reads one financial year at a time (keyset paging on the year: every page
// is one bounded query, on PGlite and PostgreSQL alike, served by the return_values_history
// index), so memory stays flat however long the period, and the embedded database is never held
// by one long query while a slow client downloads. The next year's query is sent while this
// year's rows are written, so on PostgreSQL the reading overlaps the writing.
import crypto from 'node:crypto'
import { sql, type SQL } from 'drizzle-orm'
import { type ActivityRequest, type ParameterProblem } from '#app/api/parameters.ts'
import {
  type BlockUnit,
  buildServiceBlock,
  type MonthFigure,
  type Qualifier,
  type ServiceBlock,
  type SuppressionPattern,
} from '#app/disclosure/activity-table.ts'
import { withRelatedMeasures } from '#app/disclosure/measure-relations.ts'
import { patternJob } from '#app/disclosure/pattern-job.ts'
import { addMonths, monthIndex, monthRange, toMonthDate } from '#app/utils/dates.ts'
import { processCache } from '#app/utils/cache.server.ts'
import { onWorkThread } from '#app/utils/threads.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { countCacheLookup } from '#app/utils/metrics.server.ts'
import { RATE_INDICATORS, type RateIndicator } from '#app/statistics/indicators.ts'
import { type Grain, type Period, periodsBetween, periodStart } from '#app/domain/periods.ts'
import { type Executor, isTransaction, queryRows } from '#db/client.ts'
import { keptWhileReferenceUnchanged } from './data-version.server.ts'
import { listOrgUnitAliases, listOrgUnits } from './org-units.server.ts'
import type { OrgUnitKind } from './org-units.server.ts'
import type { ServiceDelivery } from './catalogue.server.ts'
import type { AvailabilityStatus } from '#app/domain/labels.ts'

/** One row of the long layout: exactly the columns DESIGN.md names, in its order. */
export interface ActivityRow {
  period: string
  financial_year: string
  board_code: string
  board_name: string
  service: string
  measure: string
  value: number | null
  qualifier: Qualifier | null
}

export const LONG_COLUMNS = [
  'period',
  'financial_year',
  'board_code',
  'board_name',
  'service',
  'measure',
  'value',
  'qualifier',
] as const satisfies readonly (keyof ActivityRow)[]

export interface OrgUnitRef {
  id: number
  code: string
  name: string
  kind: OrgUnitKind
}

export interface MeasureRef {
  id: number
  name: string
  label: string
  unit: string
  description: string
}

export interface ServiceRef {
  id: number
  slug: string
  name: string
  family: string
  delivery: ServiceDelivery
  description: string
  /** Names of the measures that apply, in catalogue order. */
  measures: string[]
}

interface AvailabilityRef {
  orgUnitId: number
  serviceId: number
  status: AvailabilityStatus
  liveFrom: string
  liveTo: string | null
}

/** The reference data an export needs: small, read once per request. */
export interface ExportReference {
  units: OrgUnitRef[]
  /** Superseded codes, to the unit that replaced them. */
  aliases: Map<string, { unitId: number; note: string }>
  services: ServiceRef[]
  measures: MeasureRef[]
  availability: AvailabilityRef[]
}

/** The reference data, kept while it stays the same: a request costs one small query rather than six. */
export function loadExportReference(db: Executor = getDb()): Promise<ExportReference> {
  return keptWhileReferenceUnchanged('export-reference', db, readExportReference)
}

async function readExportReference(db: Executor): Promise<ExportReference> {
  const [units, aliases, services, measures, serviceMeasures, availability] = await Promise.all([
    listOrgUnits(db),
    listOrgUnitAliases(db),
    queryRows<{
      id: number
      slug: string
      name: string
      family: string
      delivery: ServiceDelivery
      description: string
    }>(
      db,
      sql`select id, slug, name, family, delivery::text as delivery, description from services order by sort_order, slug`,
    ),
    queryRows<{ id: number; name: string; label: string; unit: string; description: string }>(
      db,
      sql`select id, name, label, unit, description from measures order by sort_order, name`,
    ),
    queryRows<{ service_id: number; measure_id: number }>(db, sql`select service_id, measure_id from service_measures`),
    queryRows<{
      org_unit_id: number
      service_id: number
      status: AvailabilityRef['status']
      live_from: string
      live_to: string | null
    }>(
      db,
      sql`select org_unit_id, service_id, status::text as status, to_char(live_from, 'YYYY-MM') as live_from,
            to_char(live_to, 'YYYY-MM') as live_to
          from service_availability order by org_unit_id, service_id, live_from`,
    ),
  ])
  const measureOrder = new Map(measures.map((m, i) => [Number(m.id), i]))
  const measureName = new Map(measures.map((m) => [Number(m.id), m.name]))
  return {
    units: units.map((u) => ({ ...u, id: Number(u.id) })),
    aliases: new Map(aliases.map((a) => [a.code, { unitId: Number(a.orgUnitId), note: a.note }])),
    services: services.map((s) => ({
      ...s,
      id: Number(s.id),
      measures: serviceMeasures
        .filter((sm) => Number(sm.service_id) === Number(s.id))
        .map((sm) => Number(sm.measure_id))
        .sort((a, b) => measureOrder.get(a)! - measureOrder.get(b)!)
        .map((id) => measureName.get(id)!),
    })),
    measures: measures.map((m) => ({ ...m, id: Number(m.id) })),
    availability: availability.map((a) => ({
      orgUnitId: Number(a.org_unit_id),
      serviceId: Number(a.service_id),
      status: a.status,
      liveFrom: a.live_from,
      liveTo: a.live_to,
    })),
  }
}

/** Indicators the exports can carry, by the name used in `measure=`. */
export const EXPORT_INDICATORS: ReadonlyMap<string, RateIndicator> = new Map(
  Object.values(RATE_INDICATORS).map((indicator) => [indicator.id, indicator]),
)

/** What an activity request resolves to against the reference data. */
export interface ActivityFilters {
  /** Units asked for (boards and Scotland); null for the default (all). */
  unitIds: number[] | null
  services: ServiceRef[]
  measures: MeasureRef[]
  indicators: RateIndicator[]
  /** Notes for the metadata, e.g. a superseded code that was recoded. */
  notes: string[]
}

/** Board codes, slugs and names of an activity request checked against the reference data. */
export function resolveActivityFilters(
  request: Pick<ActivityRequest, 'boards' | 'services' | 'measures'>,
  reference: ExportReference,
): { ok: true; filters: ActivityFilters } | { ok: false; problems: ParameterProblem[] } {
  const problems: ParameterProblem[] = []
  const notes: string[] = []
  let unitIds: number[] | null = null
  if (request.boards) {
    unitIds = []
    for (const code of request.boards) {
      const unit = reference.units.find((u) => u.code === code)
      const alias = reference.aliases.get(code)
      if (unit) unitIds.push(unit.id)
      else if (alias) {
        unitIds.push(alias.unitId)
        notes.push(
          `Board code ${code} was recoded to ${reference.units.find((u) => u.id === alias.unitId)?.code}: ${alias.note}.`,
        )
      } else problems.push({ parameter: 'board', message: `${code} is not a board code (see /api/v1/boards)` })
    }
    unitIds = [...new Set(unitIds)]
  }
  let services = reference.services
  if (request.services) {
    services = []
    for (const slug of request.services) {
      const service = reference.services.find((s) => s.slug === slug)
      if (service) services.push(service)
      else problems.push({ parameter: 'service', message: `${slug} is not a service (see /api/v1/services)` })
    }
    // Catalogue order, whatever the order asked for.
    services = reference.services.filter((s) => services.includes(s))
  }
  const applicable = new Set(services.flatMap((s) => s.measures))
  let measures = reference.measures.filter((m) => applicable.has(m.name))
  let indicators: RateIndicator[] = []
  if (request.measures) {
    for (const name of request.measures) {
      const indicator = EXPORT_INDICATORS.get(name)
      const measure = reference.measures.find((m) => m.name === name)
      if (!measure && !indicator) {
        problems.push({ parameter: 'measure', message: `${name} is not a measure or indicator (see /api/v1/services)` })
      } else if (measure && !applicable.has(name)) {
        problems.push({ parameter: 'measure', message: `${name} does not apply to any of the services asked for` })
      } else if (indicator && !(applicable.has(indicator.numerator) && services.some((s) => appliesTo(indicator, s)))) {
        problems.push({ parameter: 'measure', message: `${name} does not apply to any of the services asked for` })
      }
    }
    measures = reference.measures.filter((m) => request.measures!.includes(m.name) && applicable.has(m.name))
    indicators = [...EXPORT_INDICATORS.values()].filter((i) => request.measures!.includes(i.id))
  }
  if (problems.length) return { ok: false, problems }
  return { ok: true, filters: { unitIds, services, measures, indicators, notes } }
}

function appliesTo(indicator: RateIndicator, service: ServiceRef) {
  return service.measures.includes(indicator.numerator) && service.measures.includes(indicator.denominator)
}

export interface ReadActivityOptions {
  from: string
  to: string
  grain: Grain
  /** The moment whose figures are read. */
  asAt: Date
  /** Disclosure control, or null for unsuppressed figures. */
  sdc: { threshold: number } | null
  filters: ActivityFilters
  /**
   * The units the caller may export (`exportableOrgUnitIds`): null for all. No row of another
   * unit ever leaves this function, whatever the filters say.
   */
  visibleOrgUnitIds: readonly number[] | null
  reference: ExportReference
}

/**
 * The rows of an activity export in the long layout, one financial year per batch, in the order
 * period, service, board (by name, Scotland last), measure, indicator.
 */
export async function* readActivity(
  options: ReadActivityOptions,
  db: Executor = getDb(),
): AsyncGenerator<ActivityRow[]> {
  const { reference, filters } = options
  const national = reference.units.find((u) => u.kind === 'national') ?? null
  const boards = reference.units.filter((u) => u.kind === 'board')
  const visible = options.visibleOrgUnitIds ? new Set(options.visibleOrgUnitIds) : null
  const output = new Set(
    reference.units
      .filter((u) => (filters.unitIds ? filters.unitIds.includes(u.id) : true))
      .filter((u) => (visible ? visible.has(u.id) : true))
      .map((u) => u.id),
  )
  if (output.size === 0 || filters.services.length === 0) return

  // Disclosure control needs every unit, so that the suppression pattern never depends on who
  // asks or for which boards; the rows that leave are still only the caller's.
  const totalWanted = national !== null && output.has(national.id)
  const readIds = options.sdc
    ? reference.units.map((u) => u.id)
    : [...new Set([...output, ...(totalWanted ? boards.map((b) => b.id) : [])])]
  const wantedNames = [
    ...filters.measures.map((m) => m.name),
    ...filters.indicators.flatMap((i) => [i.numerator, i.denominator]),
  ]
  // Disclosure control protects related measures together (a part and its whole), so it reads
  // them all, whichever were asked for: the pattern never depends on the measures chosen.
  const measureNames = options.sdc
    ? withRelatedMeasures(wantedNames, [...new Set(filters.services.flatMap((s) => s.measures))])
    : new Set(wantedNames)
  const measureIds = reference.measures.filter((m) => measureNames.has(m.name)).map((m) => m.id)
  if (measureIds.length === 0) return

  const servicesOf = filters.services.map((service) => ({
    service,
    units: service.delivery === 'board' ? boards : national ? [national] : [],
    total: service.delivery === 'board' && national && (options.sdc || totalWanted) ? national : null,
    measures: reference.measures.filter((m) => measureNames.has(m.name) && service.measures.includes(m.name)),
  }))
  // What each service writes: its units in order (the total last) that the caller may see, and
  // the measures and rates asked for that apply to it.
  const outputOf = servicesOf.map(({ service, units, total }) => ({
    service,
    units: (total ? [...units, total] : units).filter((unit) => output.has(unit.id)),
    wanted: filters.measures.filter((m) => service.measures.includes(m.name)).map((m) => m.name),
    rates: filters.indicators.filter((indicator) => appliesTo(indicator, service)),
  }))

  const years: string[] = []
  for (
    let yearStart = periodStart(options.from, 'fy');
    monthIndex(yearStart) <= monthIndex(options.to);
    yearStart = addMonths(yearStart, 12)
  ) {
    years.push(yearStart)
  }
  // Years are read together, as many as keep a read within YEARS_READ_FIGURES figures: a
  // request for a few figures over many years is one round trip, a full export one year each.
  const figuresAYear = readIds.length * 12 * servicesOf.reduce((n, entry) => n + entry.measures.length, 0)
  const perRead = Math.max(1, Math.floor(YEARS_READ_FIGURES / figuresAYear))
  const reads: string[][] = []
  for (let i = 0; i < years.length; i += perRead) reads.push(years.slice(i, i + perRead))
  const blocksOf = (yearStarts: string[]) =>
    yearsBlocks(db, {
      yearStarts,
      asAt: options.asAt,
      unitIds: readIds,
      services: servicesOf,
      availability: reference.availability,
      sdc: options.sdc,
    })
  // The next read is sent while this one is written: the database works on it meanwhile, and
  // at most two are held at once, so memory stays flat. Inside a transaction (one connection)
  // the reads go one after another.
  const ahead = !isTransaction(db)
  let next: Promise<Map<string, Map<number, ServiceBlock>>> | null = null
  try {
    for (const [i, yearStarts] of reads.entries()) {
      const read = await (next ?? blocksOf(yearStarts))
      next = ahead && i + 1 < reads.length ? blocksOf(reads[i + 1]!) : null
      // Settled here if it fails while this read is written; awaited (and thrown) at its turn.
      next?.catch(() => {})
      for (const [yearStart, blocks] of read) {
        const yearEnd = addMonths(yearStart, 11)
        const first = monthIndex(options.from) > monthIndex(yearStart) ? options.from : yearStart
        const last = monthIndex(options.to) < monthIndex(yearEnd) ? options.to : yearEnd
        const rows: ActivityRow[] = []
        for (const period of periodsBetween(first, last, options.grain)) {
          for (const { service, units, wanted, rates } of outputOf) {
            const block = blocks.get(service.id)!
            for (const unit of units) {
              for (const measure of wanted) {
                const cell = block.figure(measure, unit.id, period)
                if (cell) rows.push(activityRow(period, unit, service.slug, measure, cell))
              }
              for (const indicator of rates) {
                const cell = block.rate(indicator.numerator, indicator.denominator, unit.id, period)
                if (cell) rows.push(activityRow(period, unit, service.slug, indicator.id, cell))
              }
            }
          }
        }
        if (rows.length) yield rows
      }
    }
  } finally {
    next?.catch(() => {})
  }
}

/** The figures one read of an export may cover (a year is read whole, however many it has). */
const YEARS_READ_FIGURES = 20_000

/** One row, every field set in one order, so that every row has the same shape. */
function activityRow(
  period: Period,
  unit: BlockUnit,
  service: string,
  measure: string,
  cell: { value: number | null; qualifier: Qualifier | null },
): ActivityRow {
  return {
    period: period.key,
    financial_year: period.financialYear,
    board_code: unit.code,
    board_name: unit.name,
    service,
    measure,
    value: cell.value,
    qualifier: cell.qualifier,
  }
}

/**
 * The suppression patterns kept, bounded by the bytes they take rather than by their number: a
 * pattern's size follows the figures of its service and year (four bytes a suppressed cell), so
 * a count would bound nothing at ten times the boards.
 */
export const PATTERN_CACHE_BYTES = 16 * 1024 * 1024
export const patternCache = () =>
  processCache<SuppressionPattern>('suppression-patterns', {
    maxBytes: PATTERN_CACHE_BYTES,
    sizeOf: (pattern) => pattern.byteLength,
  })

/** Patterns being worked out: a request that needs one of them meanwhile waits for it. */
const patternsInProgress = new Map<string, Promise<SuppressionPattern>>()

export interface ServiceInYear {
  service: ServiceRef
  units: BlockUnit[]
  total: BlockUnit | null
  measures: MeasureRef[]
}

/**
 * The blocks (figures with disclosure control applied) of each service in one financial year.
 * Working out the suppression pattern is the costly part of an export, so each pattern is kept,
 * keyed by a digest of everything it was worked out from (the figures themselves, the units, the
 * measures, the coverage and the threshold), and applied again whenever exactly those come back:
 * a save changes the digest of its own service and year only, and a pattern is never applied to
 * figures other than its own.
 */
export async function yearBlocks(
  db: Executor,
  query: {
    yearStart: string
    asAt: Date
    unitIds: number[]
    services: ServiceInYear[]
    availability: readonly AvailabilityRef[]
    sdc: { threshold: number } | null
  },
): Promise<Map<number, ServiceBlock>> {
  const { yearStart, ...rest } = query
  return (await yearsBlocks(db, { ...rest, yearStarts: [yearStart] })).get(yearStart)!
}

/**
 * The blocks of several financial years, read in one query (one round trip rather than one a
 * year), by year start, then by service.
 */
export async function yearsBlocks(
  db: Executor,
  query: {
    /** Consecutive financial years, in order. */
    yearStarts: readonly string[]
    asAt: Date
    unitIds: number[]
    services: ServiceInYear[]
    availability: readonly AvailabilityRef[]
    sdc: { threshold: number } | null
  },
): Promise<Map<string, Map<number, ServiceBlock>>> {
  const figures = await readYearFigures(db, {
    yearStart: query.yearStarts[0]!,
    yearEnd: addMonths(query.yearStarts.at(-1)!, 11),
    asAt: query.asAt,
    unitIds: query.unitIds,
    serviceIds: query.services.map((entry) => entry.service.id),
    measureIds: [...new Set(query.services.flatMap((entry) => entry.measures.map((m) => m.id)))],
  })
  const years = await Promise.all(
    query.yearStarts.map(async (yearStart) => {
      const yearEnd = addMonths(yearStart, 11)
      const inYear = (figure: MonthFigure) => figure.month >= yearStart && figure.month <= yearEnd
      const ofYear = new Map([...figures].map(([serviceId, list]) => [serviceId, list.filter(inYear)]))
      return [yearStart, await blocksOfYear(yearStart, ofYear, query)] as const
    }),
  )
  return new Map(years)
}

/** The blocks of each service in one financial year, from its figures. */
async function blocksOfYear(
  yearStart: string,
  figures: Map<number, MonthFigure[]>,
  query: { services: ServiceInYear[]; availability: readonly AvailabilityRef[]; sdc: { threshold: number } | null },
): Promise<Map<number, ServiceBlock>> {
  const cache = patternCache()
  const { sdc } = query
  // The services' patterns are worked out side by side when there are threads for them.
  const built = await Promise.all(
    query.services.map(async ({ service, units, total, measures }) => {
      const input = {
        yearStart,
        units,
        total,
        measures,
        figures: figures.get(service.id) ?? [],
        expected: expectedIn(query.availability, service.id),
      }
      if (!sdc) return [service.id, buildServiceBlock({ ...input, sdc })] as const
      const key = patternKey(
        [
          yearStart,
          sdc.threshold,
          units,
          total,
          measures.map((m) => [m.id, m.name]),
          query.availability.filter((a) => a.serviceId === service.id),
        ],
        input.figures,
      )
      let pattern = cache.get(key)
      const working = pattern ? undefined : patternsInProgress.get(key)
      // Waiting for a pattern another request is working out counts as a hit: it is worked out once.
      countCacheLookup('suppression-pattern', pattern !== undefined || working !== undefined)
      if (working) pattern = await working
      else if (!pattern) {
        const started = onWorkThread('workOutPattern', patternJob({ ...input, sdc })).finally(() =>
          patternsInProgress.delete(key),
        )
        patternsInProgress.set(key, started)
        pattern = await started
        cache.set(key, pattern)
      }
      return [service.id, buildServiceBlock({ ...input, sdc, pattern })] as const
    }),
  )
  return new Map<number, ServiceBlock>(built)
}

export function digestOf(value: unknown) {
  return crypto.createHash('sha256').update(JSON.stringify(value)).digest('base64')
}

/**
 * The digest of what a pattern is worked out from: the small things as JSON, and the figures
 * (unit, measure, month and value of each) as numbers, in the order readYearFigures gives them
 * (by unit, measure and month), so nothing is sorted or turned into text.
 */
function patternKey(context: unknown, figures: readonly MonthFigure[]) {
  const numbers = new Float64Array(figures.length * 4)
  let i = 0
  for (const figure of figures) {
    numbers[i++] = figure.unitId
    numbers[i++] = figure.measureId
    numbers[i++] = Number(figure.month.slice(0, 4)) * 12 + Number(figure.month.slice(5, 7))
    // A blank figure (null) is not any number a figure can be.
    numbers[i++] = figure.value === null ? NaN : figure.value
  }
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(context))
    .update(new Uint8Array(numbers.buffer))
    .digest('base64')
}

export function expectedIn(availability: readonly AvailabilityRef[], serviceId: number) {
  const periods = availability.filter((a) => a.serviceId === serviceId && (a.status === 'live' || a.status === 'pilot'))
  return (unitId: number, month: string) =>
    periods.some((a) => a.orgUnitId === unitId && a.liveFrom <= month && (a.liveTo === null || month <= a.liveTo))
}

function idList(ids: readonly number[]): SQL {
  return sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )
}

/**
 * The month figures of one financial year as the system held them at `asAt`: versions valid at
 * that moment, of returns first submitted by then, with the return's status at that moment (from
 * its events) and whether the figure differs from the version current when the return was first
 * approved. Grouped by service.
 */
export async function readYearFigures(db: Executor, query: YearQuery): Promise<Map<number, MonthFigure[]>> {
  return readYearVersions(db, query, 'return_values')
}

/** The breakdown figures of one financial year as at `asAt`, like readYearFigures, with their category ids. */
export async function readYearBreakdowns(
  db: Executor,
  query: YearQuery,
): Promise<Map<number, Array<MonthFigure & { categoryId: number }>>> {
  return readYearVersions(db, query, 'breakdown_values')
}

interface YearQuery {
  yearStart: string
  yearEnd: string
  asAt: Date
  unitIds: number[]
  serviceIds: number[]
  measureIds: number[]
}

async function readYearVersions(
  db: Executor,
  query: YearQuery,
  table: 'return_values' | 'breakdown_values',
): Promise<Map<number, Array<MonthFigure & { categoryId: number }>>> {
  const asAt = sql`${query.asAt.toISOString()}::timestamptz`
  const first = sql`${toMonthDate(query.yearStart)}::date`
  const last = sql`${toMonthDate(query.yearEnd)}::date`
  const category = table === 'breakdown_values' ? sql`v.category_id` : sql`0`
  // Few columns, numbers only: the month as its place in the period, and what the figure's
  // versions and its return's events say as bits (FLAG_*), so there is little to decode a row.
  // The statuses are aggregated once (materialized): left to the planner without statistics,
  // as just after a bulk load, they were aggregated again for every figure.
  const months = monthRange(query.yearStart, query.yearEnd)
  const rows = await queryRows<{
    org_unit_id: number
    service_id: number
    measure_id: number
    category_id: number
    m: number
    value: number | null
    flags: number
  }>(
    db,
    sql`
      with status as materialized (
        select e.org_unit_id, e.month,
          (array_agg(e.action::text order by e.at desc, e.id desc))[1] as last_action,
          min(e.at) filter (where e.action = 'approved') as first_approved_at
        from return_events e
        where e.org_unit_id in (${idList(query.unitIds)}) and e.month between ${first} and ${last} and e.at <= ${asAt}
        group by e.org_unit_id, e.month
      )
      select v.org_unit_id, v.service_id, v.measure_id, ${category} as category_id,
        ((extract(year from v.month)::int - ${sql.raw(String(Number(query.yearStart.slice(0, 4))))}) * 12
          + extract(month from v.month)::int - ${sql.raw(String(Number(query.yearStart.slice(5, 7))))}) as m,
        v.value,
        (case when v.valid_to is null or v.valid_to > ${asAt} then ${sql.raw(String(FLAG_CURRENT))} else 0 end
          + case when coalesce(v.valid_from <= s.first_approved_at
              and (v.valid_to is null or v.valid_to > s.first_approved_at), false)
            then ${sql.raw(String(FLAG_AT_FIRST_APPROVAL))} else 0 end
          + case when s.last_action = 'approved' then ${sql.raw(String(FLAG_APPROVED_NOW))} else 0 end
          + case when s.first_approved_at is not null then ${sql.raw(String(FLAG_APPROVED_ONCE))} else 0 end) as flags
      from ${sql.identifier(table)} v
      join returns r on r.org_unit_id = v.org_unit_id and r.month = v.month
      left join status s on s.org_unit_id = v.org_unit_id and s.month = v.month
      where v.org_unit_id in (${idList(query.unitIds)})
        and v.month between ${first} and ${last}
        and v.service_id in (${idList(query.serviceIds)})
        and v.measure_id in (${idList(query.measureIds)})
        and r.first_submitted_at <= ${asAt}
        and v.valid_from <= ${asAt}
        and ((v.valid_to is null or v.valid_to > ${asAt})
          or (s.first_approved_at is not null and v.valid_from <= s.first_approved_at
            and (v.valid_to is null or v.valid_to > s.first_approved_at)))`,
  )
  // By service, unit, measure, category and month, so that the versions of one figure come
  // together (the current one and the one current at first approval, which may be the same row)
  // and each service's figures are in one order, whatever order the database returned. Sorted
  // here rather than by the query: an ORDER BY can turn the planner to a far slower plan.
  rows.sort(
    (a, b) =>
      a.service_id - b.service_id ||
      a.org_unit_id - b.org_unit_id ||
      a.measure_id - b.measure_id ||
      a.category_id - b.category_id ||
      a.m - b.m,
  )
  const byService = new Map<number, Array<MonthFigure & { categoryId: number }>>()
  let list: Array<MonthFigure & { categoryId: number }> = []
  let serviceId = NaN
  for (let i = 0; i < rows.length;) {
    const row = rows[i]!
    let current: number | null | undefined = undefined
    let approved: number | null | undefined = undefined
    let j = i
    for (; j < rows.length; j++) {
      const version = rows[j]!
      if (
        j > i &&
        (version.service_id !== row.service_id ||
          version.org_unit_id !== row.org_unit_id ||
          version.measure_id !== row.measure_id ||
          version.category_id !== row.category_id ||
          version.m !== row.m)
      ) {
        break
      }
      const value = version.value === null ? null : Number(version.value)
      if (version.flags & FLAG_CURRENT) current = value
      if (version.flags & FLAG_AT_FIRST_APPROVAL) approved = value
    }
    i = j
    // A figure with no version at the moment read (only one from first approval) is not there.
    if (current === undefined) continue
    if (Number(row.service_id) !== serviceId) {
      serviceId = Number(row.service_id)
      list = byService.get(serviceId) ?? []
      byService.set(serviceId, list)
    }
    // The return's state is the same for every version of the figure.
    const approvedOnce = (row.flags & FLAG_APPROVED_ONCE) !== 0
    list.push({
      unitId: Number(row.org_unit_id),
      measureId: Number(row.measure_id),
      categoryId: Number(row.category_id),
      month: months[row.m]!,
      value: current,
      provisional: (row.flags & FLAG_APPROVED_NOW) === 0,
      revised: approvedOnce && (approved === undefined || approved !== current),
    })
  }
  return byService
}

/** The version is the one valid at the moment read. */
const FLAG_CURRENT = 1
/** The version was the one valid when the return was first approved. */
const FLAG_AT_FIRST_APPROVAL = 2
/** The return's last event at the moment read is its approval (otherwise the figure is provisional). */
const FLAG_APPROVED_NOW = 4
/** The return had been approved at least once by the moment read. */
const FLAG_APPROVED_ONCE = 8

export interface ReturnNotReceived {
  board_code: string
  board_name: string
  month: string
}

/**
 * The returns an export is waiting for: board-months in the period where a chosen service was
 * live (or in pilot) but the board had not submitted its return by `asAt`. Why a month is ":",
 * and why a quarter, year or Scotland figure is not available, in one list for the metadata.
 */
export async function listReturnsNotReceived(
  query: { from: string; to: string; asAt: Date; unitIds: readonly number[]; serviceIds: readonly number[] },
  db: Executor = getDb(),
): Promise<ReturnNotReceived[]> {
  if (query.unitIds.length === 0 || query.serviceIds.length === 0) return []
  const rows = await queryRows<{ board_code: string; board_name: string; month: string }>(
    db,
    sql`
      select o.code as board_code, o.name as board_name, to_char(m.month, 'YYYY-MM') as month
      from org_units o
      cross join lateral (
        select generate_series(${toMonthDate(query.from)}::date, ${toMonthDate(query.to)}::date, interval '1 month')::date as month
      ) m
      where o.id in (${idList(query.unitIds)})
        and exists (
          select 1 from service_availability a
          where a.org_unit_id = o.id and a.service_id in (${idList(query.serviceIds)}) and a.status in ('live', 'pilot')
            and a.live_from <= m.month and (a.live_to is null or a.live_to >= m.month))
        and not exists (
          select 1 from returns r
          where r.org_unit_id = o.id and r.month = m.month and r.first_submitted_at <= ${query.asAt.toISOString()}::timestamptz)
      order by m.month, o.name`,
  )
  return rows
}
