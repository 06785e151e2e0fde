// The dashboards' pages and figures, computed once per data version and reused until something
// changes (see getDataVersion): the same for everyone who asks, so one person's view warms the
// next. Keyed by the parsed view, so the order of an address's parameters, or a parameter that is
// no filter, makes no new entry.
import { getDataVersion } from '#app/models/data-version.server.ts'
import { cachedAtVersion } from '#app/utils/cache.server.ts'
import { countFiguresCache } from '#app/utils/metrics.server.ts'
import { getFigureForDownload as buildFigureForDownload } from './figure-download.server.ts'
import { getBoardDashboard as buildBoard } from './pages/board.server.ts'
import { getBoardsTable as buildBoards } from './pages/boards.server.ts'
import { getCoverage as buildCoverage } from './pages/coverage.server.ts'
import { getOverview as buildOverview } from './pages/overview.server.ts'
import { getServiceDashboard as buildService } from './pages/service.server.ts'
import { getServicesList as buildServices } from './pages/services.server.ts'
import { getVariation as buildVariation } from './pages/variation.server.ts'
import { getMonthlyReport as buildMonthlyReport } from './report/report.server.ts'
import type { DashboardView } from './view.ts'

/**
 * Everything a page's figures depend on besides the data: the filters as parsed, the months they
 * stand for, the day (deadlines and "overdue" move at midnight, Scottish time), the deadline day,
 * disclosure control, the moment the figures are as at, and the page's own arguments.
 */
function keyOf(name: string, view: DashboardView, args: unknown[]) {
  const { filters, period, today, deadlineDay, sdcThreshold, asAt } = view
  return JSON.stringify([name, today, deadlineDay, sdcThreshold, asAt, filters, period.from, period.to, args])
}

function cached<A extends unknown[], R>(name: string, compute: (view: DashboardView, ...args: A) => Promise<R>) {
  return async (view: DashboardView, ...args: A): Promise<R> =>
    countFiguresCache(name, cachedAtVersion, keyOf(name, view, args), await getDataVersion(), () =>
      compute(view, ...args),
    )
}

export const getOverview = cached('overview', buildOverview)
export const getBoardsTable = cached('boards', buildBoards)
export const getBoardDashboard = cached('board', buildBoard)
export const getServicesList = cached('services', buildServices)
export const getServiceDashboard = cached('service', buildService)
export const getCoverage = cached('coverage', buildCoverage)
export const getVariation = cached('variation', buildVariation)
export const getFigureForDownload = cached('figure', buildFigureForDownload)
export const getMonthlyReport = cached('report', buildMonthlyReport)
