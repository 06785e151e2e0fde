// The figures and indicators of the dashboards, computed in SQL. National figures read the
// totals by service, one board's the totals by org unit (both kept by triggers in the same
// transaction as every write, migration 0003); one service in one board, or one service in
// every board, reads the figures themselves. Every count is null, not 0, where nothing was
// reported, and every rate is null where its denominator is.
import { sql, type SQL } from 'drizzle-orm'
import { monthsBetween, returnDeadline, toMonthDate } from '#app/utils/dates.ts'
import { getDb } from '#app/utils/db.server.ts'
import type { BoardSort } from '#app/dashboards/filters.ts'
import { COUNT_SERIES, type CountSeries, RATE_INDICATORS, type RateIndicator } from '#app/statistics/indicators.ts'
import { queryRows } from '#db/client.ts'
import type { OrgUnitKind } from './org-units.server.ts'

/**
 * Figures count once their board has submitted the month's return: from then on every saved
 * change shows at once. A draft that was never submitted is not yet "reported".
 */
export const REPORTED_VALUES = sql`
  select v.org_unit_id, v.service_id, v.month, v.measure_id, v.value
  from return_values v
  join returns r on r.org_unit_id = v.org_unit_id and r.month = v.month
  where v.valid_to is null and r.first_submitted_at is not null`

/**
 * Whose figures: one org unit's or all; one service's or every service's; as they stand now, or
 * as the system held them at `asAt` (an ISO time: a report reproduced from its address).
 */
export interface FigureScope {
  orgUnitId?: number
  serviceId?: number
  asAt?: string
}

/**
 * When a return counts as submitted, as seen from `asAt`: its first submission if that had
 * happened by then (a return is never "unsubmitted", so the first submission is enough).
 */
function firstSubmitted(asAt: string | undefined) {
  return asAt
    ? sql`(case when r.first_submitted_at <= ${asAt}::timestamptz then r.first_submitted_at end)`
    : sql`r.first_submitted_at`
}

export type CountKey = (typeof COUNT_SERIES)[keyof typeof COUNT_SERIES]['id']
export type RateKey = (typeof RATE_INDICATORS)[keyof typeof RATE_INDICATORS]['id']
/** Every count (null: not reported) and rate (null: no denominator) of a scope and period. */
export type FigureSet = Record<CountKey | RateKey, number | null>

const COUNTS = Object.values(COUNT_SERIES) as CountSeries[]
const RATES = Object.values(RATE_INDICATORS) as RateIndicator[]

function matches(series: Pick<CountSeries, 'measure' | 'family'>) {
  return series.family
    ? sql`measure = ${series.measure} and family = ${series.family}`
    : sql`measure = ${series.measure}`
}

/** A count over rows of (family, measure, total, reported): null when nothing was reported. */
function countSql(series: Pick<CountSeries, 'measure' | 'family'>) {
  const where = matches(series)
  return sql`(case when coalesce(sum(reported) filter (where ${where}), 0) > 0
    then sum(total) filter (where ${where}) end)::float8`
}

function rateSql(indicator: RateIndicator) {
  return sql`${countSql({ measure: indicator.numerator })} / nullif(${countSql({ measure: indicator.denominator })}, 0)`
}

/** The select list of a FigureSet over rows of (family, measure, total, reported). */
function figureColumns() {
  return sql.join(
    [
      ...COUNTS.map((c) => sql`${countSql(c)} as ${sql.identifier(c.id)}`),
      ...RATES.map((r) => sql`${rateSql(r)} as ${sql.identifier(r.id)}`),
    ],
    sql`, `,
  )
}

const FIGURE_KEYS = [...COUNTS.map((c) => c.id), ...RATES.map((r) => r.id)] as Array<CountKey | RateKey>

function toFigureSet(row: Record<string, unknown> | undefined): FigureSet {
  return Object.fromEntries(FIGURE_KEYS.map((k) => [k, nullableNumber(row?.[k])])) as FigureSet
}

function monthRange(from: string, to: string, column: SQL) {
  return sql`${column} between ${toMonthDate(from)}::date and ${toMonthDate(to)}::date`
}

/**
 * Rows of (org_unit_id, month, family, measure_id, total, reported) for a scope and period, from
 * the cheapest source that answers it: the national totals by service, one unit's totals by
 * family, or, for one service in one board or in every board, the figures themselves (the
 * conditions of REPORTED_VALUES, with the month range given to both tables: the planner does
 * not carry a range across a join).
 */
function figureSource(
  scope: FigureScope,
  from: string,
  to: string,
  options: { measure?: string; byUnit?: boolean } = {},
) {
  const measureId = (column: SQL) =>
    options.measure ? sql`and ${column} = (select id from measures where name = ${options.measure})` : sql``
  if (scope.asAt !== undefined) {
    // The totals hold only the figures as they stand: a past moment reads the versions valid
    // then, of the returns submitted by then.
    const asAt = sql`${scope.asAt}::timestamptz`
    const unit =
      scope.orgUnitId !== undefined
        ? sql`and v.org_unit_id = ${scope.orgUnitId} and r.org_unit_id = ${scope.orgUnitId}`
        : sql``
    const service = scope.serviceId !== undefined ? sql`and v.service_id = ${scope.serviceId}` : sql``
    return sql`
      select ${options.byUnit || scope.orgUnitId !== undefined ? sql`v.org_unit_id` : sql`null::int as org_unit_id`},
        v.month, s.family, v.measure_id, coalesce(v.value, 0)::bigint as total, (v.value is not null)::int as reported
      from return_values v
      join returns r on r.org_unit_id = v.org_unit_id and r.month = v.month
      join services s on s.id = v.service_id
      where v.valid_from <= ${asAt} and (v.valid_to is null or v.valid_to > ${asAt})
        and r.first_submitted_at <= ${asAt} ${unit} ${service} ${measureId(sql`v.measure_id`)}
        and ${monthRange(from, to, sql`v.month`)} and ${monthRange(from, to, sql`r.month`)}`
  }
  if (scope.serviceId !== undefined && (scope.orgUnitId !== undefined || options.byUnit)) {
    const unit =
      scope.orgUnitId !== undefined
        ? sql`and v.org_unit_id = ${scope.orgUnitId} and r.org_unit_id = ${scope.orgUnitId}`
        : sql``
    return sql`
      select v.org_unit_id, v.month, s.family, v.measure_id, coalesce(v.value, 0)::bigint as total,
        (v.value is not null)::int as reported
      from return_values v
      join returns r on r.org_unit_id = v.org_unit_id and r.month = v.month
      join services s on s.id = v.service_id
      where v.valid_to is null and r.first_submitted_at is not null
        and v.service_id = ${scope.serviceId} ${unit} ${measureId(sql`v.measure_id`)}
        and ${monthRange(from, to, sql`v.month`)} and ${monthRange(from, to, sql`r.month`)}`
  }
  if (scope.orgUnitId !== undefined || options.byUnit) {
    const unit = scope.orgUnitId !== undefined ? sql`and t.org_unit_id = ${scope.orgUnitId}` : sql``
    return sql`
      select t.org_unit_id, t.month, t.family, t.measure_id, t.total, t.reported
      from figure_totals_by_unit t
      where ${monthRange(from, to, sql`t.month`)} ${unit} ${measureId(sql`t.measure_id`)}`
  }
  const service = scope.serviceId !== undefined ? sql`and t.service_id = ${scope.serviceId}` : sql``
  return sql`
    select null::int as org_unit_id, t.month, s.family, t.measure_id, t.total, t.reported
    from figure_totals_by_service t
    join services s on s.id = t.service_id
    where ${monthRange(from, to, sql`t.month`)} ${service} ${measureId(sql`t.measure_id`)}`
}

/**
 * The rows summed to (group, family, measure) first, so the figure columns' filtered sums run
 * over a few dozen rows per group instead of every month of every service.
 */
function collapsed(source: SQL, group: SQL[]) {
  const keys = group.length > 0 ? sql`${sql.join(group, sql`, `)}, ` : sql``
  return sql`
    select ${keys}family, m.name as measure, total, reported
    from (
      select ${keys}family, measure_id, sum(total)::float8 as total, sum(reported)::int as reported
      from (${source}) as rows
      group by ${keys}family, measure_id
    ) as sums
    join measures m on m.id = sums.measure_id`
}

/** The counts and rates of a scope over a period (months `from` to `to`, both included). */
export async function getFigureTotals({ scope, from, to }: { scope: FigureScope; from: string; to: string }) {
  const [row] = await queryRows<Record<string, unknown>>(
    getDb(),
    sql`select ${figureColumns()} from (${collapsed(figureSource(scope, from, to), [])}) as src`,
  )
  return toFigureSet(row)
}

/** A month and the bucket (month, quarter or year) it is counted in. */
export interface MonthBucket {
  month: string
  bucket: string
}

function bucketsTable(months: MonthBucket[]) {
  const json = JSON.stringify(months.map((m) => ({ month: toMonthDate(m.month), bucket: m.bucket })))
  return sql`(select * from json_to_recordset(${json}::json) as b(month date, bucket text))`
}

/**
 * The counts and rates of a scope for each bucket, dense: a bucket where nothing was reported
 * is there, with nulls.
 */
export async function getFigureSeries({ scope, months }: { scope: FigureScope; months: MonthBucket[] }) {
  if (months.length === 0) return []
  const from = months[0]!.month
  const to = months[months.length - 1]!.month
  const rows = await queryRows<Record<string, unknown> & { bucket: string }>(
    getDb(),
    sql`
      with b as ${bucketsTable(months)},
      src as (${collapsed(sql`select b.bucket, rows.* from (${figureSource(scope, from, to)}) as rows join b on b.month = rows.month`, [sql`bucket`])})
      select b.bucket, ${figureColumns()}
      from (select bucket, min(month) as first from b group by bucket) as b left join src on src.bucket = b.bucket
      group by b.bucket, b.first
      order by b.first`,
  )
  return rows.map((r) => ({ bucket: r.bucket, figures: toFigureSet(r) }))
}

/** Months with each one's return deadline, for completeness and timeliness. */
function deadlinesTable(months: string[], deadlineDay: number) {
  const json = JSON.stringify(
    months.map((m) => ({ month: toMonthDate(m), deadline: returnDeadline(m, deadlineDay).toISOString() })),
  )
  return sql`(select * from json_to_recordset(${json}::json) as d(month date, deadline timestamptz))`
}

/**
 * Expected service returns: one per org unit, month and service live there that month, grouped
 * to (org unit, month) with the number of services.
 */
function expectedReturnsSql(scope: FigureScope & { unitKind?: OrgUnitKind }) {
  const service = scope.serviceId !== undefined ? sql`and a.service_id = ${scope.serviceId}` : sql``
  const unit = scope.orgUnitId !== undefined ? sql`and a.org_unit_id = ${scope.orgUnitId}` : sql``
  const kind = scope.unitKind ? sql`and o.kind = ${scope.unitKind}` : sql``
  // A board's live periods of one service do not overlap (the coverage history closes one
  // period before the next begins), so each row counts one service.
  return sql`
    select a.org_unit_id, d.month, min(d.deadline) as deadline, count(*)::int as services
    from service_availability a
    join org_units o on o.id = a.org_unit_id
    join d on a.live_from <= d.month and (a.live_to is null or a.live_to >= d.month)
    where a.status = 'live' ${service} ${unit} ${kind}
    group by a.org_unit_id, d.month`
}

export interface ReturnsCompleteness {
  /** Service returns expected, submitted, and submitted by the deadline. */
  expected: number
  submitted: number
  onTime: number
  completeness: number | null
  timeliness: number | null
  /** Org units expected to return at least one month, and those that returned every month. */
  unitsExpected: number
  unitsReported: number
  /** Units expected that have not submitted every month, by name. */
  missing: Array<{ code: string; name: string; monthsMissing: number }>
}

/**
 * Completeness and timeliness of the returns of a period: expected = live services x units x
 * months; a service return counts once its board-month return has been submitted, and is on time
 * when that was by the month's deadline. `unitKind` restricts the units (boards by default).
 */
export async function getReturnsCompleteness({
  scope,
  months,
  deadlineDay,
  unitKind = 'board',
}: {
  scope: FigureScope
  months: string[]
  deadlineDay: number
  unitKind?: OrgUnitKind
}): Promise<ReturnsCompleteness> {
  const submitted = firstSubmitted(scope.asAt)
  const rows = await queryRows<{
    code: string
    name: string
    expected: number
    submitted: number
    on_time: number
    months_expected: number
    months_reported: number
  }>(
    getDb(),
    sql`
      with d as ${deadlinesTable(months, deadlineDay)}, e as (${expectedReturnsSql({ ...scope, unitKind })})
      select o.code, o.name,
        sum(e.services)::int as expected,
        coalesce(sum(e.services) filter (where ${submitted} is not null), 0)::int as submitted,
        coalesce(sum(e.services) filter (where ${submitted} <= e.deadline), 0)::int as on_time,
        count(*)::int as months_expected,
        count(${submitted})::int as months_reported
      from e
      join org_units o on o.id = e.org_unit_id
      left join returns r on r.org_unit_id = e.org_unit_id and r.month = e.month
      group by o.code, o.name
      order by o.name`,
  )
  const sum = (key: 'expected' | 'submitted' | 'on_time') => rows.reduce((total, r) => total + Number(r[key]), 0)
  const expected = sum('expected')
  return {
    expected,
    submitted: sum('submitted'),
    onTime: sum('on_time'),
    completeness: expected > 0 ? sum('submitted') / expected : null,
    timeliness: expected > 0 ? sum('on_time') / expected : null,
    unitsExpected: rows.length,
    unitsReported: rows.filter((r) => Number(r.months_reported) === Number(r.months_expected)).length,
    missing: rows
      .filter((r) => Number(r.months_reported) < Number(r.months_expected))
      .map((r) => ({
        code: r.code,
        name: r.name,
        monthsMissing: Number(r.months_expected) - Number(r.months_reported),
      })),
  }
}

/** For each bucket: the units expected to report each month, and those that did (unit-months). */
export async function getReportingByBucket({
  scope,
  months,
  unitKind = 'board',
}: {
  scope: FigureScope
  months: MonthBucket[]
  unitKind?: OrgUnitKind
}) {
  if (months.length === 0) return []
  const submitted = firstSubmitted(scope.asAt)
  const rows = await queryRows<{ bucket: string; expected: number; reported: number }>(
    getDb(),
    sql`
      with b as ${bucketsTable(months)},
      d as (select month, null::timestamptz as deadline from b),
      e as (${expectedReturnsSql({ ...scope, unitKind })})
      select b.bucket, count(e.org_unit_id)::int as expected, count(${submitted})::int as reported
      from b
      left join e on e.month = b.month
      left join returns r on r.org_unit_id = e.org_unit_id and r.month = e.month
      group by b.bucket
      order by min(b.month)`,
  )
  return rows.map((r) => ({ bucket: r.bucket, expected: Number(r.expected), reported: Number(r.reported) }))
}

/** The populations rates divide by: per org unit, the latest vintage of the nearest year loaded. */
export function populationsSql(year: number) {
  return sql`
    select distinct on (p.org_unit_id) p.org_unit_id, p.population, p.year
    from org_unit_populations p
    order by p.org_unit_id, abs(p.year - ${year}::int), p.year, p.loaded_at desc, p.source`
}

export interface BoardFigures extends FigureSet {
  code: string
  name: string
  population: number | null
  referrals_per_100k: number | null
  completeness: number | null
  timeliness: number | null
  months_expected: number
  months_reported: number
}

const SORT_COLUMNS: Record<BoardSort, string> = {
  name: 'name',
  referrals: 'referrals',
  referrals_per_100k: 'referrals_per_100k',
  self_referral_share: 'self_referral_share',
  eighteen_weeks: 'eighteen_weeks',
  completion_rate: 'completion_rate',
  recovery_rate: 'recovery_rate',
  reliable_improvement_rate: 'reliable_improvement_rate',
  video_sessions: 'video_sessions',
  group_sessions: 'group_sessions',
  completeness: 'completeness',
  timeliness: 'timeliness',
}

/**
 * Every board's figures over a period (all services, or one), with its population, referrals
 * per 100,000 (annualised), and the completeness and timeliness of its returns; sorted in SQL.
 */
export async function listBoardFigures({
  from,
  to,
  months,
  serviceId,
  asAt,
  populationYear,
  deadlineDay,
  sort = 'name',
  dir = 'asc',
}: {
  from: string
  to: string
  /** Every month from `from` to `to`. */
  months: string[]
  serviceId?: number
  /** As the system held them at this moment (ISO); now when not given. */
  asAt?: string
  populationYear: number
  deadlineDay: number
  sort?: BoardSort
  dir?: 'asc' | 'desc'
}): Promise<BoardFigures[]> {
  const order = sql.raw(`${SORT_COLUMNS[sort]} ${dir === 'desc' ? 'desc' : 'asc'} nulls last, name asc`)
  const submitted = firstSubmitted(asAt)
  const rows = await queryRows<Record<string, unknown>>(
    getDb(),
    sql`
      with src as (${collapsed(figureSource({ serviceId, asAt }, from, to, { byUnit: true }), [sql`org_unit_id`])}),
      figures as (select org_unit_id, ${figureColumns()} from src group by org_unit_id),
      pop as (${populationsSql(populationYear)}),
      d as ${deadlinesTable(months, deadlineDay)},
      e as (${expectedReturnsSql({ serviceId, unitKind: 'board' })}),
      returned as (
        select e.org_unit_id,
          sum(e.services)::int as expected,
          coalesce(sum(e.services) filter (where ${submitted} is not null), 0)::int as submitted,
          coalesce(sum(e.services) filter (where ${submitted} <= e.deadline), 0)::int as on_time,
          count(*)::int as months_expected,
          count(${submitted})::int as months_reported
        from e left join returns r on r.org_unit_id = e.org_unit_id and r.month = e.month
        group by e.org_unit_id
      )
      select * from (
        select o.code, o.name, pop.population, f.*,
          f.referrals / pop.population * 100000 * 12 / ${months.length}::float8 as referrals_per_100k,
          returned.submitted::float8 / nullif(returned.expected, 0) as completeness,
          returned.on_time::float8 / nullif(returned.expected, 0) as timeliness,
          coalesce(returned.months_expected, 0) as months_expected,
          coalesce(returned.months_reported, 0) as months_reported
        from org_units o
        left join figures f on f.org_unit_id = o.id
        left join pop on pop.org_unit_id = o.id
        left join returned on returned.org_unit_id = o.id
        where o.kind = 'board'
      ) as boards
      order by ${order}`,
  )
  return rows.map((r) => ({
    ...toFigureSet(r),
    code: String(r.code),
    name: String(r.name),
    population: nullableNumber(r.population),
    referrals_per_100k: nullableNumber(r.referrals_per_100k),
    completeness: nullableNumber(r.completeness),
    timeliness: nullableNumber(r.timeliness),
    months_expected: Number(r.months_expected),
    months_reported: Number(r.months_reported),
  }))
}

/**
 * The national population a period's rates divide by (the sum of the boards' populations, each
 * the latest vintage of the year nearest the period's middle) and the referrals per 100,000 of a
 * scope over the period, annualised.
 */
export async function getReferralRate({
  scope,
  from,
  to,
  populationYear,
}: {
  scope: FigureScope
  from: string
  to: string
  populationYear: number
}) {
  const months = monthsBetween(from, to) + 1
  const population =
    scope.orgUnitId !== undefined
      ? sql`(select population from pop where org_unit_id = ${scope.orgUnitId})`
      : sql`(select sum(pop.population) from pop join org_units o on o.id = pop.org_unit_id where o.kind = 'board')`
  const [row] = await queryRows<{ population: number | null; referrals: number | null }>(
    getDb(),
    sql`
      with pop as (${populationsSql(populationYear)}),
      src as (${collapsed(figureSource(scope, from, to, { measure: COUNT_SERIES.referrals.measure }), [])})
      select ${population}::float8 as population, ${countSql(COUNT_SERIES.referrals)} as referrals from src`,
  )
  const referrals = nullableNumber(row?.referrals)
  const pop = nullableNumber(row?.population)
  return {
    population: pop,
    referrals,
    rate: referrals === null || !pop ? null : ((referrals / pop) * 100_000 * 12) / months,
  }
}

/**
 * One measure of one service in every board, for each bucket (the service page's small
 * multiples): null where the board reported nothing in the bucket.
 */
export async function getBoardSeries({
  serviceId,
  measure,
  months,
}: {
  serviceId: number
  measure: string
  months: MonthBucket[]
}) {
  if (months.length === 0) return []
  const from = months[0]!.month
  const to = months[months.length - 1]!.month
  const rows = await queryRows<{ code: string; bucket: string; value: number | null }>(
    getDb(),
    sql`
      with b as ${bucketsTable(months)},
      src as (${figureSource({ serviceId }, from, to, { measure, byUnit: true })}),
      units as (
        -- The units the service has ever been offered in, and any that reported it.
        select o.id, o.code, o.name, o.kind from org_units o
        where exists (select 1 from service_availability a where a.org_unit_id = o.id and a.service_id = ${serviceId})
          or exists (select 1 from src where src.org_unit_id = o.id)
      ),
      sums as (
        select src.org_unit_id, b.bucket, sum(src.total)::float8 as total, sum(src.reported)::int as reported
        from src join b on b.month = src.month
        group by src.org_unit_id, b.bucket
      )
      select u.code, b.bucket, (case when coalesce(sums.reported, 0) > 0 then sums.total end)::float8 as value
      from units u
      cross join (select bucket, min(month) as first from b group by bucket) as b
      left join sums on sums.org_unit_id = u.id and sums.bucket = b.bucket
      order by u.kind, u.name, b.first`,
  )
  return rows.map((r) => ({ code: r.code, bucket: r.bucket, value: nullableNumber(r.value) }))
}

export interface BoardReturn {
  month: string
  status: 'missing' | 'draft' | 'submitted' | 'approved'
  /** Live services the return should cover. */
  services: number
  firstSubmittedAt: string | null
  approvedAt: string | null
  onTime: boolean | null
  /** Figures changed after the return was first approved. */
  revised: boolean
}

/** One board's returns, month by month, newest first, with whether each came in on time. */
export async function listBoardReturns({
  orgUnitId,
  months,
  deadlineDay,
}: {
  orgUnitId: number
  months: string[]
  deadlineDay: number
}): Promise<BoardReturn[]> {
  const rows = await queryRows<{
    month: string
    status: string | null
    services: number | null
    first_submitted_ms: number | null
    approved_ms: number | null
    on_time: boolean | null
    revised: boolean
  }>(
    getDb(),
    sql`
      with d as ${deadlinesTable(months, deadlineDay)}, e as (${expectedReturnsSql({ orgUnitId })})
      select to_char(d.month, 'YYYY-MM') as month, r.status::text as status, e.services,
        (extract(epoch from r.first_submitted_at) * 1000)::float8 as first_submitted_ms,
        (extract(epoch from r.approved_at) * 1000)::float8 as approved_ms,
        case when r.first_submitted_at is null then null else r.first_submitted_at <= d.deadline end as on_time,
        exists (
          select 1 from return_values v
          where v.org_unit_id = ${orgUnitId} and v.month = d.month and r.first_approved_at is not null
            and v.valid_from > r.first_approved_at
        ) as revised
      from d
      left join e on e.month = d.month
      left join returns r on r.org_unit_id = ${orgUnitId} and r.month = d.month
      order by d.month desc`,
  )
  return rows.map((r) => ({
    month: r.month,
    status: r.status === null ? 'missing' : (r.status as BoardReturn['status']),
    services: Number(r.services ?? 0),
    firstSubmittedAt: r.first_submitted_ms === null ? null : new Date(Number(r.first_submitted_ms)).toISOString(),
    approvedAt: r.approved_ms === null ? null : new Date(Number(r.approved_ms)).toISOString(),
    onTime: r.on_time,
    revised: Boolean(r.revised),
  }))
}

export function nullableNumber(value: unknown) {
  return value === null || value === undefined ? null : Number(value)
}
