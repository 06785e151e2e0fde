import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { type DataColumn, DataTable } from '#app/components/ui/data-table.tsx'
import { InputField, SelectInput, SubmitButton } from '#app/components/ui/form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { Pagination } from '#app/components/ui/pagination.tsx'
import { listAuditActions, listAuditEvents } from '#app/models/audit.server.ts'
import { listBoards } from '#app/models/org-units.server.ts'
import { auditActionLabel } from '#app/domain/audit-actions.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { formatDateTime, londonTime } from '#app/utils/dates.ts'
import { can } from '#app/utils/permissions.ts'

export const meta: MetaFunction = () => [{ title: 'Audit trail - Digital Therapies Programme Dashboard' }]

const DATE = /^\d{4}-\d{2}-\d{2}$/
const optionalDate = z
  .string()
  .trim()
  .regex(DATE)
  .refine((d) => !Number.isNaN(Date.parse(d)))
  .optional()
  .catch(undefined)

// Bad or missing filters fall back to "everything", never to an error page.
const AuditFiltersSchema = z.object({
  who: z.string().trim().max(254).optional().catch(undefined),
  action: z.string().trim().max(100).optional().catch(undefined),
  board: z.coerce.number().int().positive().optional().catch(undefined),
  from: optionalDate,
  to: optionalDate,
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, can.viewAudit)
  const filters = AuditFiltersSchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const restrictToOrgUnitId = user.role === 'national_lead' ? null : user.orgUnitId
  const [{ events, hasMore }, actions, boards] = await Promise.all([
    listAuditEvents({
      restrictToOrgUnitId,
      filters: {
        who: filters.who || undefined,
        action: filters.action || undefined,
        orgUnitId: filters.board,
        // Whole days in Scottish time; "to" includes the day it names.
        from: filters.from ? londonTime(`${filters.from}T00:00`) : undefined,
        to: filters.to ? new Date(londonTime(`${filters.to}T00:00`).getTime() + 86_400_000) : undefined,
        page: filters.page,
      },
    }),
    listAuditActions(),
    restrictToOrgUnitId === null ? listBoards() : Promise.resolve([]),
  ])
  return json({
    filters,
    scope: restrictToOrgUnitId === null ? null : user.orgUnitName,
    actions: actions.map((a) => ({ value: a, label: auditActionLabel(a) })),
    boards,
    hasMore,
    events: events.map((e) => ({
      id: e.id,
      at: formatDateTime(e.at),
      action: auditActionLabel(e.action),
      outcome: e.outcome,
      who: e.userEmail ?? '–',
      board: e.boardName ?? '–',
      subject: e.subject ?? '',
      // Figure changes link to the history of the return they touched.
      history:
        typeof e.details?.code === 'string' && typeof e.details?.month === 'string'
          ? `/returns/${e.details.code}/${e.details.month}/history`
          : null,
      ip: e.ip ?? '',
    })),
  })
}

export default function Audit() {
  const { filters, scope, actions, boards, events, hasMore } = useLoaderData<typeof loader>()
  const pageLink = (page: number) => {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries({ ...filters, page }))
      if (value !== undefined && value !== '') params.set(key, String(value))
    return `?${params}`
  }
  const columns: Array<DataColumn<(typeof events)[number]>> = [
    { header: 'When', cell: (e) => e.at },
    { header: 'Who', cell: (e) => e.who },
    { header: 'What', cell: (e) => e.action },
    { header: 'Subject', cell: (e) => (e.history ? <Link to={e.history}>{e.subject}</Link> : e.subject) },
    { header: 'Board', cell: (e) => e.board },
    {
      header: 'Outcome',
      cell: (e) => (e.outcome === 'success' ? 'Done' : e.outcome === 'refused' ? 'Refused' : 'Failed'),
    },
    { header: 'Address', cell: (e) => e.ip },
  ]
  return (
    <>
      <PageHeader label="Administration" title="Audit trail">
        <p>
          Sign-ins, account changes, catalogue and coverage changes, figure changes, submissions, approvals and uploads
          {scope ? `, for ${scope}` : ''}, newest first. Times are Scottish time.
        </p>
      </PageHeader>
      <Form method="get" className="app-inline-filters">
        <InputField
          id="who"
          label="Who (email contains)"
          type="search"
          defaultValue={filters.who ?? ''}
          spellCheck={false}
        />
        <SelectInput
          id="action"
          label="What"
          placeholder="Everything"
          options={actions}
          defaultValue={filters.action ?? ''}
        />
        {boards.length > 0 ? (
          <SelectInput
            id="board"
            label="Board"
            placeholder="All boards"
            options={boards.map((b) => ({ value: String(b.id), label: b.name }))}
            defaultValue={filters.board ?? ''}
          />
        ) : null}
        <InputField
          id="from"
          label="From"
          hint="Like 2026-11-01"
          width="fixed-10"
          type="text"
          inputMode="numeric"
          defaultValue={filters.from ?? ''}
        />
        <InputField
          id="to"
          label="To"
          hint="Like 2026-11-30"
          width="fixed-10"
          type="text"
          inputMode="numeric"
          defaultValue={filters.to ?? ''}
        />
        <div className="app-inline-filters__actions">
          <SubmitButton secondary>Show events</SubmitButton>
        </div>
      </Form>

      {events.length === 0 ? (
        <p>No events match these filters.</p>
      ) : (
        <DataTable caption="Audit events, newest first" rows={events} rowKey={(e) => e.id} columns={columns} />
      )}
      <Pagination
        label="Pages of events"
        previous={filters.page > 1 ? { to: pageLink(filters.page - 1), label: 'Newer events' } : undefined}
        next={hasMore ? { to: pageLink(filters.page + 1), label: 'Older events' } : undefined}
      />
    </>
  )
}
