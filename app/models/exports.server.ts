// The figures behind /api/v1: the activity export (figures as at a moment, with qualifiers and
// disclosure control), and the boards, services and coverage lists.
//
// The activity export reads one financial year at a time (keyset paging on the year: every page
// is one bounded query, on PGlite and PostgreSQL alike, served by the return_values_history
// index), so memory stays flat however long the period, and the embedded database is never held
// by one long query while a slow client downloads.
import { sql, type SQL } from 'drizzle-orm'
import { type ActivityRequest, type ParameterProblem } from '#app/api/parameters.ts'
import {
  type BlockUnit,
  buildServiceBlock,
  type MonthFigure,
  type Qualifier,
  type ServiceBlock,
} from '#app/disclosure/activity-table.ts'
import { withRelatedMeasures } from '#app/disclosure/measure-relations.ts'
import { addMonths, latestDueMonth, monthIndex, toMonthDate } from '#app/utils/dates.ts'
import { getDb } from '#app/utils/db.server.ts'
import { RATE_INDICATORS, type RateIndicator } from '#app/statistics/indicators.ts'
import { type Grain, type Period, periodsBetween, periodStart } from '#app/domain/periods.ts'
import { type Executor, queryRows } from '#db/client.ts'

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
  kind: 'board' | 'national'
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
  delivery: 'board' | 'national'
  description: string
  /** Names of the measures that apply, in catalogue order. */
  measures: string[]
}

interface AvailabilityRef {
  orgUnitId: number
  serviceId: number
  status: 'live' | 'pilot' | 'planned' | 'withdrawn'
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

export async function loadExportReference(db: Executor = getDb()): Promise<ExportReference> {
  const [units, aliases, services, measures, serviceMeasures, availability] = await Promise.all([
    queryRows<{ id: number; code: string; name: string; kind: 'board' | 'national' }>(
      db,
      sql`select id, code, name, kind::text as kind from org_units order by name, code`,
    ),
    queryRows<{ code: string; org_unit_id: number; note: string }>(
      db,
      sql`select code, org_unit_id, note from org_unit_aliases`,
    ),
    queryRows<{
      id: number
      slug: string
      name: string
      family: string
      delivery: 'board' | 'national'
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
    aliases: new Map(aliases.map((a) => [a.code, { unitId: Number(a.org_unit_id), note: a.note }])),
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

  for (
    let yearStart = periodStart(options.from, 'fy');
    monthIndex(yearStart) <= monthIndex(options.to);
    yearStart = addMonths(yearStart, 12)
  ) {
    const yearEnd = addMonths(yearStart, 11)
    const figures = await readYearFigures(db, {
      yearStart,
      yearEnd,
      asAt: options.asAt,
      unitIds: readIds,
      serviceIds: filters.services.map((s) => s.id),
      measureIds,
    })
    const blocks = new Map<
      number,
      { service: ServiceRef; units: BlockUnit[]; total: BlockUnit | null; block: ServiceBlock }
    >()
    for (const service of filters.services) {
      const units = service.delivery === 'board' ? boards : national ? [national] : []
      const total = service.delivery === 'board' && national && (options.sdc || totalWanted) ? national : null
      const ownMeasures = reference.measures.filter(
        (m) => measureNames.has(m.name) && service.measures.includes(m.name),
      )
      const block = buildServiceBlock({
        yearStart,
        units,
        total,
        measures: ownMeasures,
        figures: figures.get(service.id) ?? [],
        expected: expectedIn(reference.availability, service.id),
        sdc: options.sdc,
      })
      blocks.set(service.id, { service, units, total, block })
    }

    const first = monthIndex(options.from) > monthIndex(yearStart) ? options.from : yearStart
    const last = monthIndex(options.to) < monthIndex(yearEnd) ? options.to : yearEnd
    const rows: ActivityRow[] = []
    for (const period of periodsBetween(first, last, options.grain)) {
      for (const { service, units, total, block } of blocks.values()) {
        for (const unit of total ? [...units, total] : units) {
          if (!output.has(unit.id)) continue
          rows.push(...rowsFor(period, service, unit, block, filters))
        }
      }
    }
    if (rows.length) yield rows
  }
}

function rowsFor(period: Period, service: ServiceRef, unit: BlockUnit, block: ServiceBlock, filters: ActivityFilters) {
  const rows: ActivityRow[] = []
  const base = {
    period: period.key,
    financial_year: period.financialYear,
    board_code: unit.code,
    board_name: unit.name,
    service: service.slug,
  }
  for (const measure of filters.measures) {
    if (!service.measures.includes(measure.name)) continue
    const cell = block.figure(measure.name, unit.id, period)
    if (cell) rows.push({ ...base, measure: measure.name, ...cell })
  }
  for (const indicator of filters.indicators) {
    if (!appliesTo(indicator, service)) continue
    const cell = block.rate(indicator.numerator, indicator.denominator, unit.id, period)
    if (cell) rows.push({ ...base, measure: indicator.id, ...cell })
  }
  return rows
}

function expectedIn(availability: readonly AvailabilityRef[], serviceId: number) {
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
async function readYearFigures(
  db: Executor,
  query: {
    yearStart: string
    yearEnd: string
    asAt: Date
    unitIds: number[]
    serviceIds: number[]
    measureIds: number[]
  },
): Promise<Map<number, MonthFigure[]>> {
  const asAt = sql`${query.asAt.toISOString()}::timestamptz`
  const first = sql`${toMonthDate(query.yearStart)}::date`
  const last = sql`${toMonthDate(query.yearEnd)}::date`
  const rows = await queryRows<{
    org_unit_id: number
    service_id: number
    measure_id: number
    month: string
    value: number | null
    current: boolean
    at_first_approval: boolean
    last_action: string | null
    approved_once: boolean
  }>(
    db,
    sql`
      with status as (
        select e.org_unit_id, e.month,
          (array_agg(e.action::text order by e.at desc, e.id desc))[1] as last_action,
          min(e.at) filter (where e.action = 'approved') as first_approved_at
        from return_events e
        where e.org_unit_id in (${idList(query.unitIds)}) and e.month between ${first} and ${last} and e.at <= ${asAt}
        group by e.org_unit_id, e.month
      )
      select v.org_unit_id, v.service_id, v.measure_id, to_char(v.month, 'YYYY-MM') as month, v.value,
        (v.valid_to is null or v.valid_to > ${asAt}) as current,
        coalesce(v.valid_from <= s.first_approved_at and (v.valid_to is null or v.valid_to > s.first_approved_at), false)
          as at_first_approval,
        s.last_action,
        (s.first_approved_at is not null) as approved_once
      from return_values v
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
  type Versions = {
    unitId: number
    serviceId: number
    measureId: number
    month: string
    current?: number | null
    approved?: number | null
    status: (typeof rows)[number]
  }
  const cells = new Map<string, Versions>()
  for (const row of rows) {
    const key = `${row.org_unit_id}:${row.service_id}:${row.measure_id}:${row.month}`
    const cell =
      cells.get(key) ??
      ({
        unitId: Number(row.org_unit_id),
        serviceId: Number(row.service_id),
        measureId: Number(row.measure_id),
        month: row.month,
        status: row,
      } as Versions)
    if (row.current) cell.current = row.value === null ? null : Number(row.value)
    if (row.at_first_approval) cell.approved = row.value === null ? null : Number(row.value)
    cells.set(key, cell)
  }
  const byService = new Map<number, MonthFigure[]>()
  for (const cell of cells.values()) {
    // A figure with no version at the moment read (only one from first approval) is not there.
    if (cell.current === undefined) continue
    const provisional = cell.status.last_action !== 'approved'
    const approvedOnce = Boolean(cell.status.approved_once)
    const revised = approvedOnce && (cell.approved === undefined || cell.approved !== cell.current)
    const list = byService.get(cell.serviceId) ?? []
    list.push({
      unitId: cell.unitId,
      measureId: cell.measureId,
      month: cell.month,
      value: cell.current,
      provisional,
      revised,
    })
    byService.set(cell.serviceId, list)
  }
  return byService
}

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

// ---------------------------------------------------------------------------------------------
// /api/v1/boards, /api/v1/services, /api/v1/coverage

export interface BoardListItem {
  code: string
  name: string
  kind: 'board' | 'national'
  population: { year: number; value: number; source: string } | null
  supersededCodes: string[]
}

/** Boards (and the national unit) with their latest population and superseded codes. */
export async function listBoards(db: Executor = getDb()): Promise<BoardListItem[]> {
  const rows = await queryRows<{
    id: number
    code: string
    name: string
    kind: 'board' | 'national'
    year: number | null
    population: number | null
    source: string | null
    aliases: string[] | null
  }>(
    db,
    sql`
      select o.id, o.code, o.name, o.kind::text as kind, p.year, p.population, p.source,
        (select array_agg(a.code order by a.code) from org_unit_aliases a where a.org_unit_id = o.id) as aliases
      from org_units o
      left join lateral (
        select year, population, source from org_unit_populations
        where org_unit_id = o.id order by year desc, loaded_at desc limit 1
      ) p on true
      order by o.kind, o.name`,
  )
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    kind: r.kind,
    population: r.year === null ? null : { year: Number(r.year), value: Number(r.population), source: r.source! },
    supersededCodes: r.aliases ?? [],
  }))
}

export interface ServiceListItem {
  slug: string
  name: string
  family: string
  delivery: 'board' | 'national'
  description: string
  measures: { name: string; label: string; unit: string; description: string }[]
  indicators: {
    name: string
    label: string
    numerator: string
    denominator: string
    standard: number | null
    definition: string
  }[]
  treatments: string[]
}

/** The service catalogue: each service with the measures and indicators that apply and its treatments. */
export async function listServices(db: Executor = getDb()): Promise<ServiceListItem[]> {
  const reference = await loadExportReference(db)
  const treatments = await queryRows<{ service_id: number; name: string }>(
    db,
    sql`select service_id, name from treatments where retired_on is null order by name`,
  )
  return reference.services.map((s) => ({
    slug: s.slug,
    name: s.name,
    family: s.family,
    delivery: s.delivery,
    description: s.description,
    measures: s.measures.map((name) => {
      const m = reference.measures.find((x) => x.name === name)!
      return { name: m.name, label: m.label, unit: m.unit, description: m.description }
    }),
    indicators: [...EXPORT_INDICATORS.values()]
      .filter((i) => appliesTo(i, s))
      .map((i) => ({
        name: i.id,
        label: i.label,
        numerator: i.numerator,
        denominator: i.denominator,
        standard: 'standard' in i ? (i.standard as number) : null,
        definition: i.definition,
      })),
    treatments: treatments.filter((t) => Number(t.service_id) === s.id).map((t) => t.name),
  }))
}

export interface Coverage {
  month: string
  services: {
    slug: string
    name: string
    /** Population of the boards where the service is live, over the national population. */
    populationCoverage: number | null
    boards: {
      code: string
      name: string
      status: 'live' | 'pilot' | 'planned' | 'withdrawn' | null
      since: string | null
      until: string | null
      note: string
    }[]
  }[]
}

/**
 * What was live where in `month` (by default the latest month whose returns have fallen due),
 * from the coverage history, with each service's population coverage.
 */
export async function getCoverage(
  { month, now = new Date(), deadlineDay }: { month?: string; now?: Date; deadlineDay: number },
  db: Executor = getDb(),
): Promise<Coverage> {
  const at = month ?? latestDueMonth(now, deadlineDay)
  const date = toMonthDate(at)
  const year = Number(at.slice(0, 4))
  const rows = await queryRows<{
    slug: string
    service_name: string
    code: string
    board_name: string
    status: Coverage['services'][number]['boards'][number]['status']
    since: string | null
    until: string | null
    note: string | null
    population: number | null
  }>(
    db,
    sql`
      select s.slug, s.name as service_name, o.code, o.name as board_name, a.status::text as status,
        to_char(a.live_from, 'YYYY-MM') as since, to_char(a.live_to, 'YYYY-MM') as until, a.note,
        p.population
      from services s
      cross join org_units o
      left join service_availability a on a.service_id = s.id and a.org_unit_id = o.id
        and a.live_from <= ${date}::date and (a.live_to is null or a.live_to >= ${date}::date)
      left join lateral (
        select population from org_unit_populations
        where org_unit_id = o.id and year <= ${year} order by year desc, loaded_at desc limit 1
      ) p on true
      where (s.delivery = 'board' and o.kind = 'board') or (s.delivery = 'national' and o.kind = 'national')
      order by s.sort_order, s.slug, o.name`,
  )
  const services = new Map<string, Coverage['services'][number] & { live: number; all: number }>()
  for (const r of rows) {
    const entry = services.get(r.slug) ?? {
      slug: r.slug,
      name: r.service_name,
      populationCoverage: null,
      boards: [],
      live: 0,
      all: 0,
    }
    entry.boards.push({
      code: r.code,
      name: r.board_name,
      status: r.status,
      since: r.since,
      until: r.until,
      note: r.note ?? '',
    })
    entry.all += Number(r.population ?? 0)
    if (r.status === 'live') entry.live += Number(r.population ?? 0)
    services.set(r.slug, entry)
  }
  return {
    month: at,
    services: [...services.values()].map(({ live, all, ...s }) => ({
      ...s,
      populationCoverage: all > 0 ? live / all : null,
    })),
  }
}
