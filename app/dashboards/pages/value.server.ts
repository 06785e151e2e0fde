// Resources and value for money (/value): the figures of the page and of its CSV downloads, from
// the value model, kept until the data changes (a cost saved writes an audit event, a figure a
// return value: either moves the data version on).
import type { Figure } from '#app/domain/figure.ts'
import { getDataVersion } from '#app/models/data-version.server.ts'
import { listMonthlyCounts, listReportedMonths } from '#app/models/costs.server.ts'
import { readValue, TEAM_SERVICE } from '#app/models/value.server.ts'
import { ALL_SERVICES, budgetImpact, protectValueRow, THERAPIES, type ValueRow } from '#app/statistics/value.ts'
import { cachedAtVersion } from '#app/utils/cache.server.ts'
import { addMonths, financialYear, monthRange, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import type { Actor } from '#app/utils/permissions.ts'
import {
  budgetImpactFigure,
  type ValueFigureContext,
  valueByBoard,
  valueByService,
  valueTrend,
  type WorkforceMonth,
  workforceTrend,
} from '../figures/value.ts'
import type { ValueFilters } from '../value-filters.ts'

export const VALUE_FIGURE_IDS = [
  'value-trend',
  'value-boards',
  'value-services',
  'value-workforce',
  'value-budget',
] as const
export type ValueFigureId = (typeof VALUE_FIGURE_IDS)[number]

const WORKFORCE_MONTHS = 24

async function valueData(latestDue: string) {
  const version = await getDataVersion()
  return cachedAtVersion(`value|${latestDue}`, version, async () => {
    const value = await readValue({ from: PROGRAMME_START_MONTH, to: latestDue, latestDue })
    const from = addMonths(latestDue, -(WORKFORCE_MONTHS - 1))
    const [team, reported, referrals] = await Promise.all([
      listMonthlyCounts({ from, to: latestDue, measures: ['supporter_hours', 'staff_in_post', 'staff_trained'] }),
      listReportedMonths({ from, to: latestDue }),
      listMonthlyCounts({ from: addMonths(latestDue, -11), to: latestDue, measures: ['referrals'] }),
    ])
    return { ...value, team: team.filter((r) => r.service === TEAM_SERVICE), reported, referrals }
  })
}

/**
 * Everything /value shows for the filters and the reader: a board lead sees every board's unit
 * costs but only their own board's cost amounts (and Scotland's).
 */
export async function getValuePage({
  filters,
  latestDue,
  actor,
  threshold,
}: {
  filters: ValueFilters
  latestDue: string
  actor: Actor
  threshold: number
}) {
  const data = await valueData(latestDue)
  const boards = data.catalogue.units.filter((u) => !u.national).map((u) => ({ code: u.code, name: u.name }))
  const ownCode =
    actor.role === 'board_lead' ? data.catalogue.units.find((u) => u.id === actor.orgUnitId)?.code : undefined
  const notices: string[] = []
  const board = filters.board ? (boards.find((b) => b.code === filters.board) ?? null) : null
  if (filters.board && !board) notices.push(`There is no board with the code ${filters.board}, so Scotland is shown.`)
  const services = [
    { key: THERAPIES, name: 'All cCBT and ieCBT services' },
    ...data.catalogue.services.map((s) => ({ key: s.slug, name: s.name })),
    { key: ALL_SERVICES, name: 'Every service' },
  ]
  const service = services.find((s) => s.key === (filters.service ?? THERAPIES)) ?? services[0]!
  if (filters.service && service.key !== filters.service)
    notices.push(`There is no service called “${filters.service}”, so all cCBT and ieCBT services are shown.`)

  // The year the comparisons show: the one asked for, else the latest with a unit cost for Scotland.
  const withUnitCost = data.years.filter((y) =>
    data.rows.some(
      (r) =>
        r.financialYear === y &&
        r.board === null &&
        r.service === THERAPIES &&
        r.measure === 'cost_per_completed' &&
        r.value !== null,
    ),
  )
  const latestWhole = withUnitCost.at(-1) ?? data.years.at(-1)!
  let year = filters.year && data.years.includes(filters.year) ? filters.year : latestWhole
  if (filters.year && !data.years.includes(filters.year)) {
    notices.push(`There are no figures for the financial year ${filters.year}, so ${latestWhole} is shown.`)
    year = latestWhole
  }
  const rows: ValueRow[] = filters.sdc === 'on' ? data.rows.map((r) => protectValueRow(r, threshold)) : data.rows
  const ctx: ValueFigureContext = {
    rows,
    years: data.years,
    year,
    board,
    boards,
    service,
    services,
    hiddenCosts: (code) => actor.role === 'board_lead' && code !== null && code !== ownCode,
  }

  // The workforce: each month's total over the boards, empty when not every board reported.
  const months = monthRange(addMonths(latestDue, -(WORKFORCE_MONTHS - 1)), latestDue)
  const reported = new Set(data.reported.map((r) => `${r.code}:${r.month}`))
  const scopeBoards = board ? [board.code] : boards.map((b) => b.code)
  const incomplete: { month: string; reported: number; expected: number }[] = []
  const workforce: WorkforceMonth[] = months.map((month) => {
    const count = scopeBoards.filter((b) => reported.has(`${b}:${month}`)).length
    if (count < scopeBoards.length) incomplete.push({ month, reported: count, expected: scopeBoards.length })
    const total = (measure: string) =>
      count < scopeBoards.length
        ? null
        : data.team
            .filter((r) => r.month === month && r.measure === measure && scopeBoards.includes(r.code))
            .reduce((a, r) => a + r.value, 0)
    return {
      month,
      supporter_hours: total('supporter_hours'),
      staff_in_post: total('staff_in_post'),
      staff_trained: total('staff_trained'),
    }
  })

  // Budget impact: cCBT and ieCBT referrals of the last 12 months at the latest whole year's cost per referral.
  const therapySlugs = new Set(data.catalogue.services.filter((s) => s.therapy).map((s) => s.slug))
  const perReferral = [...data.years]
    .reverse()
    .map((y) => ({
      y,
      row: data.rows.find(
        (r) =>
          r.financialYear === y &&
          r.board === (board?.code ?? null) &&
          r.service === THERAPIES &&
          r.measure === 'cost_per_referral',
      ),
    }))
    .find((x) => x.row?.value !== null && x.row?.value !== undefined)
  const demandMonths = monthRange(addMonths(latestDue, -11), latestDue)
  const demand = data.referrals
    .filter((r) => therapySlugs.has(r.service) && scopeBoards.includes(r.code))
    .reduce((a, r) => a + r.value, 0)
  const allReported = new Set(
    (await listReportedMonths({ from: demandMonths[0]!, to: latestDue })).map((r) => `${r.code}:${r.month}`),
  )
  const missing = demandMonths.reduce((n, m) => n + scopeBoards.filter((b) => !allReported.has(`${b}:${m}`)).length, 0)
  const current = financialYear(latestDue)
  const nextYears = [1, 2, 3].map((k) => financialYear(addMonths(`${current.slice(0, 4)}-04`, 12 * k)))
  const rates = { low: filters.low, growth: filters.growth, high: filters.high }
  const budget = perReferral?.row?.value
    ? budgetImpact({
        nextYears,
        unitCost: perReferral.row.value,
        demandLast12Months: demand,
        scenarios: [
          { name: 'low', growth: rates.low / 100 },
          { name: 'central', growth: rates.growth / 100 },
          { name: 'high', growth: rates.high / 100 },
        ],
      })
    : []
  const scope = board?.name ?? 'Scotland'
  const figures: Record<ValueFigureId, Figure> = {
    'value-trend': valueTrend(ctx),
    'value-boards': valueByBoard(ctx),
    'value-services': valueByService(ctx),
    'value-workforce': workforceTrend(scope, workforce, incomplete),
    'value-budget': budgetImpactFigure(
      scope,
      {
        unitCostYear: perReferral?.y ?? null,
        unitCost: perReferral?.row?.value ?? null,
        demand,
        demandFrom: demandMonths[0]!,
        demandTo: latestDue,
        missing,
        rates,
      },
      budget,
    ),
  }
  return {
    figures,
    year,
    years: data.years,
    board,
    boards,
    service,
    services,
    notices,
    ownCode: ownCode ?? null,
  }
}
