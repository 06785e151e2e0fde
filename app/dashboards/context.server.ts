// What a figure is built from: the view and the data it asks for, each query run at most once per
// request however many figures share it. A page builds all its figures from one context; the CSV
// route builds one figure and so runs only that figure's queries.
import { getServiceDetail, type ServiceDetail } from '#app/models/catalogue.server.ts'
import {
  getAvailabilityMatrix,
  getTreatmentCoverage,
  listBoardServices,
  listPopulationCoverage,
  listServiceAvailability,
  listServiceFigures,
} from '#app/models/coverage.server.ts'
import { listAnnotationsForTrend } from '#app/models/annotations.server.ts'
import { listWorkforceSeries } from '#app/models/value.server.ts'
import { listBoardTiles } from '#app/models/org-units.server.ts'
import {
  type FigureScope,
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
import { periodBuckets, periodKey } from '#app/domain/periods.ts'
import { populationYear } from '#app/statistics/indicators.ts'
import { monthRange, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import type { BoardSort } from './filters.ts'
import type { BoardSummary, DashboardView, ServiceSummary } from './view.ts'

/** Whose figures: Scotland (optionally one service), or one board's. */
export type Subject =
  { kind: 'national' } | { kind: 'board'; board: BoardSummary } | { kind: 'service'; service: ServiceSummary }

function once<T>(compute: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined
  return () => (result ??= compute())
}

function onceBy<K, T>(compute: (key: K) => Promise<T>): (key: K) => Promise<T> {
  const results = new Map<string, Promise<T>>()
  return (key: K) => {
    const id = JSON.stringify(key)
    let result = results.get(id)
    if (!result) results.set(id, (result = compute(key)))
    return result
  }
}

export function figureContext(view: DashboardView, subject: Subject = { kind: 'national' }) {
  const { period, comparison, grain, deadlineDay } = view
  const service = subject.kind === 'service' ? subject.service : view.service
  const board = subject.kind === 'board' ? subject.board : null
  const asAt = view.asAt ?? undefined
  const national: FigureScope = { serviceId: service?.id, asAt }
  const scope: FigureScope = board ? { orgUnitId: board.id, serviceId: service?.id, asAt } : national
  const months: MonthBucket[] = monthRange(period.from, period.to).map((month) => ({
    month,
    bucket: periodKey(month, grain),
  }))
  const allMonths = monthRange(period.from, period.to)
  const popYear = populationYear(period.from, period.to)
  const nationalDelivery = service?.delivery === 'national'
  const range = { from: period.from, to: period.to }

  const data = {
    /** The service chosen (or of a service's page) with its measures; null for all services. */
    serviceDetail: once(async (): Promise<ServiceDetail | null> =>
      service ? getServiceDetail({ serviceId: service.id }) : null,
    ),
    totals: once(() => getFigureTotals({ scope, ...range })),
    previous: once(async () =>
      comparison ? getFigureTotals({ scope, from: comparison.from, to: comparison.to }) : null,
    ),
    sinceStart: once(() => getFigureTotals({ scope, from: PROGRAMME_START_MONTH, to: period.to })),
    nationalTotals: once(() => getFigureTotals({ scope: national, ...range })),
    series: once(() => getFigureSeries({ scope, months })),
    nationalSeries: once(() => getFigureSeries({ scope: national, months })),
    reporting: once(() =>
      getReportingByBucket({ scope, months, unitKind: !board && nationalDelivery ? 'national' : 'board' }),
    ),
    referralRate: once(() => getReferralRate({ scope, ...range, populationYear: popYear })),
    nationalReferralRate: once(() => getReferralRate({ scope: national, ...range, populationYear: popYear })),
    boardFigures: onceBy((order: { sort?: BoardSort; dir?: 'asc' | 'desc' }) =>
      listBoardFigures({
        ...range,
        months: allMonths,
        serviceId: service?.id,
        asAt,
        populationYear: popYear,
        deadlineDay,
        ...order,
      }),
    ),
    completeness: once(() => getReturnsCompleteness({ scope, months: allMonths, deadlineDay })),
    /** The returns of the period's last month, of the boards (or the national units of a national service). */
    latestCompleteness: once(() =>
      getReturnsCompleteness({
        scope,
        months: [period.to],
        deadlineDay,
        unitKind: nationalDelivery ? 'national' : 'board',
      }),
    ),
    boardCompleteness: once(() =>
      getReturnsCompleteness({ scope: { orgUnitId: board!.id, asAt }, months: allMonths, deadlineDay }),
    ),
    boardReturns: once(() => listBoardReturns({ orgUnitId: board!.id, months: allMonths, deadlineDay })),
    boardServices: once(() => listBoardServices({ orgUnitId: board!.id, month: period.to })),
    treatments: once(() => getTreatmentCoverage({ month: period.to })),
    serviceFigures: once(() => listServiceFigures({ ...range, orgUnitId: view.board?.id })),
    populationCoverage: once(() => listPopulationCoverage({ month: period.to, populationYear: popYear })),
    serviceAvailability: once(() => listServiceAvailability({ serviceId: service!.id, month: period.to })),
    boardSeries: onceBy((measure: string) => getBoardSeries({ serviceId: service!.id, measure, months })),
    /** The board's digital therapies team by month: supporter hours, staff in post, staff trained. */
    workforce: once(() => listWorkforceSeries({ ...range, board: board?.code })),
    availabilityMatrix: once(() => getAvailabilityMatrix({ month: period.to })),
    boardTiles: once(() => listBoardTiles()),
    /** Events on this subject's trends over the period: national ones and the board's own. */
    annotations: once(() =>
      listAnnotationsForTrend({ orgUnitId: board?.id ?? null, serviceId: service?.id, ...range }),
    ),
  }
  return { view, subject, board, service, data }
}

export type FigureContext = ReturnType<typeof figureContext>

/** The same view by month (control charts need months). */
export function byMonth(view: DashboardView): DashboardView {
  return { ...view, grain: 'month', buckets: periodBuckets(view.period, 'month') }
}
