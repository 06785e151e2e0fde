import { Link } from '@remix-run/react'
import type { ReactNode } from 'react'
import { formatDate, formatMonth } from '#app/utils/dates.ts'

export interface AttentionItem {
  code: string
  name: string
  month: string
  /** ISO 8601 instant. */
  deadline: string
}

/** A list longer than this shows its first items and links to the whole picture. */
const SHOWN = 8

/**
 * "Needs your attention": the returns waiting for the person signed in. A board lead sees their
 * board's returns due and overdue and the queries waiting for their answer; the national lead the
 * returns awaiting approval, the overdue ones and the answered queries to close.
 */
export function NeedsAttention({
  role,
  due,
  overdue,
  awaitingApproval,
  queriesAwaiting = null,
  showWhenEmpty = false,
}: {
  role: 'national_lead' | 'board_lead'
  due: AttentionItem[]
  overdue: AttentionItem[]
  awaitingApproval: AttentionItem[]
  /** Queries waiting for this person; null where queries are not counted. */
  queriesAwaiting?: number | null
  /** Say "nothing" rather than show nothing when nothing waits. */
  showWhenEmpty?: boolean
}) {
  const national = role === 'national_lead'
  const empty = due.length + overdue.length + awaitingApproval.length + (queriesAwaiting ?? 0) === 0
  if (empty && !showWhenEmpty) return null
  const more = national
    ? { to: '/completeness', label: 'every board’s returns by month' }
    : { to: '/returns', label: 'all your board’s returns' }
  const label = (item: AttentionItem) =>
    national ? `${item.name}, ${formatMonth(item.month)}` : formatMonth(item.month)
  return (
    <section aria-labelledby="needs-attention" className="app-needs-attention">
      <h2 id="needs-attention" className="ds_h3">
        Needs your attention
      </h2>
      {empty ? (
        <p>{national ? 'No return is overdue or awaiting approval.' : 'Every return your board owes is in.'}</p>
      ) : null}
      {overdue.length > 0 ? (
        <ReturnList
          title={national ? `Overdue returns (${overdue.length})` : `Overdue (${overdue.length})`}
          id="attention-overdue"
          items={overdue}
          more={more}
          render={(item) => (
            <>
              <Link to={`/returns/${item.code}/${item.month}`}>{label(item)}</Link>: not submitted, it was due by{' '}
              {formatDate(item.deadline)}
            </>
          )}
        />
      ) : null}
      {due.length > 0 ? (
        <ReturnList
          title={`Due (${due.length})`}
          id="attention-due"
          items={due}
          more={more}
          render={(item) => (
            <>
              <Link to={`/returns/${item.code}/${item.month}`}>{label(item)}</Link>: due by {formatDate(item.deadline)}
            </>
          )}
        />
      ) : null}
      {awaitingApproval.length > 0 ? (
        <ReturnList
          title={`Awaiting your approval (${awaitingApproval.length})`}
          id="attention-approval"
          items={awaitingApproval}
          more={more}
          render={(item) => <Link to={`/returns/${item.code}/${item.month}`}>{label(item)}</Link>}
        />
      ) : null}
      {queriesAwaiting ? (
        <p>
          <Link to="/queries">
            {national
              ? `${queriesAwaiting} answered ${queriesAwaiting === 1 ? 'query' : 'queries'} to read and close`
              : `${queriesAwaiting} open ${queriesAwaiting === 1 ? 'query' : 'queries'} to answer`}
          </Link>
        </p>
      ) : null}
    </section>
  )
}

function ReturnList({
  title,
  id,
  items,
  render,
  more,
}: {
  title: string
  id: string
  items: AttentionItem[]
  render: (item: AttentionItem) => ReactNode
  more: { to: string; label: string }
}) {
  const hidden = items.length - SHOWN
  return (
    <>
      <h3 id={id} className="ds_h4">
        {title}
      </h3>
      <ul aria-labelledby={id}>
        {items.slice(0, SHOWN).map((item) => (
          <li key={`${item.code}-${item.month}`}>{render(item)}</li>
        ))}
      </ul>
      {hidden > 0 ? (
        <p>
          And {hidden} more: <Link to={more.to}>{more.label}</Link>.
        </p>
      ) : null}
    </>
  )
}
