import type { LoaderFunctionArgs } from '@remix-run/node'
import { stringify } from 'csv-stringify/sync'
import writeXlsxFile from 'write-excel-file/node'
import { listTemplateRows } from '#app/models/completeness.server.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { lastCompleteMonth } from '#app/utils/dates.ts'
import { UPLOAD_COLUMNS } from '#app/returns/upload-parse.server.ts'

// The upload template: one row for each figure the user's board (every board, for the national
// lead) reports for last month, with the value left empty.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, (actor) => actor.role !== 'analyst', 'Analysts do not enter figures.')
  const format = new URL(request.url).searchParams.get('format') === 'xlsx' ? 'xlsx' : 'csv'
  const month = lastCompleteMonth()
  const rows = await listTemplateRows({ actor: user, month })
  const fileName = `monthly-figures-template-${month}.${format}`
  const headers = {
    'Content-Disposition': `attachment; filename="${fileName}"`,
    'Cache-Control': 'no-store',
  }
  if (format === 'csv') {
    const body = stringify(
      rows.map((r) => [month, r.code, r.service, r.measure, '', '', '']),
      { header: true, columns: [...UPLOAD_COLUMNS], bom: true, record_delimiter: 'windows' },
    )
    return new Response(body, { headers: { ...headers, 'Content-Type': 'text/csv; charset=utf-8' } })
  }
  const cell = (value: string) => ({ type: String, value })
  const data = [
    UPLOAD_COLUMNS.map((c) => ({ ...cell(c), fontWeight: 'bold' as const })),
    ...rows.map((r) => [cell(month), cell(r.code), cell(r.service), cell(r.measure), null, null, null]),
  ]
  const buffer = await writeXlsxFile(data, { sheet: 'Figures' }).toBuffer()
  return new Response(new Uint8Array(buffer), {
    headers: { ...headers, 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  })
}
