// The CSV download of any chart's figures: the same page function builds them as the page did,
// from the same query string, so the file holds exactly what the table beside the chart shows.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { getFigureForDownload } from '#app/dashboards/cache.server.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { csvResponse, toCsv } from '#app/utils/csv.server.ts'
import { formatDateTime } from '#app/utils/dates.ts'
import { figureCsvRows } from '#app/domain/figure.ts'
import { requireUser } from '#app/utils/auth.server.ts'

const FigureIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  .max(60)

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request)
  const { RETURN_DEADLINE_DAY } = getConfig()
  const id = FigureIdSchema.safeParse(params.figure)
  if (!id.success) throw new Response('There is no such figure.', { status: 404 })
  const now = new Date()
  const search = new URL(request.url).searchParams
  const found = await getFigureForDownload({ id: id.data, search, now, deadlineDay: RETURN_DEADLINE_DAY })
  if (!found) throw new Response('There is no such figure.', { status: 404 })
  const rows = figureCsvRows(found.figure, { period: found.period, extractedAt: formatDateTime(now) })
  return csvResponse(toCsv(rows), `${found.figure.fileName}.csv`)
}
