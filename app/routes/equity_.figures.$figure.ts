// The CSV download of one figure of /equity: built as the page builds it, from the same address,
// so the file holds exactly what the table beside the chart shows.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { parseEquityFilters } from '#app/dashboards/equity-filters.ts'
import { EQUITY_FIGURE_IDS, type EquityFigureId, getEquityPage } from '#app/dashboards/pages/equity.server.ts'
import { figureCsvRows } from '#app/domain/figure.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { csvResponse, toCsv } from '#app/utils/csv.server.ts'
import { formatDateTime, latestDueMonth } from '#app/utils/dates.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request)
  const id = params.figure ?? ''
  if (!(EQUITY_FIGURE_IDS as readonly string[]).includes(id))
    throw new Response('There is no such figure.', { status: 404 })
  const filters = parseEquityFilters(new URL(request.url).searchParams)
  const { RETURN_DEADLINE_DAY, SDC_THRESHOLD } = getConfig()
  const page = await getEquityPage({
    filters,
    latestDue: latestDueMonth(new Date(), RETURN_DEADLINE_DAY),
    threshold: SDC_THRESHOLD,
  })
  const figure = page.figures[id as EquityFigureId]
  const rows = figureCsvRows(figure, { period: `financial year ${page.year}`, extractedAt: formatDateTime(new Date()) })
  return csvResponse(toCsv(rows), `${figure.fileName}.csv`)
}
