import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { PageHeader } from '#app/components/ui/page-header.tsx'
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
  return (
    <>
      <PageHeader label="Administration" title="Audit trail">
        <p>
          Sign-ins, account changes, catalogue and coverage changes, figure changes, submissions, approvals and uploads
          {scope ? `, for ${scope}` : ''}, newest first. Times are Scottish time.
        </p>
      </PageHeader>
      <Form method="get" className="app-inline-filters">
        <div className="ds_question">
          <label className="ds_label" htmlFor="who">
            Who (email contains)
          </label>
          <input
            className="ds_input"
            id="who"
            name="who"
            type="search"
            defaultValue={filters.who ?? ''}
            spellCheck={false}
          />
        </div>
        <div className="ds_question">
          <label className="ds_label" htmlFor="action">
            What
          </label>
          <div className="ds_select-wrapper">
            <select className="ds_select" id="action" name="action" defaultValue={filters.action ?? ''}>
              <option value="">Everything</option>
              {actions.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </select>
            <span className="ds_select-arrow" aria-hidden="true" />
          </div>
        </div>
        {boards.length > 0 ? (
          <div className="ds_question">
            <label className="ds_label" htmlFor="board">
              Board
            </label>
            <div className="ds_select-wrapper">
              <select className="ds_select" id="board" name="board" defaultValue={filters.board ?? ''}>
                <option value="">All boards</option>
                {boards.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
              <span className="ds_select-arrow" aria-hidden="true" />
            </div>
          </div>
        ) : null}
        <div className="ds_question">
          <label className="ds_label" htmlFor="from">
            From
          </label>
          <p className="ds_hint-text" id="from-hint">
            Like 2026-11-01
          </p>
          <input
            className="ds_input ds_input--fixed-10"
            id="from"
            name="from"
            type="text"
            inputMode="numeric"
            aria-describedby="from-hint"
            defaultValue={filters.from ?? ''}
          />
        </div>
        <div className="ds_question">
          <label className="ds_label" htmlFor="to">
            To
          </label>
          <p className="ds_hint-text" id="to-hint">
            Like 2026-11-30
          </p>
          <input
            className="ds_input ds_input--fixed-10"
            id="to"
            name="to"
            type="text"
            inputMode="numeric"
            aria-describedby="to-hint"
            defaultValue={filters.to ?? ''}
          />
        </div>
        <div className="app-inline-filters__actions">
          <button type="submit" className="ds_button ds_button--secondary">
            Show events
          </button>
        </div>
      </Form>

      {events.length === 0 ? (
        <p>No events match these filters.</p>
      ) : (
        // A region in the tab order: on a narrow screen the table scrolls sideways, and a row may
        // hold no link, so the keyboard needs the region itself to scroll it (WCAG 2.1.1).
        <div className="app-table-scroll" tabIndex={0} role="region" aria-labelledby="audit-events-caption">
          <table className="ds_table">
            <caption className="visually-hidden" id="audit-events-caption">
              Audit events, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Subject</th>
                <th scope="col">Board</th>
                <th scope="col">Outcome</th>
                <th scope="col">Address</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td>{e.at}</td>
                  <td>{e.who}</td>
                  <td>{e.action}</td>
                  <td>{e.history ? <Link to={e.history}>{e.subject}</Link> : e.subject}</td>
                  <td>{e.board}</td>
                  <td>{e.outcome === 'success' ? 'Done' : e.outcome === 'refused' ? 'Refused' : 'Failed'}</td>
                  <td>{e.ip}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="ds_pagination" aria-label="Pages of events">
        <ul className="ds_pagination__list">
          {filters.page > 1 ? (
            <li className="ds_pagination__item">
              <Link className="ds_pagination__link" to={pageLink(filters.page - 1)}>
                Newer events
              </Link>
            </li>
          ) : null}
          {hasMore ? (
            <li className="ds_pagination__item">
              <Link className="ds_pagination__link" to={pageLink(filters.page + 1)}>
                Older events
              </Link>
            </li>
          ) : null}
        </ul>
      </nav>
    </>
  )
}
