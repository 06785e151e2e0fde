import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { ErrorSummary } from '#app/components/ui/form.tsx'
import { SuccessBanner, WarningText } from '#app/components/ui/notification.tsx'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { BreakdownSection } from '#app/components/returns/breakdown-section.tsx'
import { type CellQuery, FigureGrid } from '#app/components/returns/figure-grid.tsx'
import { type FigureChoice, ReturnQueries } from '#app/components/returns/return-queries.tsx'
import { ReturnStatusTag } from '#app/components/returns/return-status-tag.tsx'
import {
  approveReturn,
  findReturnUnit,
  getReturnForm,
  reopenReturn,
  ReturnWorkflowError,
  saveReturn,
} from '#app/models/returns.server.ts'
import { listReturnQueries } from '#app/models/queries.server.ts'
import { handleQueryAction } from '#app/returns/query-actions.server.ts'
import { isQueryIntent } from '#app/returns/query-form.ts'
import { can } from '#app/utils/permissions.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { describeDeadline } from '#app/returns/deadlines.server.ts'
import { formatDateTime, formatMonth, isMonth } from '#app/utils/dates.ts'
import { formatCount } from '#app/domain/format.ts'
import { badRequest, notFound } from '#app/utils/http.server.ts'
import { breakdownFieldId, parseBreakdownForm } from '#app/returns/breakdowns.ts'
import { fieldId, parseReturnForm } from '#app/returns/form.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.form.unit.name}, ${formatMonth(data.form.month)} - Monthly return` : 'Monthly return' },
]

const ParamsSchema = z.object({ code: z.string().regex(/^[A-Za-z]\d{8}$/), month: z.string().refine(isMonth) })

function parseParams(params: Record<string, string | undefined>) {
  const parsed = ParamsSchema.safeParse(params)
  if (!parsed.success)
    throw notFound(
      'There is no such return: the address needs a board code and a month, like /returns/S08000024/2026-10.',
    )
  return parsed.data
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { code, month } = parseParams(params)
  const unit = await findReturnUnit({ code })
  const now = new Date()
  const form = await getReturnForm({ actor: user, unit, month, now })
  const queries = await listReturnQueries({ actor: user, orgUnitId: unit.id, month })
  return json({
    form,
    queries,
    queryRights: {
      // A query needs a board's return to exist: it is about figures someone has saved.
      raise: can.raiseQuery(user) && unit.kind === 'board' && form.status !== null,
      answer: can.answerQuery(user, { orgUnitId: unit.id }),
    },
    deadline: describeDeadline({
      deadline: new Date(form.deadline),
      submittedAt: form.firstSubmittedAt ? new Date(form.firstSubmittedAt) : null,
      now,
    }),
    events: form.events.map((e) => ({ ...e, at: formatDateTime(e.at) })),
    submittedAt: form.submittedAt ? formatDateTime(form.submittedAt) : null,
    approvedAt: form.approvedAt ? formatDateTime(form.approvedAt) : null,
  })
}

const IntentSchema = z.object({
  intent: z.enum(['save', 'submit', 'approve', 'reopen']),
  version: z.coerce.number().int().min(0),
  reason: z.string().trim().max(1_000).default(''),
  // Approving while queries are not closed needs this, from the page's second button.
  confirmUnresolvedQueries: z.literal('yes').optional().catch(undefined),
})

type Problems = Array<{ service: string; measure: string; message: string; dimension?: string; category?: string }>
type ActionData =
  | { kind: 'invalid'; problems: Problems; typed: Record<string, string>; reason: string }
  | {
      kind: 'conflict'
      changedBy: string | null
      changedAt: string | null
      differences: Array<{ label: string; theirs: string; yours: string }>
    }
  | { kind: 'workflow'; message: string }
  | { kind: 'confirm-approve'; unresolvedQueries: number }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const { code, month } = parseParams(params)
  const unit = await findReturnUnit({ code })
  const formData = await request.formData()
  const intentField = formData.get('intent')
  if (isQueryIntent(intentField))
    return handleQueryAction({ intent: intentField, formData, user, unit, month, ip: context.clientIp })
  const parsed = IntentSchema.safeParse(Object.fromEntries(formData))
  if (!parsed.success) throw badRequest('The form was incomplete: reload the page and try again.')
  const { intent, version, reason, confirmUnresolvedQueries } = parsed.data
  const ip = context.clientIp
  const here = `/returns/${unit.code}/${month}`

  try {
    if (intent === 'approve') {
      const result = await approveReturn({
        actor: user,
        unit,
        month,
        expectedVersion: version,
        confirmUnresolvedQueries: confirmUnresolvedQueries === 'yes',
        ip,
      })
      if (!result.ok && result.unresolvedQueries)
        return json<ActionData>(
          { kind: 'confirm-approve', unresolvedQueries: result.unresolvedQueries },
          { status: 409 },
        )
      if (!result.ok)
        return json<ActionData>(
          {
            kind: 'workflow',
            message: 'The return changed since you opened it: check the figures again before approving.',
          },
          { status: 409 },
        )
      return redirect(`${here}?done=approved`)
    }
    if (intent === 'reopen') {
      if (!reason)
        return json<ActionData>(
          { kind: 'workflow', message: 'Give the reason for reopening the month' },
          { status: 400 },
        )
      const result = await reopenReturn({ actor: user, unit, month, expectedVersion: version, reason, ip })
      if (!result.ok)
        return json<ActionData>(
          { kind: 'workflow', message: 'The return changed since you opened it: reload the page and try again.' },
          { status: 409 },
        )
      return redirect(`${here}?done=reopened`)
    }
  } catch (error) {
    if (error instanceof ReturnWorkflowError)
      return json<ActionData>({ kind: 'workflow', message: error.message }, { status: 400 })
    throw error
  }

  const form = parseReturnForm(formData)
  const split = parseBreakdownForm(formData)
  const typed = { ...form.typed, ...split.typed }
  if (form.errors.length > 0 || split.errors.length > 0) {
    return json<ActionData>(
      { kind: 'invalid', problems: [...form.errors, ...split.errors], typed, reason },
      { status: 400 },
    )
  }
  const outcome = await saveReturn({
    actor: user,
    unit,
    month,
    expectedVersion: version,
    figures: form.figures,
    breakdowns: split.breakdowns,
    submit: intent === 'submit',
    reason: reason || null,
    ip,
  })
  if (outcome.ok) return redirect(`${here}?done=${intent === 'submit' ? 'submitted' : 'saved'}`)
  if (outcome.kind === 'invalid') {
    return json<ActionData>({ kind: 'invalid', problems: outcome.problems, typed, reason }, { status: 400 })
  }
  const theirs = new Map(outcome.current.map((f) => [`${f.service}|${f.measure}`, f.value]))
  const differences = form.figures
    .filter((f) => (theirs.get(`${f.service}|${f.measure}`) ?? null) !== f.value)
    .map((f) => ({
      label: `${f.service}: ${f.measure.replace(/_/g, ' ')}`,
      theirs: formatValue(theirs.get(`${f.service}|${f.measure}`) ?? null),
      yours: formatValue(f.value),
    }))
  return json<ActionData>(
    {
      kind: 'conflict',
      changedBy: outcome.changedBy,
      changedAt: outcome.changedAt ? formatDateTime(outcome.changedAt) : null,
      differences,
    },
    { status: 409 },
  )
}

function formatValue(value: number | null) {
  return value === null ? 'not reported' : formatCount(value)
}

const DONE: Record<string, string> = {
  saved: 'Draft saved',
  submitted: 'Return submitted',
  approved: 'Month approved and locked',
  reopened: 'Month reopened for corrections',
  'query-raised': 'Query raised: the board’s digital therapy lead can answer it on this page',
  'query-answered': 'Answer sent',
  'query-corrected': 'Answer sent and the figure corrected',
  'query-closed': 'Query closed',
  'query-reopened': 'Query reopened',
}

export default function MonthlyReturn() {
  const { form, queries, queryRights, deadline, events, submittedAt, approvedAt } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const done = DONE[params.get('done') ?? '']
  const invalid = actionData?.kind === 'invalid' ? actionData : null
  const queryFeedback = actionData?.kind === 'query' ? actionData : null
  const cellQueries = new Map<string, CellQuery[]>()
  for (const q of queries) {
    if (!q.figure) continue
    const key = `${q.figure.service}|${q.figure.measure}`
    cellQueries.set(key, [...(cellQueries.get(key) ?? []), { id: q.id, status: q.status }])
  }
  const figureChoices: FigureChoice[] = form.groups.flatMap((g) =>
    g.services.flatMap((s) =>
      s.cells
        .filter((c) => c.applies)
        .map((c) => ({
          value: `${s.slug}.${c.measure}`,
          label: `${s.name}: ${g.measures.find((m) => m.name === c.measure)?.label ?? c.measure}`,
          current: c.value,
        })),
    ),
  )
  const unresolvedQueries = queries.filter((q) => q.status !== 'closed').length
  const problems = invalid?.problems ?? []
  const cellErrors = new Map(
    problems.filter((p) => p.service && p.measure && !p.dimension).map((p) => [`${p.service}|${p.measure}`, p.message]),
  )
  const breakdownErrors = new Map(
    problems
      .filter((p) => p.dimension)
      .map((p) => [[p.service, p.measure, p.dimension, ...(p.category ? [p.category] : [])].join('|'), p.message]),
  )
  const fieldOf = (p: Problems[number]) => {
    if (!p.service || !p.measure) return p.message.includes('reason') ? 'reason' : 'figures'
    if (!p.dimension) return fieldId(p.service, p.measure)
    const breakdown = form.breakdowns.find((b) => b.service === p.service)
    const category = p.category ?? breakdown?.dimensions.find((d) => d.name === p.dimension)?.categories[0]?.name
    return category
      ? breakdownFieldId({ service: p.service, measure: p.measure, dimension: p.dimension, category })
      : 'breakdowns-title'
  }
  const summary = [
    ...problems.map((p) => ({ id: fieldOf(p), message: p.message })),
    ...(actionData?.kind === 'workflow' ? [{ id: 'workflow-actions', message: actionData.message }] : []),
    ...(queryFeedback?.problems ?? []),
  ]
  const monthName = formatMonth(form.month)
  const here = `/returns/${form.unit.code}/${form.month}`
  const needsReason = Boolean(form.firstApprovedAt)

  return (
    <>
      <ErrorSummary errors={summary} />
      {done && !actionData ? <SuccessBanner title={done} /> : null}
      {actionData?.kind === 'conflict' ? <ConflictNotice conflict={actionData} /> : null}
      {actionData?.kind === 'confirm-approve' ? (
        // Said at the top too: without JavaScript the page comes back scrolled to the top.
        <WarningText>
          The month is not approved yet: queries about it are not closed.{' '}
          <a href="#workflow-actions">Confirm or go back to the queries</a>.
        </WarningText>
      ) : null}
      <Breadcrumbs items={[{ to: '/returns', label: 'Monthly returns' }]} current={`${form.unit.name}, ${monthName}`} />
      <PageHeader label={form.unit.name} title={`Monthly return for ${monthName}`}>
        <p>
          <ReturnStatusTag status={form.status} late={form.late} /> {deadline}
        </p>
      </PageHeader>

      <ul className="app-return-meta">
        {submittedAt ? <li>Last submitted {submittedAt}</li> : null}
        {approvedAt && form.status === 'approved' ? <li>Approved {approvedAt}</li> : null}
        <li>
          <Link to={`${here}/history`}>History: every version of every figure</Link>
        </li>
      </ul>

      {form.monthProblem ? (
        <div className="ds_inset-text">
          <div className="ds_inset-text__text">{form.monthProblem}.</div>
        </div>
      ) : form.canEdit ? (
        <Form method="post" id="figures" tabIndex={-1}>
          <input type="hidden" name="version" value={form.version} />
          <p>
            Enter each figure as a whole number. Leave a figure empty if it was not collected this month: it will show
            as not reported, which is different from 0.
          </p>
          <FigureGrid
            groups={form.groups}
            editable
            typed={invalid?.typed ?? null}
            errors={cellErrors}
            historyHref={`${here}/history`}
            queries={cellQueries}
          />
          <BreakdownSection
            services={form.breakdowns}
            editable
            typed={invalid?.typed ?? null}
            errors={breakdownErrors}
          />
          {needsReason ? (
            <div className={`ds_question${summary.some((s) => s.id === 'reason') ? ' ds_question--error' : ''}`}>
              <label className="ds_label" htmlFor="reason">
                Reason for changing approved figures
              </label>
              <p className="ds_hint-text" id="reason-hint">
                This month was approved before. Say why the figures change: it is kept with each changed figure, and the
                figures are marked as revised.
              </p>
              <textarea
                className="ds_input"
                id="reason"
                name="reason"
                rows={3}
                aria-describedby="reason-hint"
                defaultValue={invalid?.reason ?? ''}
              />
            </div>
          ) : null}
          <div className="ds_button-group">
            <button type="submit" name="intent" value="submit" className="ds_button">
              {form.status === 'draft' || form.status === null ? 'Submit return' : 'Save and keep submitted'}
            </button>
            <button type="submit" name="intent" value="save" className="ds_button ds_button--secondary">
              Save as draft
            </button>
          </div>
        </Form>
      ) : (
        <>
          {form.status === 'approved' ? (
            <WarningText>
              This month has been approved and is locked. Only the national programme team can reopen it.
            </WarningText>
          ) : null}
          <FigureGrid
            groups={form.groups}
            editable={false}
            typed={null}
            errors={cellErrors}
            historyHref={`${here}/history`}
            queries={cellQueries}
          />
          <BreakdownSection services={form.breakdowns} editable={false} typed={null} errors={breakdownErrors} />
        </>
      )}

      <ReturnQueries
        queries={queries}
        figures={figureChoices}
        version={form.version}
        canRaise={queryRights.raise}
        canAnswer={queryRights.answer}
        canCorrect={form.canEdit && !form.monthProblem}
        feedback={queryFeedback}
      />

      <div id="workflow-actions" tabIndex={-1}>
        {form.canApprove ? (
          <Form method="post" className="app-workflow" preventScrollReset>
            <h2>Approve this month</h2>
            <p>Approving locks the figures. They stay provisional in exports until approved.</p>
            <input type="hidden" name="version" value={form.version} />
            {actionData?.kind === 'confirm-approve' ? (
              <>
                <WarningText>
                  {actionData.unresolvedQueries === 1
                    ? '1 query about this return is not closed.'
                    : `${actionData.unresolvedQueries} queries about this return are not closed.`}{' '}
                  <a href="#queries">Read the queries</a>, or approve the month with them still open: they stay open and
                  the board can still answer them.
                </WarningText>
                <input type="hidden" name="confirmUnresolvedQueries" value="yes" />
                <div className="ds_button-group">
                  <button type="submit" name="intent" value="approve" className="ds_button">
                    Approve with open queries
                  </button>
                  <a href="#queries" className="ds_button ds_button--secondary">
                    Read the queries first
                  </a>
                </div>
              </>
            ) : (
              <>
                {unresolvedQueries > 0 ? (
                  <p>
                    {unresolvedQueries === 1
                      ? '1 query about this return is not closed: you will be asked to confirm.'
                      : `${unresolvedQueries} queries about this return are not closed: you will be asked to confirm.`}
                  </p>
                ) : null}
                <button type="submit" name="intent" value="approve" className="ds_button">
                  Approve and lock
                </button>
              </>
            )}
          </Form>
        ) : null}
        {form.canReopen ? (
          <Form method="post" className="app-workflow">
            <h2>Reopen this month</h2>
            <input type="hidden" name="version" value={form.version} />
            <div className="ds_question">
              <label className="ds_label" htmlFor="reopen-reason">
                Reason for reopening
              </label>
              <p className="ds_hint-text" id="reopen-reason-hint">
                The board can then correct the figures; changed figures are marked as revised.
              </p>
              <textarea
                className="ds_input"
                id="reopen-reason"
                name="reason"
                rows={2}
                aria-describedby="reopen-reason-hint"
              />
            </div>
            <button type="submit" name="intent" value="reopen" className="ds_button ds_button--secondary">
              Reopen month
            </button>
          </Form>
        ) : null}
      </div>

      {events.length > 0 ? (
        <section aria-labelledby="workflow-history">
          <h2 id="workflow-history">What has happened to this return</h2>
          <ol className="app-events">
            {events.map((e) => (
              <li key={`${e.action}-${e.at}`}>
                <strong>
                  {e.action === 'submitted' ? 'Submitted' : e.action === 'approved' ? 'Approved' : 'Reopened'}
                </strong>{' '}
                {e.at}
                {e.by ? ` by ${e.by}` : ''}
                {e.reason ? `: ${e.reason}` : ''}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </>
  )
}

function ConflictNotice({ conflict }: { conflict: Extract<ActionData, { kind: 'conflict' }> }) {
  return (
    <div className="ds_error-summary" role="alert" aria-labelledby="conflict-title" tabIndex={-1}>
      <h2 className="ds_error-summary__title" id="conflict-title">
        Your changes were not saved: someone else saved this return first
      </h2>
      <p>
        {conflict.changedBy ?? 'Another person'} saved it{conflict.changedAt ? ` at ${conflict.changedAt}` : ''}. The
        form now shows their figures. Check them, make your changes again if they are still needed, and save.
      </p>
      {conflict.differences.length > 0 ? (
        <table className="ds_table">
          <caption>Figures where your entry differs from the saved one</caption>
          <thead>
            <tr>
              <th scope="col">Figure</th>
              <th scope="col">Saved now</th>
              <th scope="col">You entered</th>
            </tr>
          </thead>
          <tbody>
            {conflict.differences.map((d) => (
              <tr key={d.label}>
                <td>{d.label}</td>
                <td>{d.theirs}</td>
                <td>{d.yours}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  )
}
