// The queries about a return, beside its figures: each query's conversation and the forms the
// reader may use on it (answer and correct for the board's lead; close or reopen for the
// national lead), and the national lead's form to raise a new one. Plain forms: no JavaScript
// needed.
import { Form } from '@remix-run/react'
import type { ReactNode } from 'react'
import { formatCount } from '#app/domain/format.ts'
import { QUERY_MESSAGE_LABELS, QUERY_STATUS_LABELS, queryFigureText } from '#app/domain/labels.ts'
import type { ReturnQuery } from '#app/models/queries.server.ts'
import { QUERY_BODY_MAX_LENGTH, queryFieldIds } from '#app/returns/query-form.ts'
import { formatDateTime } from '#app/utils/dates.ts'
import { ROLE_LABELS } from '#app/utils/permissions.ts'

/** What came back from a query form that was refused, to show beside its fields. */
export interface QueryFormFeedback {
  intent: string
  queryId: number | null
  problems: Array<{ id: string; message: string }>
  typed: Record<string, string>
}

export interface FigureChoice {
  /** `<service>.<measure>` */
  value: string
  label: string
  /** The figure's current value, for the correction hint. */
  current: number | null
}

export function QueryStatusTag({ status }: { status: ReturnQuery['status'] }) {
  const { text, colour } = QUERY_STATUS_LABELS[status]
  return <strong className={`ds_tag ds_tag--${colour}`}>{text}</strong>
}

export function ReturnQueries({
  queries,
  figures,
  version,
  canRaise,
  canAnswer,
  canCorrect,
  feedback,
}: {
  queries: ReturnQuery[]
  /** The figures a query may be about (those that apply to the return's services). */
  figures: FigureChoice[]
  /** The return's version, which a correction quotes. */
  version: number
  canRaise: boolean
  canAnswer: boolean
  /** The board's lead may correct the figure with the answer while the month is open. */
  canCorrect: boolean
  feedback: QueryFormFeedback | null
}) {
  const unresolved = queries.filter((q) => q.status !== 'closed').length
  if (queries.length === 0 && !canRaise) return null
  return (
    <section aria-labelledby="queries-title" className="app-queries" id="queries">
      <h2 id="queries-title">Queries about this return</h2>
      {queries.length === 0 ? (
        <p>No queries have been raised about this return.</p>
      ) : (
        <p>
          {queries.length === 1 ? '1 query' : `${queries.length} queries`}, {unresolved} not yet closed.
        </p>
      )}
      {queries.map((query) => (
        <QueryItem
          // A new message draws the query again, so its forms start empty after they worked.
          key={`${query.id}-${query.messages.length}`}
          query={query}
          current={figures.find((f) => query.figure && f.value === `${query.figure.service}.${query.figure.measure}`)}
          version={version}
          canAnswer={canAnswer}
          canCorrect={canCorrect}
          canClose={canRaise}
          feedback={feedback?.queryId === query.id ? feedback : null}
        />
      ))}
      {canRaise ? (
        <RaiseQueryForm
          key={queries.length}
          figures={figures}
          feedback={feedback?.intent === 'raise-query' ? feedback : null}
        />
      ) : null}
    </section>
  )
}

function QueryItem({
  query,
  current,
  version,
  canAnswer,
  canCorrect,
  canClose,
  feedback,
}: {
  query: ReturnQuery
  current: FigureChoice | undefined
  version: number
  canAnswer: boolean
  canCorrect: boolean
  canClose: boolean
  feedback: QueryFormFeedback | null
}) {
  const title = queryFigureText(query.figure)
  const headingId = `query-${query.id}-title`
  const typed = (intent: string) => (feedback?.intent === intent ? feedback.typed : {})
  const errorOf = (id: string) => feedback?.problems.filter((p) => p.id === id).map((p) => p.message) ?? []
  return (
    <article className="app-query" id={`query-${query.id}`} tabIndex={-1} aria-labelledby={headingId}>
      <h3 id={headingId} className="app-query__title">
        {title} <QueryStatusTag status={query.status} />
      </h3>
      <ol className="app-query__messages" aria-label={`Conversation about ${title}`}>
        {query.messages.map((m) => (
          <li key={m.id} className={`app-query__message app-query__message--${m.kind}`}>
            <p className="app-query__meta">
              <strong>{QUERY_MESSAGE_LABELS[m.kind]}</strong> from {m.author} ({ROLE_LABELS[m.authorRole]}),{' '}
              {formatDateTime(m.at)}
            </p>
            <p className="app-query__body">{m.body}</p>
            {m.correctionId !== null ? (
              <p className="app-query__correction">
                Corrected the figure to {m.correctedValue === null ? 'not reported' : formatCount(m.correctedValue)} (a
                new version, kept in the figure’s history).
              </p>
            ) : null}
          </li>
        ))}
      </ol>
      {canAnswer && query.status !== 'closed' ? (
        <Form method="post" className="app-query__form">
          <input type="hidden" name="queryId" value={query.id} />
          <input type="hidden" name="version" value={version} />
          <TextArea
            id={queryFieldIds.answer(query.id)}
            label={
              <>
                Your answer<span className="visually-hidden"> about {title}</span>
              </>
            }
            hint={query.status === 'answered' ? 'You can add to your answer until the query is closed.' : undefined}
            errors={errorOf(queryFieldIds.answer(query.id))}
            defaultValue={typed('answer-query').body}
          />
          {query.figure && canCorrect ? (
            <Field
              id={queryFieldIds.correction(query.id)}
              label={`Corrected figure: ${title} (optional)`}
              hint={`Now ${current?.current === null || current === undefined ? 'not reported' : formatCount(current.current)}. Leave it empty to keep the figure as it is. A corrected figure is saved as a new version, with your answer as the reason.`}
              errors={errorOf(queryFieldIds.correction(query.id))}
            >
              {(describedBy, invalid) => (
                <input
                  className={`ds_input ds_input--fixed-10${invalid ? ' ds_input--error' : ''}`}
                  id={queryFieldIds.correction(query.id)}
                  name="correction"
                  type="text"
                  inputMode="numeric"
                  autoComplete="off"
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  defaultValue={typed('answer-query').correction ?? ''}
                />
              )}
            </Field>
          ) : null}
          <button type="submit" name="intent" value="answer-query" className="ds_button">
            Send answer<span className="visually-hidden"> about {title}</span>
          </button>
        </Form>
      ) : null}
      {canClose && query.status !== 'closed' ? (
        <Form method="post" className="app-query__form">
          <input type="hidden" name="queryId" value={query.id} />
          <TextArea
            id={queryFieldIds.close(query.id)}
            label={
              <>
                Note for closing the query<span className="visually-hidden"> about {title}</span>
              </>
            }
            hint="For example, what was checked or corrected. The board sees it."
            rows={2}
            errors={errorOf(queryFieldIds.close(query.id))}
            defaultValue={typed('close-query').body}
          />
          <button type="submit" name="intent" value="close-query" className="ds_button ds_button--secondary">
            Close query<span className="visually-hidden"> about {title}</span>
          </button>
        </Form>
      ) : null}
      {canClose && query.status === 'closed' ? (
        <details className="ds_details" open={feedback?.intent === 'reopen-query' || undefined}>
          <summary className="ds_details__summary">
            Reopen this query<span className="visually-hidden"> about {title}</span>
          </summary>
          <div className="ds_details__text">
            <Form method="post" className="app-query__form">
              <input type="hidden" name="queryId" value={query.id} />
              <TextArea
                id={queryFieldIds.reopen(query.id)}
                label={
                  <>
                    Reason for reopening<span className="visually-hidden"> the query about {title}</span>
                  </>
                }
                rows={2}
                errors={errorOf(queryFieldIds.reopen(query.id))}
                defaultValue={typed('reopen-query').body}
              />
              <button type="submit" name="intent" value="reopen-query" className="ds_button ds_button--secondary">
                Reopen query<span className="visually-hidden"> about {title}</span>
              </button>
            </Form>
          </div>
        </details>
      ) : null}
    </article>
  )
}

function RaiseQueryForm({ figures, feedback }: { figures: FigureChoice[]; feedback: QueryFormFeedback | null }) {
  const errorOf = (id: string) => feedback?.problems.filter((p) => p.id === id).map((p) => p.message) ?? []
  const figureErrors = errorOf(queryFieldIds.figure)
  return (
    <Form method="post" className="app-query__form app-query__raise" id="raise-query">
      <h3>Raise a query</h3>
      <Field
        id={queryFieldIds.figure}
        label="What is the query about?"
        hint="A figure, or the whole return."
        errors={figureErrors}
      >
        {(describedBy, invalid) => (
          <div className="ds_select-wrapper">
            <select
              className={`ds_select${invalid ? ' ds_select--error' : ''}`}
              id={queryFieldIds.figure}
              name="figure"
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              defaultValue={feedback?.typed.figure ?? 'return'}
            >
              <option value="return">The whole return</option>
              {figures.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
            <span className="ds_select-arrow" aria-hidden="true" />
          </div>
        )}
      </Field>
      <TextArea
        id={queryFieldIds.question}
        label="Question"
        hint="Say what looks wrong and what you need. The board’s digital therapy lead answers it here."
        errors={errorOf(queryFieldIds.question)}
        defaultValue={feedback?.typed.body}
      />
      <button type="submit" name="intent" value="raise-query" className="ds_button">
        Raise query
      </button>
    </Form>
  )
}

/** A question with its label, hint and errors; `children` draws the control. */
function Field({
  id,
  label,
  hint,
  errors,
  children,
}: {
  id: string
  label: ReactNode
  hint?: ReactNode
  errors: string[]
  children: (describedBy: string | undefined, invalid: boolean) => ReactNode
}) {
  const describedBy = [errors.length > 0 ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ')
  return (
    <div className={`ds_question${errors.length > 0 ? ' ds_question--error' : ''}`}>
      <label className="ds_label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <p className="ds_hint-text" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {errors.length > 0 ? (
        <p className="ds_question__error-message" id={`${id}-error`}>
          {errors.join('. ')}
        </p>
      ) : null}
      {children(describedBy || undefined, errors.length > 0)}
    </div>
  )
}

function TextArea({
  id,
  label,
  hint,
  rows = 3,
  errors,
  defaultValue,
}: {
  id: string
  label: ReactNode
  hint?: string
  rows?: number
  errors: string[]
  defaultValue: string | undefined
}) {
  return (
    <Field id={id} label={label} hint={hint} errors={errors}>
      {(describedBy, invalid) => (
        <textarea
          className={`ds_input${invalid ? ' ds_input--error' : ''}`}
          id={id}
          name="body"
          rows={rows}
          maxLength={QUERY_BODY_MAX_LENGTH}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          defaultValue={defaultValue ?? ''}
        />
      )}
    </Field>
  )
}
