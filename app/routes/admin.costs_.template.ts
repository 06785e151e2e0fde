// The costs upload template: the columns /admin/costs reads, with an example of a national cost
// and a board's own cost, as a CSV download.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { COST_UPLOAD_COLUMNS } from '#app/returns/cost-rules.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { csvResponse, toCsv } from '#app/utils/csv.server.ts'
import { currentMonth, financialYear } from '#app/utils/dates.ts'
import { can } from '#app/utils/permissions.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWith(request, can.administer, 'Only the national programme lead records costs.')
  const year = financialYear(currentMonth())
  return csvResponse(
    toCsv([
      [...COST_UPLOAD_COLUMNS],
      [year, 'S92000003', 'ccbt-adults', 'licence', '1,050,000', 'National cCBT platform licence'],
      [year, 'S08000024', 'ccbt-adults', 'staff', '85,000', "Lothian's supporters"],
    ]),
    'costs-template.csv',
  )
}
