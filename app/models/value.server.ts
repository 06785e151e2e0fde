// The value figures of a range of financial years, for the /value page and GET /api/v1/value:
// current costs and counts read once, each year worked out by statistics/value.ts.
import { sql } from 'drizzle-orm'
import { computeValueYear, UNIT_COST_DENOMINATORS, type ValueRow, type ValueService } from '#app/statistics/value.ts'
import { addMonths, financialYear, financialYearFirstMonth, monthRange } from '#app/utils/dates.ts'
import { getDb } from '#app/utils/db.server.ts'
import { type Executor, queryRows } from '#db/client.ts'
import { listCostTotals, listMonthlyCounts, listReportedMonths } from './costs.server.ts'

/** The catalogue entry whose boards report supporter hours, staff in post and staff trained. */
export const TEAM_SERVICE = 'digital-therapies-team'

export interface ValueUnit {
  id: number
  code: string
  name: string
  national: boolean
}

export interface ValueCatalogue {
  units: ValueUnit[]
  services: (ValueService & { name: string; measures: string[] })[]
}

/** Units and services as the value figures use them: each service's measures in catalogue order. */
export async function loadValueCatalogue(db: Executor = getDb()): Promise<ValueCatalogue> {
  const units = await queryRows<{ id: number; code: string; name: string; kind: string }>(
    db,
    sql`select id, code, name, kind::text as kind from org_units order by kind desc, name`,
  )
  const rows = await queryRows<{ slug: string; name: string; delivery: string; measure: string | null }>(
    db,
    sql`select s.slug, s.name, s.delivery::text as delivery, m.name as measure
        from services s left join service_measures sm on sm.service_id = s.id left join measures m on m.id = sm.measure_id
        order by s.sort_order, s.slug, m.sort_order`,
  )
  const services = new Map<string, ValueCatalogue['services'][number]>()
  for (const r of rows) {
    const s = services.get(r.slug) ?? {
      slug: r.slug,
      name: r.name,
      national: r.delivery === 'national',
      driver: r.measure ?? '',
      therapy: false,
      measures: [],
    }
    if (r.measure) s.measures.push(r.measure)
    s.therapy = s.measures.includes('completed')
    services.set(r.slug, s)
  }
  return {
    units: units.map((u) => ({ id: Number(u.id), code: u.code, name: u.name, national: u.kind === 'national' })),
    services: [...services.values()],
  }
}

/** The financial years from the one `from` falls in to the one `to` falls in: '2024/25'. */
export function financialYearsBetween(from: string, to: string) {
  return [...new Set(monthRange(financialYearFirstMonth(from), to).map(financialYear))]
}

/**
 * The value figures of every financial year from `from` to `to` (months), as the data stood when
 * read. `latestDue`: the latest month whose returns have fallen due; later months of a year are
 * not yet reported, so that year's unit costs are not given.
 */
export async function readValue(
  { from, to, latestDue }: { from: string; to: string; latestDue: string },
  db: Executor = getDb(),
): Promise<{ years: string[]; rows: ValueRow[]; catalogue: ValueCatalogue }> {
  const catalogue = await loadValueCatalogue(db)
  const years = financialYearsBetween(from, to)
  const first = financialYearFirstMonth(from)
  const last = addMonths(financialYearFirstMonth(to), 11)
  const measures = [
    ...new Set([
      ...Object.values(UNIT_COST_DENOMINATORS),
      'supporter_hours',
      ...catalogue.services.map((s) => s.driver).filter(Boolean),
    ]),
  ]
  const [costTotals, counts, reported] = await Promise.all([
    listCostTotals({ fromYear: years[0]!, toYear: years.at(-1)! }, db),
    listMonthlyCounts({ from: first, to: last < latestDue ? last : latestDue, measures }, db),
    listReportedMonths({ from: first, to: last }, db),
  ])
  const boards = catalogue.units.filter((u) => !u.national).map((u) => u.code)
  const reportedSet = new Set(reported.map((r) => `${r.code}:${r.month}`))
  const rows: ValueRow[] = []
  for (const year of years) {
    const months = monthRange(
      financialYearFirstMonth(`${year.slice(0, 4)}-04`),
      addMonths(`${year.slice(0, 4)}-04`, 11),
    )
    const missingMonths = new Map(
      boards.map((b) => [b, months.filter((m) => m > latestDue || !reportedSet.has(`${b}:${m}`))]),
    )
    const common = new Set(months.filter((m) => boards.every((b) => reportedSet.has(`${b}:${m}`))))
    const nationalCosts = new Map<string, number>()
    const boardCosts = new Map<string, number>()
    const boardsWithCosts = new Set<string>()
    for (const c of costTotals) {
      if (c.financialYear !== year) continue
      if (c.national) nationalCosts.set(c.service, (nationalCosts.get(c.service) ?? 0) + c.amount)
      else {
        boardCosts.set(`${c.code}:${c.service}`, (boardCosts.get(`${c.code}:${c.service}`) ?? 0) + c.amount)
        boardsWithCosts.add(c.code)
      }
    }
    const yearCounts = new Map<string, number>()
    const driverCounts = new Map<string, number>()
    const driverOf = new Map(catalogue.services.map((s) => [s.slug, s.driver]))
    for (const c of counts) {
      if (financialYear(c.month) !== year) continue
      const key = `${c.code}:${c.service}:${c.measure}`
      yearCounts.set(key, (yearCounts.get(key) ?? 0) + c.value)
      if (driverOf.get(c.service) === c.measure && common.has(c.month)) {
        const dk = `${c.code}:${c.service}`
        driverCounts.set(dk, (driverCounts.get(dk) ?? 0) + c.value)
      }
    }
    rows.push(
      ...computeValueYear({
        financialYear: year,
        boards,
        boardNames: new Map(catalogue.units.map((u) => [u.code, u.name])),
        services: catalogue.services,
        teamService: catalogue.services.some((s) => s.slug === TEAM_SERVICE) ? TEAM_SERVICE : null,
        nationalCosts,
        boardCosts,
        boardsWithCosts,
        counts: yearCounts,
        driverCounts,
        missingMonths,
      }),
    )
  }
  return { years, rows, catalogue }
}

/**
 * Monthly counts of one measure by month, for trends (supporter hours, staff in post, staff
 * trained): every board, or one.
 */
export async function listWorkforceSeries(
  { from, to, board }: { from: string; to: string; board?: string },
  db: Executor = getDb(),
) {
  const rows = await listMonthlyCounts(
    { from, to, measures: ['supporter_hours', 'staff_in_post', 'staff_trained'] },
    db,
  )
  return rows.filter((r) => r.service === TEAM_SERVICE && (!board || r.code === board))
}
