// The return's figures as tables, one per kind of service: rows are services, columns are the
// measures that apply, and each cell shows last month's and last year's values beside the input.
import { Link } from '@remix-run/react'
import { formatCount } from '#app/domain/format.ts'
import { QUERY_STATUS_LABELS, type QueryStatus } from '#app/domain/labels.ts'
import { commentField, commentId, fieldId, figureField } from '#app/returns/form.ts'

const FAMILY_TITLES: Record<string, string> = {
  ccbt: 'Computerised CBT and ieCBT',
  video: 'Video therapy',
  proms: 'Outcome monitoring',
  'self-help': 'Online self-help',
}

export interface GridCell {
  measure: string
  applies: boolean
  value: number | null
  comment: string | null
  lastMonth: number | null
  lastYear: number | null
  warning: string | null
}

/** A query about one figure, marked in its cell and linked to its conversation below the grid. */
export interface CellQuery {
  id: number
  status: QueryStatus
}

export interface GridGroup {
  family: string
  measures: Array<{ name: string; label: string; unit: string }>
  services: Array<{ slug: string; name: string; cells: GridCell[] }>
}

export function FigureGrid({
  groups,
  editable,
  typed,
  errors,
  historyHref,
  queries = new Map(),
}: {
  groups: GridGroup[]
  editable: boolean
  /** What the person typed, when the form comes back with problems. */
  typed: Record<string, string> | null
  /** service|measure -> message */
  errors: Map<string, string>
  historyHref: string
  /** service|measure -> the queries about that figure */
  queries?: Map<string, CellQuery[]>
}) {
  return (
    <>
      {groups.map((group) => {
        const title = FAMILY_TITLES[group.family] ?? group.family
        return (
          <section key={group.family} aria-labelledby={`group-${group.family}`} className="app-return-group">
            <h2 id={`group-${group.family}`}>{title}</h2>
            <div className="app-table-scroll">
              <table className="ds_table app-return-table">
                <caption className="visually-hidden">
                  {title}: one row for each service, one column for each measure
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Service</th>
                    {group.measures.map((m) => (
                      <th scope="col" key={m.name}>
                        {m.label}
                        <span className="app-return-table__unit">{m.unit}</span>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {group.services.map((service) => (
                    <tr key={service.slug}>
                      <th scope="row">
                        {service.name}
                        <br />
                        <Link className="app-return-table__history" to={`${historyHref}#service-${service.slug}`}>
                          History<span className="visually-hidden"> of {service.name} figures</span>
                        </Link>
                      </th>
                      {service.cells.map((cell) => (
                        <FigureCell
                          key={cell.measure}
                          service={service}
                          cell={cell}
                          measure={group.measures.find((m) => m.name === cell.measure)!}
                          editable={editable}
                          typed={typed}
                          error={errors.get(`${service.slug}|${cell.measure}`)}
                          queries={queries.get(`${service.slug}|${cell.measure}`) ?? []}
                        />
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        )
      })}
    </>
  )
}

function FigureCell({
  service,
  cell,
  measure,
  editable,
  typed,
  error,
  queries,
}: {
  service: { slug: string; name: string }
  cell: GridCell
  measure: { name: string; label: string; unit: string }
  editable: boolean
  typed: Record<string, string> | null
  error: string | undefined
  queries: CellQuery[]
}) {
  if (!cell.applies) {
    return (
      <td className="app-return-table__na">
        <span aria-hidden="true">–</span>
        <span className="visually-hidden">Not applicable</span>
      </td>
    )
  }
  const id = fieldId(service.slug, cell.measure)
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const warningId = `${id}-warning`
  const typedValue = typed?.[figureField(service.slug, cell.measure)]
  const typedComment = typed?.[commentField(service.slug, cell.measure)]
  const showComment = Boolean(cell.warning || cell.comment || typedComment || error?.includes('comment'))
  const describedBy = [error ? errorId : null, hintId, cell.warning ? warningId : null].filter(Boolean).join(' ')
  return (
    <td className={error ? 'app-return-table__cell--error' : undefined}>
      {error ? (
        <p className="ds_question__error-message app-return-table__error" id={errorId}>
          {error}
        </p>
      ) : null}
      {editable ? (
        <>
          <label className="visually-hidden" htmlFor={id}>
            {service.name}: {measure.label} ({measure.unit})
          </label>
          <input
            className={`ds_input app-return-input${error ? ' ds_input--error' : ''}`}
            id={id}
            name={figureField(service.slug, cell.measure)}
            type="text"
            inputMode="numeric"
            autoComplete="off"
            defaultValue={typedValue ?? (cell.value === null ? '' : String(cell.value))}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
          />
        </>
      ) : (
        <span className="app-return-value">{cell.value === null ? 'Not reported' : formatCount(cell.value)}</span>
      )}
      <span className="app-return-hint" id={hintId}>
        Last month {cell.lastMonth === null ? 'none' : formatCount(cell.lastMonth)}, last year{' '}
        {cell.lastYear === null ? 'none' : formatCount(cell.lastYear)}
      </span>
      {cell.warning ? (
        <span className="app-return-warning" id={warningId}>
          <strong>Check:</strong> {cell.warning}
        </span>
      ) : null}
      {queries.map((query) => (
        <a key={query.id} href={`#query-${query.id}`} className="app-return-query">
          <strong className={`ds_tag ds_tag--${QUERY_STATUS_LABELS[query.status].colour}`}>
            Query {QUERY_STATUS_LABELS[query.status].text.toLowerCase()}
          </strong>
          <span className="visually-hidden">
            {' '}
            about {service.name}: {measure.label}
          </span>
        </a>
      ))}
      {showComment && editable ? (
        <>
          <label className="app-return-comment-label" htmlFor={commentId(service.slug, cell.measure)}>
            Comment
            <span className="visually-hidden">
              {' '}
              on {service.name}: {measure.label}
            </span>
          </label>
          <textarea
            className="ds_input app-return-comment"
            id={commentId(service.slug, cell.measure)}
            name={commentField(service.slug, cell.measure)}
            rows={2}
            defaultValue={typedComment ?? cell.comment ?? ''}
          />
        </>
      ) : cell.comment ? (
        <span className="app-return-hint">Comment: {cell.comment}</span>
      ) : null}
    </td>
  )
}
