// The dashboards' figures, computed once per data version and reused until something changes
// (see getDataVersion): the same for everyone who asks, so one person's view warms the next.
import { cachedAtVersion } from '#app/utils/cache.server.ts'
import { ZONE } from '#app/utils/dates.ts'
import { countFiguresCache } from '#app/utils/metrics.server.ts'
import { getDataVersion } from './data-version.server.ts'
import * as dashboards from './dashboards.server.ts'

type Request = dashboards.DashboardRequest

/**
 * Everything a page's figures depend on besides the data: its query (sorted, so the same view
 * is one entry whatever the order of its parameters), the day (deadlines and "overdue" move at
 * midnight, Scottish time), the deadline day, and the page's own arguments.
 */
function keyOf(name: string, request: Request) {
  const { search, now, deadlineDay, ...rest } = request
  const query = [...search.entries()].sort(([a], [b]) => a.localeCompare(b))
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(now)
  return JSON.stringify([name, day, deadlineDay, query, rest])
}

function cached<A extends Request, R>(name: string, compute: (request: A) => Promise<R>) {
  return async (request: A): Promise<R> =>
    countFiguresCache(name, cachedAtVersion, keyOf(name, request), await getDataVersion(), () => compute(request))
}

export const getOverview = cached('overview', dashboards.getOverview)
export const getBoardsTable = cached('boards', dashboards.getBoardsTable)
export const getBoardDashboard = cached('board', dashboards.getBoardDashboard)
export const getServicesList = cached('services', dashboards.getServicesList)
export const getServiceDashboard = cached('service', dashboards.getServiceDashboard)
export const getCoverage = cached('coverage', dashboards.getCoverage)
export const getFigureForDownload = cached('figure', dashboards.getFigureForDownload)
