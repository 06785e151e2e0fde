import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { InputField, SubmitButton } from '#app/components/ui/form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { Pagination } from '#app/components/ui/pagination.tsx'
import { getBreakdownCompleteness, getCompletenessGrid } from '#app/models/completeness.server.ts'
import { COMPLETENESS_LABELS } from '#app/domain/labels.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import {
  addMonths,
  formatMonth,
  formatMonthShort,
  isMonth,
  lastCompleteMonth,
  monthRange,
  PROGRAMME_START_MONTH,
} from '#app/utils/dates.ts'
import { formatOrdinal, formatPercent } from '#app/domain/format.ts'
import { getConfig } from '#app/utils/config.server.ts'

export const meta: MetaFunction = () => [{ title: 'Completeness of returns - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request)
  const latest = lastCompleteMonth()
  const query = z
    .object({
      to: z
        .string()
        .refine(isMonth)
        .refine((m) => m >= PROGRAMME_START_MONTH && m <= latest)
        .catch(latest),
    })
    .parse(Object.fromEntries(new URL(request.url).searchParams))
  const first = addMonths(query.to, -11) < PROGRAMME_START_MONTH ? PROGRAMME_START_MONTH : addMonths(query.to, -11)
  const months = monthRange(first, query.to)
  const [grid, breakdowns] = await Promise.all([getCompletenessGrid({ months }), getBreakdownCompleteness({ months })])
  return json({
    ...grid,
    breakdowns,
    to: query.to,
    deadlineDay: getConfig().RETURN_DEADLINE_DAY,
    earlier: first > PROGRAMME_START_MONTH ? addMonths(query.to, -12) : null,
    later: query.to < latest ? (addMonths(query.to, 12) > latest ? latest : addMonths(query.to, 12)) : null,
  })
}

export default function Completeness() {
  const { units, months, cells, earlier, later, breakdowns, deadlineDay } = useLoaderData<typeof loader>()
  const cell = (code: string, month: string) => cells.find((c) => c.code === code && c.month === month)
  return (
    <>
      <PageHeader title="Completeness of returns">
        <p>
          Each board’s monthly return from {formatMonth(months[0]!.month)} to {formatMonth(months.at(-1)!.month)}. A
          return is on time when it is first submitted by the {formatOrdinal(deadlineDay)} of the following month.
        </p>
      </PageHeader>
      <dl className="app-state-legend">
        {Object.entries(COMPLETENESS_LABELS).map(([key, s]) => (
          <div key={key}>
            <dt>
              <strong className={`ds_tag ds_tag--${s.colour}`}>{s.letter}</strong>
            </dt>
            <dd>{s.text}</dd>
          </div>
        ))}
      </dl>
      <details className="ds_details">
        <summary className="ds_details__summary">How the on-time rate is worked out</summary>
        <div className="ds_details__text">
          <p>
            On-time rate: returns first submitted by their deadline, divided by the returns due (one for each board and
            month in which at least one service was live, once the deadline has passed). A late return still counts
            towards completeness once submitted.
          </p>
        </div>
      </details>
      <div className="app-table-scroll">
        <table className="ds_table app-completeness">
          <caption className="visually-hidden">
            Return status by board (rows) and month (columns), with on-time rates
          </caption>
          <thead>
            <tr>
              <th scope="col">Board</th>
              {months.map((m) => (
                <th scope="col" key={m.month}>
                  {formatMonthShort(m.month)}
                </th>
              ))}
              <th scope="col" className="app-numeric">
                On time
              </th>
            </tr>
          </thead>
          <tbody>
            {units.map((unit) => (
              <tr key={unit.code}>
                <th scope="row">{unit.kind === 'national' ? `${unit.name} (national services)` : unit.name}</th>
                {months.map((m) => {
                  const c = cell(unit.code, m.month)
                  if (!c?.state) return <td key={m.month}>–</td>
                  const s = COMPLETENESS_LABELS[c.state]
                  return (
                    <td key={m.month}>
                      <Link to={`/returns/${unit.code}/${m.month}`} className="app-completeness__link">
                        <strong className={`ds_tag ds_tag--${s.colour}`} aria-hidden="true">
                          {s.letter}
                        </strong>
                        <span className="visually-hidden">
                          {unit.name}, {formatMonth(m.month)}: {s.text}
                        </span>
                      </Link>
                    </td>
                  )
                })}
                <td className="app-numeric">{formatPercent(unit.onTimeRate)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">On time</th>
              {months.map((m) => (
                <td key={m.month} className="app-numeric">
                  {formatPercent(m.onTimeRate)}
                </td>
              ))}
              <td />
            </tr>
          </tfoot>
        </table>
      </div>
      <section aria-labelledby="breakdowns-heading">
        <h2 id="breakdowns-heading">Breakdowns by deprivation, age and sex</h2>
        <p>
          Boards may split their figures by SIMD quintile, age band and sex (optional): the months of submitted returns,
          from {formatMonth(months[0]!.month)} to {formatMonth(months.at(-1)!.month)}, that hold any, and by what. The{' '}
          <Link to="/equity">equity page</Link> shows Scotland only for the years every board reported them.
        </p>
        <table className="ds_table">
          <caption className="visually-hidden">Months with breakdowns by board</caption>
          <thead>
            <tr>
              <th scope="col">Board</th>
              <th scope="col" className="app-numeric">
                Months with breakdowns
              </th>
              <th scope="col">Reported by</th>
            </tr>
          </thead>
          <tbody>
            {breakdowns.map((b) => (
              <tr key={b.code}>
                <th scope="row">{b.name}</th>
                <td className="app-numeric">
                  {b.withBreakdowns} of {b.submitted}
                </td>
                <td>{b.dimensions ?? 'None'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Pagination
        label="Other months"
        previous={earlier ? { to: `?to=${earlier}`, label: 'Earlier months' } : undefined}
        next={later ? { to: `?to=${later}`, label: 'Later months' } : undefined}
      />
      <Form method="get" className="app-inline-filters">
        <InputField
          id="to"
          label="Twelve months ending"
          hint="Year and month, like 2026-03"
          width="fixed-10"
          defaultValue={months.at(-1)!.month}
        />
        <div className="app-inline-filters__actions">
          <SubmitButton secondary>Show months</SubmitButton>
        </div>
      </Form>
    </>
  )
}
