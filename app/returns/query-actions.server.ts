// The return page's query forms: raise (national lead), answer and correct (the board's lead),
// close and reopen (national lead). Kept apart from the route so the route stays a page; each
// form is a plain POST that works without JavaScript and comes back with its problems named.
import { json, redirect } from '@remix-run/node'
import type { z } from 'zod'
import { answerQuery, closeQuery, type QueryOutcome, raiseQuery, reopenQuery } from '#app/models/queries.server.ts'
import type { ReturnUnit } from '#app/models/returns.server.ts'
import { type SessionUser } from '#app/utils/auth.server.ts'
import { assertAllowed, badRequest } from '#app/utils/http.server.ts'
import { can } from '#app/utils/permissions.ts'
import {
  AnswerSchema,
  CloseSchema,
  QueryIdSchema,
  type QueryIntent,
  queryFieldIds,
  RaiseSchema,
  ReopenSchema,
} from './query-form.ts'

export type QueryActionData = {
  kind: 'query'
  intent: QueryIntent
  queryId: number | null
  problems: Array<{ id: string; message: string }>
  typed: Record<string, string>
}

/** Words for the model's refusals, each naming what is wrong and what to do. */
const PROBLEMS: Record<Extract<QueryOutcome, { kind: 'refused' }>['problem'], string> = {
  'no-return': 'There is no return to query yet: the board has not started this month’s return',
  'not-a-board': 'Queries are raised on boards’ returns: this return is the national one',
  'not-applicable': 'Choose a figure from the list: that measure does not apply to that service',
  closed: 'This query has been closed: ask the national programme team to reopen it if there is more to say',
  'not-closed': 'Only a closed query can be reopened',
  'not-a-figure': 'This query is about the whole return: correct the figures in the return itself',
  'already-closed': 'This query is already closed',
}

/** Handles one query form's POST: a redirect back to the query when it worked, else its problems. */
export async function handleQueryAction({
  intent,
  formData,
  user,
  unit,
  month,
  ip,
}: {
  intent: QueryIntent
  formData: FormData
  user: SessionUser
  unit: ReturnUnit
  month: string
  ip?: string | null
}) {
  // The guard; the model functions check again, and keep other boards' queries out in their SQL.
  assertAllowed(
    intent === 'answer-query' ? can.answerQuery(user, { orgUnitId: unit.id }) : can.raiseQuery(user),
    intent === 'answer-query'
      ? 'Only the board’s digital therapy lead can answer its queries.'
      : 'Only the national programme lead can raise, close or reopen a query.',
  )
  const here = `/returns/${unit.code}/${month}`
  const fields = Object.fromEntries(formData)
  const typed = Object.fromEntries(
    Object.entries(fields).filter((e): e is [string, string] => typeof e[1] === 'string'),
  )
  const queryId = QueryIdSchema.safeParse(fields.queryId).data ?? null
  const problem = (problems: QueryActionData['problems'], status = 400) =>
    json<QueryActionData>({ kind: 'query', intent, queryId, problems, typed }, { status })
  const issues = (error: z.ZodError, ids: Record<string, string>) =>
    problem(
      error.issues.map((issue) => ({
        id: ids[String(issue.path[0])] ?? Object.values(ids)[0]!,
        message: issue.message,
      })),
    )

  let outcome: QueryOutcome
  let done: string
  if (intent === 'raise-query') {
    const parsed = RaiseSchema.safeParse(fields)
    if (!parsed.success) return issues(parsed.error, { figure: queryFieldIds.figure, body: queryFieldIds.question })
    const [service, measure] = parsed.data.figure.split('.')
    outcome = await raiseQuery({
      actor: user,
      unit,
      month,
      figure: parsed.data.figure === 'return' ? null : { service: service!, measure: measure! },
      body: parsed.data.body,
      ip,
    })
    done = 'query-raised'
  } else {
    if (queryId === null) throw badRequest('The form was incomplete: reload the page and try again.')
    if (intent === 'answer-query') {
      const parsed = AnswerSchema.safeParse(fields)
      if (!parsed.success)
        return issues(parsed.error, {
          body: queryFieldIds.answer(queryId),
          correction: queryFieldIds.correction(queryId),
        })
      const { correction, version } = parsed.data
      outcome = await answerQuery({
        actor: user,
        queryId,
        body: parsed.data.body,
        correction: correction === null ? undefined : { value: correction, expectedVersion: version },
        ip,
      })
      done = correction === null ? 'query-answered' : 'query-corrected'
    } else if (intent === 'close-query') {
      const parsed = CloseSchema.safeParse(fields)
      if (!parsed.success) return issues(parsed.error, { body: queryFieldIds.close(queryId) })
      outcome = await closeQuery({ actor: user, queryId, body: parsed.data.body, ip })
      done = 'query-closed'
    } else {
      const parsed = ReopenSchema.safeParse(fields)
      if (!parsed.success) return issues(parsed.error, { body: queryFieldIds.reopen(queryId) })
      outcome = await reopenQuery({ actor: user, queryId, body: parsed.data.body, ip })
      done = 'query-reopened'
    }
  }
  if (outcome.ok) return redirect(`${here}?done=${done}#query-${outcome.id}`)
  const fieldOf = () =>
    intent === 'raise-query'
      ? queryFieldIds.figure
      : intent === 'answer-query'
        ? queryFieldIds.answer(queryId!)
        : intent === 'close-query'
          ? queryFieldIds.close(queryId!)
          : queryFieldIds.reopen(queryId!)
  if (outcome.kind === 'refused') return problem([{ id: fieldOf(), message: PROBLEMS[outcome.problem] }])
  const save = outcome.outcome
  if (save.kind === 'conflict')
    return problem(
      [
        {
          id: queryFieldIds.correction(queryId!),
          message: `Corrected figure: ${save.changedBy ?? 'someone else'} changed the return since you opened it. Check the figure on the page and correct it again`,
        },
      ],
      409,
    )
  return problem(
    save.problems.map((p) => ({ id: queryFieldIds.correction(queryId!), message: `Corrected figure: ${p.message}` })),
  )
}
