// Who the services reach (/equity): the figures of one financial year, board (or Scotland) and
// service, by SIMD quintile, age band and sex.
import { getEquityData, listBreakdownServices } from '#app/models/equity.server.ts'
import { listOrgUnits } from '#app/models/org-units.server.ts'
import { addMonths, financialYear, financialYearStart, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import type { EquityFilters } from '../equity-filters.ts'
import {
  equityRateFigure,
  equityRecoveryFigure,
  inequalitySummary,
  type InequalitySummary,
  unknownShare,
} from '../figures/equity.ts'

export const EQUITY_FIGURE_IDS = ['equity-simd', 'equity-recovery', 'equity-age', 'equity-sex'] as const
export type EquityFigureId = (typeof EQUITY_FIGURE_IDS)[number]

/** The measures whose rates per 1,000 people the page compares. */
const RATE_MEASURES = ['referrals', 'started', 'completed']

export async function getEquityPage({
  filters,
  latestDue,
  threshold,
}: {
  filters: EquityFilters
  /** The latest month whose returns have fallen due. */
  latestDue: string
  threshold: number
}) {
  // Whole financial years whose every month has fallen due, latest first.
  const lastYearStart = financialYearStart(addMonths(latestDue, 1)) - 1
  const years: string[] = []
  for (let y = lastYearStart; y >= financialYearStart(PROGRAMME_START_MONTH); y--) years.push(financialYear(`${y}-04`))
  const notices: string[] = []
  const year = filters.year && years.includes(filters.year) ? filters.year : years[0]!
  if (filters.year && filters.year !== year)
    notices.push(`${filters.year} is not a whole financial year of the programme yet: showing ${year}.`)
  const boards = (await listOrgUnits()).filter((u) => u.kind === 'board')
  const board = boards.find((b) => b.code === filters.board) ?? null
  if (filters.board && !board) notices.push(`There is no board with the code ${filters.board}: showing Scotland.`)

  const services = await listBreakdownServices()
  const service = services.find((s) => s.slug === filters.service) ?? services[0]!
  if (service.slug !== filters.service) notices.push(`${filters.service} has no breakdowns: showing ${service.name}.`)
  const data = await getEquityData({
    yearStart: `${year.slice(0, 4)}-04`,
    board: board?.code ?? null,
    service: service.slug,
    // The measure asked for first: rates per 1,000 people are worked out for it.
    measures: [filters.measure, ...RATE_MEASURES, 'proms_at_caseness', 'proms_recovered'],
    threshold: filters.sdc === 'on' ? threshold : null,
  })
  const measures = data.measures.filter((m) => RATE_MEASURES.includes(m.name))
  const measure = measures.find((m) => m.name === filters.measure) ?? measures[0]!
  const place = { name: board?.name ?? 'Scotland', year }
  const dimension = (name: string) => data.dimensions.find((d) => d.name === name)!
  const simd = dimension('simd')
  const figures: Record<EquityFigureId, ReturnType<typeof equityRateFigure>> = {
    'equity-simd': equityRateFigure(data, simd, measure, place),
    'equity-recovery': equityRecoveryFigure(data, simd, place),
    'equity-age': equityRateFigure(data, dimension('age'), measure, place),
    'equity-sex': equityRateFigure(data, dimension('sex'), measure, place),
  }
  const inequality: { rate: InequalitySummary; recovery: InequalitySummary } = {
    rate: inequalitySummary(simd, measure.name, 'population'),
    recovery: inequalitySummary(simd, 'proms_recovered', 'proms_at_caseness'),
  }
  const unknown = data.dimensions.map((d) => ({
    dimension: d.label,
    ...(unknownShare(d, measure.name) ?? { share: null, warning: false }),
  }))
  return {
    year,
    years,
    board,
    boards: boards.map((b) => ({ code: b.code, name: b.name })),
    service,
    services,
    measure,
    measures,
    figures,
    inequality,
    unknown,
    notices,
  }
}
