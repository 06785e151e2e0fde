// The CSV download of one figure of /value: built as the page builds it, from the same address,
// so the file holds exactly what the table beside the chart shows (for this reader).
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getValuePage, VALUE_FIGURE_IDS, type ValueFigureId } from '#app/dashboards/pages/value.server.ts'
import { parseValueFilters } from '#app/dashboards/value-filters.ts'
import { figureCsvRows } from '#app/domain/figure.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { csvResponse, toCsv } from '#app/utils/csv.server.ts'
import { formatDateTime, latestDueMonth } from '#app/utils/dates.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const id = params.figure ?? ''
  if (!(VALUE_FIGURE_IDS as readonly string[]).includes(id))
    throw new Response('There is no such figure.', { status: 404 })
  const filters = parseValueFilters(new URL(request.url).searchParams)
  const { RETURN_DEADLINE_DAY, SDC_THRESHOLD } = getConfig()
  const page = await getValuePage({
    filters,
    latestDue: latestDueMonth(new Date(), RETURN_DEADLINE_DAY),
    actor: user,
    threshold: SDC_THRESHOLD,
  })
  const figure = page.figures[id as ValueFigureId]
  const rows = figureCsvRows(figure, {
    period: `financial years ${page.years[0]} to ${page.years.at(-1)}`,
    extractedAt: formatDateTime(new Date()),
  })
  return csvResponse(toCsv(rows), `${figure.fileName}.csv`)
}
