// Where each service is available (the coverage history) and what share of the population that
// covers.
import { sql } from 'drizzle-orm'
import { latestDueMonth, toMonthDate } from '#app/utils/dates.ts'
import { getDb } from '#app/utils/db.server.ts'
import { type Executor, queryRows } from '#db/client.ts'
import { nullableNumber, populationsSql } from './indicators.server.ts'

import type { AvailabilityStatus } from '#app/domain/labels.ts'
import type { ServiceDelivery } from './catalogue.server.ts'

export type { AvailabilityStatus }

/** The status and dates a row joined to `availabilityAt` reads (null where nothing is recorded). */
interface StatusAt {
  status: string | null
  since: string | null
  until: string | null
}

/** The availability period each board and service is in during `month`. */
function availabilityAt(month: string) {
  return sql`
    select distinct on (a.org_unit_id, a.service_id) a.org_unit_id, a.service_id, a.status::text as status,
      to_char(a.live_from, 'YYYY-MM') as since, to_char(a.live_to, 'YYYY-MM') as until
    from service_availability a
    where a.live_from <= ${toMonthDate(month)}::date and (a.live_to is null or a.live_to >= ${toMonthDate(month)}::date)
    order by a.org_unit_id, a.service_id,
      case a.status when 'live' then 0 when 'pilot' then 1 when 'withdrawn' then 2 else 3 end, a.live_from desc`
}

export interface AvailabilityCell {
  boardCode: string
  serviceSlug: string
  status: AvailabilityStatus | null
  /** First and last month of the current status period (null: open-ended). */
  since: string | null
  until: string | null
}

/** Boards x services: each pair's status in `month`, with the dates of that status. */
export async function getAvailabilityMatrix({ month }: { month: string }): Promise<AvailabilityCell[]> {
  const rows = await queryRows<{ code: string; slug: string } & StatusAt>(
    getDb(),
    sql`
      with at as (${availabilityAt(month)})
      select o.code, s.slug, at.status, at.since, at.until
      from org_units o
      cross join services s
      left join at on at.org_unit_id = o.id and at.service_id = s.id
      where o.kind = 'board'
      order by o.name, s.sort_order, s.name`,
  )
  return rows.map((r) => ({
    boardCode: r.code,
    serviceSlug: r.slug,
    status: (r.status as AvailabilityStatus | null) ?? null,
    since: r.since,
    until: r.until,
  }))
}

export interface ServiceCoverage {
  slug: string
  name: string
  delivery: ServiceDelivery
  boardsLive: number
  boards: number
  coveredPopulation: number
  nationalPopulation: number
  /** Covered population / national population; null when no population is loaded. */
  coverage: number | null
}

/**
 * Population coverage of every service in `month`: the population of the boards where it is
 * live over the population of all boards. A nationally delivered service live at a national org
 * unit covers every board.
 */
export async function listPopulationCoverage({
  month,
  populationYear,
}: {
  month: string
  populationYear: number
}): Promise<ServiceCoverage[]> {
  const rows = await queryRows<{
    slug: string
    name: string
    delivery: ServiceDelivery
    boards_live: number
    boards: number
    covered: number | null
    national: number | null
  }>(
    getDb(),
    sql`
      with pop as (${populationsSql(populationYear)}),
      at as (${availabilityAt(month)}),
      live as (
        select at.service_id, o.id as org_unit_id, o.kind from at join org_units o on o.id = at.org_unit_id
        where at.status = 'live'
      ),
      -- Boards covered: where the service is live, or every board when it is live nationally.
      covered as (
        select service_id, org_unit_id as board_id from live where kind = 'board'
        union
        select l.service_id, b.id from live l join org_units b on b.kind = 'board' where l.kind = 'national'
      ),
      national as (
        select sum(pop.population)::float8 as population, count(*)::int as boards
        from org_units o left join pop on pop.org_unit_id = o.id where o.kind = 'board'
      )
      select s.slug, s.name, s.delivery::text as delivery,
        count(c.board_id)::int as boards_live,
        (select boards from national) as boards,
        sum(pop.population)::float8 as covered,
        (select population from national) as national
      from services s
      left join covered c on c.service_id = s.id
      left join pop on pop.org_unit_id = c.board_id
      group by s.id, s.slug, s.name, s.delivery, s.sort_order
      order by s.sort_order, s.name`,
  )
  return rows.map((r) => {
    const national = nullableNumber(r.national)
    const covered = nullableNumber(r.covered) ?? 0
    return {
      slug: r.slug,
      name: r.name,
      delivery: r.delivery,
      boardsLive: Number(r.boards_live),
      boards: Number(r.boards),
      coveredPopulation: covered,
      nationalPopulation: national ?? 0,
      coverage: national ? covered / national : null,
    }
  })
}

export interface UnitService {
  slug: string
  name: string
  status: AvailabilityStatus
  since: string
  until: string | null
}

/** The services one board offers (live or in pilot) in `month`, with their dates. */
export async function listBoardServices({
  orgUnitId,
  month,
}: {
  orgUnitId: number
  month: string
}): Promise<UnitService[]> {
  return queryRows<UnitService>(
    getDb(),
    sql`
      with at as (${availabilityAt(month)})
      select s.slug, s.name, at.status, at.since, at.until
      from at join services s on s.id = at.service_id
      where at.org_unit_id = ${orgUnitId} and at.status in ('live', 'pilot')
      order by s.sort_order, s.name`,
  )
}

/** Where one service is available in `month`: every board, with its status and dates. */
export async function listServiceAvailability({ serviceId, month }: { serviceId: number; month: string }) {
  const rows = await queryRows<{ code: string; name: string; kind: string } & StatusAt>(
    getDb(),
    sql`
      with at as (${availabilityAt(month)})
      select o.code, o.name, o.kind::text as kind, at.status, at.since, at.until
      from org_units o
      left join at on at.org_unit_id = o.id and at.service_id = ${serviceId}
      where o.kind = 'board' or at.status is not null
      order by o.kind, o.name`,
  )
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    national: r.kind === 'national',
    status: (r.status as AvailabilityStatus | null) ?? null,
    since: r.since,
    until: r.until,
  }))
}

/**
 * The catalogue's treatments offered in `month` (those of services live in at least one board)
 * and the number of boards where every one of them is live.
 */
export async function getTreatmentCoverage({ month }: { month: string }) {
  const [row] = await queryRows<{ treatments: number; boards_with_all: number; boards: number }>(
    getDb(),
    sql`
      with live as (
        select distinct a.org_unit_id, a.service_id
        from service_availability a
        join org_units o on o.id = a.org_unit_id and o.kind = 'board'
        where a.status = 'live' and a.live_from <= ${toMonthDate(month)}::date
          and (a.live_to is null or a.live_to >= ${toMonthDate(month)}::date)
      ),
      offered as (
        select t.id, t.service_id from treatments t
        where t.retired_on is null and t.service_id in (select service_id from live)
      ),
      -- A board has them all when as many offered treatments are live there as there are.
      per_board as (
        select l.org_unit_id, count(*) as treatments from live l join offered t on t.service_id = l.service_id
        group by l.org_unit_id
      )
      select
        (select count(*) from offered)::int as treatments,
        (select count(*) from per_board where treatments = (select count(*) from offered))::int as boards_with_all,
        (select count(*) from org_units where kind = 'board')::int as boards`,
  )
  return {
    treatments: Number(row?.treatments ?? 0),
    boardsWithAll: Number(row?.boards_with_all ?? 0),
    boards: Number(row?.boards ?? 0),
  }
}

export interface ServiceFigures {
  slug: string
  /** The service's first measure (by the catalogue's order) and its total over the period. */
  measure: string | null
  measureLabel: string | null
  unit: string | null
  total: number | null
  /** With a board: the service's status there in the period's last month. */
  board: { status: AvailabilityStatus | null; since: string | null; until: string | null } | null
}

/**
 * Each service's headline count over a period: its first measure, in Scotland or in one board
 * (then from the board's own figures, with the board's status for the service in the period's
 * last month).
 */
export async function listServiceFigures({
  from,
  to,
  orgUnitId,
}: {
  from: string
  to: string
  orgUnitId?: number
}): Promise<ServiceFigures[]> {
  const range = sql`between ${toMonthDate(from)}::date and ${toMonthDate(to)}::date`
  const totals =
    orgUnitId === undefined
      ? sql`
        select t.service_id, t.measure_id, sum(t.total)::float8 as total, sum(t.reported)::int as reported
        from figure_totals_by_service t
        where t.month ${range}
        group by t.service_id, t.measure_id`
      : sql`
        select v.service_id, v.measure_id, sum(v.value)::float8 as total, count(v.value)::int as reported
        from return_values v
        join returns r on r.org_unit_id = v.org_unit_id and r.month = v.month
        where v.valid_to is null and r.first_submitted_at is not null
          and v.org_unit_id = ${orgUnitId} and r.org_unit_id = ${orgUnitId} and v.month ${range} and r.month ${range}
        group by v.service_id, v.measure_id`
  const status =
    orgUnitId === undefined
      ? sql`null::text as status, null::text as since, null::text as until`
      : sql`at.status, at.since, at.until`
  const availability =
    orgUnitId === undefined
      ? sql``
      : sql`left join (${availabilityAt(to)}) as at on at.service_id = s.id and at.org_unit_id = ${orgUnitId}`
  const rows = await queryRows<{
    slug: string
    measure: string | null
    label: string | null
    unit: string | null
    total: number | null
    status: AvailabilityStatus | null
    since: string | null
    until: string | null
  }>(
    getDb(),
    sql`
      with first_measure as (
        select distinct on (sm.service_id) sm.service_id, m.id as measure_id, m.name, m.label, m.unit
        from service_measures sm join measures m on m.id = sm.measure_id
        order by sm.service_id, m.sort_order, m.name
      ),
      totals as (${totals})
      select s.slug, f.name as measure, f.label, f.unit,
        case when coalesce(tot.reported, 0) > 0 then tot.total end as total, ${status}
      from services s
      left join first_measure f on f.service_id = s.id
      left join totals tot on tot.service_id = s.id and tot.measure_id = f.measure_id
      ${availability}
      order by s.sort_order, s.name`,
  )
  return rows.map((r) => ({
    slug: r.slug,
    measure: r.measure,
    measureLabel: r.label,
    unit: r.unit,
    total: nullableNumber(r.total),
    board: orgUnitId === undefined ? null : { status: r.status, since: r.since, until: r.until },
  }))
}

// /api/v1/coverage

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
      status: AvailabilityStatus | null
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
export async function getCoverageOfMonth(
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
