// The CSV download of any chart's or table's figures: the figure is built as its page builds it,
// from the same query string, so the file holds exactly what the table beside the chart shows.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getFigureForDownload } from '#app/dashboards/cache.server.ts'
import { subjectParam } from '#app/dashboards/figure-download.server.ts'
import { isFigureId } from '#app/dashboards/registry.ts'
import { requireFigureView } from '#app/dashboards/request.server.ts'
import { figureCsvRows } from '#app/domain/figure.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { csvResponse, toCsv } from '#app/utils/csv.server.ts'
import { formatDateTime } from '#app/utils/dates.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = params.figure ?? ''
  if (!isFigureId(id)) {
    await requireUser(request)
    throw new Response('There is no such figure.', { status: 404 })
  }
  const { view, code } = await requireFigureView(request, subjectParam(id))
  const figure = await getFigureForDownload(view, id, code)
  if (!figure) throw new Response('There is no such figure.', { status: 404 })
  const rows = figureCsvRows(figure, { period: view.period.label, extractedAt: formatDateTime(new Date()) })
  return csvResponse(toCsv(rows), `${figure.fileName}.csv`)
}
