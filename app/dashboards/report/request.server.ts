// A request for the monthly report: who may read which report, the month and board it names,
// and the moment its figures are as at. A board lead reads the national report and their own
// board's; the other roles read every report.
import { listServices } from '#app/models/catalogue.server.ts'
import { listBoards } from '#app/models/org-units.server.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { isMonth, lastCompleteMonth, parseInstant, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import { can } from '#app/utils/permissions.ts'
import { BoardCodeSchema } from '../filters.ts'
import { resolveView } from '../request.server.ts'
import { reportPeriods } from './report.server.ts'

function refuse(message: string, status: number): never {
  throw new Response(message, { status })
}

/**
 * The report's view (its control charts' months, by month) for the month and board the address
 * names, as at its `asAt` (or now), after the guard.
 */
export async function requireReportViews(request: Request, monthParam: string | undefined) {
  const user = await requireUser(request)
  const url = new URL(request.url)
  const now = new Date()
  const month = monthParam ?? ''
  if (!isMonth(month) || month < PROGRAMME_START_MONTH || month > lastCompleteMonth(now)) {
    refuse(
      `There is no report for “${month}”: reports cover each month from ${PROGRAMME_START_MONTH} to the last complete month, written as YYYY-MM.`,
      404,
    )
  }
  const [boards, services] = await Promise.all([listBoards(), listServices()])
  const code = url.searchParams.get('board')
  const board = code ? boards.find((b) => b.code === BoardCodeSchema.safeParse(code).data) : null
  if (code && !board) refuse(`There is no board with the code ${code}.`, 404)
  if (!can.viewReport(user, { orgUnitId: board?.id ?? null })) {
    refuse('You can read the national report and your own board’s report only.', 403)
  }
  const asAtText = url.searchParams.get('asAt')
  const asAt = asAtText ? parseInstant(asAtText) : null
  if (asAtText && !asAt) refuse(`“${asAtText}” is not a date and time: write asAt as ISO 8601.`, 400)
  if (asAt && asAt > now) refuse('asAt must not be in the future: a report shows figures as they were.', 400)

  const { RETURN_DEADLINE_DAY } = getConfig()
  const { from, to } = reportPeriods(month).charts
  const search = new URLSearchParams({ from, to, grain: 'month' })
  if (board) search.set('board', board.code)
  if (url.searchParams.get('sdc') === 'on') search.set('sdc', 'on')
  const view = {
    ...resolveView({ search, now, deadlineDay: RETURN_DEADLINE_DAY, boards, services }),
    asAt: asAt?.toISOString() ?? null,
  }
  return {
    user,
    view,
    /** The moment the figures are as at: the address's, or this request's. */
    asAt: (asAt ?? now).toISOString(),
  }
}
