import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { Pagination } from '#app/components/ui/pagination.tsx'
import { NeedsAttention } from '#app/components/returns/needs-attention.tsx'
import { ReturnStatusTag } from '#app/components/returns/return-status-tag.tsx'
import { WarningText } from '#app/components/ui/notification.tsx'
import { getNeedsAttention } from '#app/models/attention.server.ts'
import { countQueriesAwaiting } from '#app/models/queries.server.ts'
import { listReturns } from '#app/models/completeness.server.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { formatOrdinal } from '#app/domain/format.ts'
import {
  addMonths,
  formatDate,
  formatDateTime,
  formatMonth,
  isMonth,
  lastCompleteMonth,
  monthRange,
  PROGRAMME_START_MONTH,
} from '#app/utils/dates.ts'
import { can } from '#app/utils/permissions.ts'
import { DataTable } from '#app/components/ui/data-table.tsx'

export const meta: MetaFunction = () => [{ title: 'Monthly returns - Digital Therapies Programme Dashboard' }]

const MONTHS_PER_PAGE = 12

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const latest = lastCompleteMonth()
  const search = new URL(request.url).searchParams
  const Query = z.object({
    month: z
      .string()
      .refine(isMonth)
      .refine((m) => m >= PROGRAMME_START_MONTH && m <= latest)
      .catch(latest),
    until: z
      .string()
      .refine(isMonth)
      .refine((m) => m >= PROGRAMME_START_MONTH && m <= latest)
      .catch(latest),
  })
  const query = Query.parse(Object.fromEntries(search))
  const national = user.role === 'national_lead'
  // The national lead works month by month across boards; a board lead down their own months.
  const months = national
    ? [query.month]
    : monthRange(addMonths(query.until, -(MONTHS_PER_PAGE - 1)), query.until)
        .filter((m) => m >= PROGRAMME_START_MONTH)
        .reverse()
  const [rows, attention, queriesAwaiting] = await Promise.all([
    listReturns({ actor: user, months }),
    getNeedsAttention({ actor: user }),
    countQueriesAwaiting({ actor: user }),
  ])
  return json({
    attention: attention && user.role !== 'analyst' ? { role: user.role, ...attention, queriesAwaiting } : null,
    /** Without a mail server, nobody is reminded by e-mail: the page says so. */
    remindersOff: !getConfig().SMTP_URL,
    deadlineDay: getConfig().RETURN_DEADLINE_DAY,
    national,
    board: user.orgUnitName,
    month: query.month,
    latest,
    earlier: earlierLink(national ? addMonths(query.month, -1) : addMonths(months.at(-1)!, -1), national),
    later: laterLink(national ? query.month : query.until, latest, national),
    canUpload: can.editReturn(user, { orgUnitId: user.orgUnitId ?? -1, status: null }),
    rows: rows.map((r) => ({
      ...r,
      deadline: formatDate(r.deadline),
      submittedAt: r.submittedAt ? formatDateTime(r.submittedAt) : null,
    })),
  })
}

function earlierLink(month: string, national: boolean) {
  if (month < PROGRAMME_START_MONTH) return null
  return {
    to: national ? `?month=${month}` : `?until=${month}`,
    label: national ? formatMonth(month) : 'Earlier months',
  }
}

function laterLink(shown: string, latest: string, national: boolean) {
  if (shown >= latest) return null
  if (national) return { to: `?month=${addMonths(shown, 1)}`, label: formatMonth(addMonths(shown, 1)) }
  const until = addMonths(shown, MONTHS_PER_PAGE) > latest ? latest : addMonths(shown, MONTHS_PER_PAGE)
  return { to: `?until=${until}`, label: 'Later months' }
}

export default function Returns() {
  const data = useLoaderData<typeof loader>()
  const { rows, national } = data
  return (
    <>
      <PageHeader label={national ? 'All boards' : (data.board ?? undefined)} title="Monthly returns">
        <p>
          {national
            ? `Every board’s return for ${formatMonth(data.month)}: open one to review, approve or reopen it.`
            : 'Your board’s monthly returns, newest first. Open a month to enter, check and submit its figures.'}{' '}
          Returns are due by the {formatOrdinal(data.deadlineDay)} of the following month.
        </p>
      </PageHeader>
      {data.remindersOff ? (
        <WarningText>
          {national
            ? 'E-mail reminders are off: the server has no mail server set (SMTP_URL), so board leads are not reminded of their deadlines by e-mail.'
            : 'E-mail reminders are off at the moment: check your board’s deadlines here.'}
        </WarningText>
      ) : null}
      {data.attention ? <NeedsAttention {...data.attention} showWhenEmpty /> : null}
      {data.canUpload ? (
        <p>
          <Link to="/returns/upload">Upload figures from a spreadsheet (CSV or XLSX)</Link>
        </p>
      ) : null}
      <DataTable
        caption="Monthly returns with their status and deadline"
        rows={rows}
        rowKey={(r) => `${r.code}-${r.month}`}
        columns={[
          {
            header: national ? 'Board' : 'Month',
            cell: (r) => <Link to={`/returns/${r.code}/${r.month}`}>{national ? r.name : formatMonth(r.month)}</Link>,
          },
          { header: 'Status', cell: (r) => <ReturnStatusTag status={r.status} late={r.late} overdue={r.overdue} /> },
          { header: 'Due by', cell: (r) => r.deadline },
          { header: 'Submitted', cell: (r) => r.submittedAt ?? 'Not yet' },
        ]}
      />
      <Pagination
        label={national ? 'Other months' : 'Earlier and later months'}
        previous={data.earlier ?? undefined}
        next={data.later ?? undefined}
      />
    </>
  )
}
