import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { QueryStatusTag } from '#app/components/returns/return-queries.tsx'
import { type DataColumn, DataTable } from '#app/components/ui/data-table.tsx'
import { SelectInput, SubmitButton } from '#app/components/ui/form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { QUERY_MESSAGE_LABELS, QUERY_STATUS_LABELS, queryFigureText } from '#app/domain/labels.ts'
import { listBoards } from '#app/models/org-units.server.ts'
import { listQueries, listQueryMonths, QUERY_LIST_LIMIT } from '#app/models/queries.server.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { formatDateTime, formatMonth, isMonth } from '#app/utils/dates.ts'
import { can } from '#app/utils/permissions.ts'

export const meta: MetaFunction = () => [{ title: 'Data queries - Digital Therapies Programme Dashboard' }]

const STATUS_FILTERS = ['unresolved', 'open', 'answered', 'closed', 'all'] as const

// A bad or missing filter falls back to the queries not yet closed, never to an error page.
const QueryFiltersSchema = z.object({
  status: z.enum(STATUS_FILTERS).catch('unresolved'),
  board: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]\d{8}$/)
    .optional()
    .catch(undefined),
  month: z.string().trim().refine(isMonth).optional().catch(undefined),
})

const STATUS_OPTIONS = [
  { value: 'unresolved', label: 'Not closed (open or answered)' },
  { value: 'open', label: `${QUERY_STATUS_LABELS.open.text}: waiting for the board` },
  { value: 'answered', label: `${QUERY_STATUS_LABELS.answered.text}: waiting for the national team` },
  { value: 'closed', label: QUERY_STATUS_LABELS.closed.text },
  { value: 'all', label: 'All queries' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  // Analysts neither enter nor see returns, so they do not see the queries about them either.
  const user = await requireUserWith(
    request,
    can.viewQueries,
    'Data queries are for the national programme team and the boards’ digital therapy leads.',
  )
  const filters = QueryFiltersSchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const allBoards = user.role === 'national_lead'
  const boards = allBoards ? await listBoards() : []
  const board = allBoards ? boards.find((b) => b.code === filters.board) : undefined
  const [{ queries, more }, months] = await Promise.all([
    listQueries({
      actor: user,
      filters: {
        status: filters.status === 'all' ? undefined : filters.status,
        // A board lead's own board is in the query itself, whatever the address says.
        orgUnitId: board?.id,
        month: filters.month,
      },
    }),
    listQueryMonths({ actor: user }),
  ])
  return json({
    filters: { ...filters, board: board?.code },
    scope: allBoards ? null : user.orgUnitName,
    boards: boards.map((b) => ({ value: b.code, label: b.name })),
    months: months.map((m) => ({ value: m, label: formatMonth(m) })),
    more: more ? QUERY_LIST_LIMIT : null,
    queries: queries.map((q) => ({
      id: q.id,
      board: q.boardName,
      month: formatMonth(q.month),
      href: `/returns/${q.code}/${q.month}#query-${q.id}`,
      figure: queryFigureText(q.figure),
      status: q.status,
      raised: `${formatDateTime(q.raisedAt)} by ${q.raisedBy}`,
      latest: q.latest
        ? { kind: QUERY_MESSAGE_LABELS[q.latest.kind as keyof typeof QUERY_MESSAGE_LABELS], body: q.latest.body }
        : null,
      updated: formatDateTime(q.updatedAt),
    })),
  })
}

export default function Queries() {
  const { filters, scope, boards, months, queries, more } = useLoaderData<typeof loader>()
  const columns: Array<DataColumn<(typeof queries)[number]>> = [
    {
      header: 'Query',
      cell: (q) => (
        <Link to={q.href}>
          {q.figure}
          <span className="visually-hidden">
            , {q.board}, {q.month}
          </span>
        </Link>
      ),
    },
    { header: 'Board', cell: (q) => q.board },
    { header: 'Month', cell: (q) => q.month },
    { header: 'Status', cell: (q) => <QueryStatusTag status={q.status} /> },
    { header: 'Raised', cell: (q) => q.raised },
    {
      header: 'Latest message',
      cell: (q) =>
        q.latest ? (
          <>
            <strong>{q.latest.kind}:</strong>{' '}
            {q.latest.body.length > 160 ? `${q.latest.body.slice(0, 157)}…` : q.latest.body}
          </>
        ) : null,
    },
    { header: 'Last change', cell: (q) => q.updated },
  ]
  return (
    <>
      <PageHeader label="Monthly returns" title="Data queries">
        <p>
          Questions the national programme team has asked about figures in the monthly returns
          {scope ? ` of ${scope}` : ''}, and the boards’ answers. Open a query to read the whole conversation beside the
          figure, answer it or close it. Times are Scottish time.
        </p>
      </PageHeader>
      <Form method="get" className="app-inline-filters">
        <SelectInput id="status" label="Status" options={STATUS_OPTIONS} defaultValue={filters.status} />
        {boards.length > 0 ? (
          <SelectInput
            id="board"
            label="Board"
            placeholder="All boards"
            options={boards}
            defaultValue={filters.board ?? ''}
          />
        ) : null}
        <SelectInput
          id="month"
          label="Month of the return"
          placeholder="All months"
          options={months}
          defaultValue={filters.month ?? ''}
        />
        <div className="app-inline-filters__actions">
          <SubmitButton secondary>Show queries</SubmitButton>
        </div>
      </Form>
      {queries.length === 0 ? (
        <p>No queries match these filters.</p>
      ) : (
        <>
          <p>
            {queries.length === 1 ? '1 query' : `${queries.length} queries`}, most recently changed first
            {more ? ` (the latest ${more}: narrow the filters to see others)` : ''}.
          </p>
          <DataTable
            caption="Data queries, most recently changed first"
            rows={queries}
            rowKey={(q) => q.id}
            columns={columns}
          />
        </>
      )}
    </>
  )
}
