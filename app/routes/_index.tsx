import { json, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { comparisonChartFor, trendChartFor } from '#app/components/charts/figure-charts.tsx'
import { FigureBlock } from '#app/components/ui/figure-block.tsx'
import { FilterForm } from '#app/components/ui/filter-form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { TileGrid } from '#app/components/ui/tile-grid.tsx'
import { findBoard } from '#app/models/catalogue.server.ts'
import { getOverview } from '#app/dashboards/cache.server.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { formatMonth } from '#app/utils/dates.ts'
import { figureCsvHref } from '#app/domain/figure.ts'
import {
  canonicalLocation,
  filtersToSearchParams,
  hrefWithFilters,
  parseFilters,
  periodBounds,
} from '#app/dashboards/filters.ts'
import { formatPercent, formatRate } from '#app/domain/format.ts'
import { requireUser } from '#app/utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'National overview - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request)
  const { RETURN_DEADLINE_DAY } = getConfig()
  const search = new URL(request.url).searchParams
  // One board's overview is its own page.
  const filters = parseFilters(search)
  if (filters.board && (await findBoard({ code: filters.board }))) {
    const query = filtersToSearchParams({ ...filters, board: undefined }).toString()
    throw redirect(`/boards/${filters.board}${query ? `?${query}` : ''}`)
  }
  // The short form of the address: what the form sent, without the defaults and empty fields.
  const now = new Date()
  const canonical = canonicalLocation(new URL(request.url), periodBounds(now, RETURN_DEADLINE_DAY))
  if (canonical) throw redirect(canonical)
  return json(await getOverview({ search, now, deadlineDay: RETURN_DEADLINE_DAY }))
}

export default function Overview() {
  const { state, where, tiles, figures, nationalRate, latest } = useLoaderData<typeof loader>()
  const { filters, period } = state
  const csv = (id: string) => figureCsvHref(id, filters, period)
  return (
    <>
      <PageHeader
        label="Scotland"
        title={state.service ? `National overview: ${state.service.name}` : 'National overview'}
      >
        <p>
          What the national digital therapy services delivered in {where}, {period.label}.{' '}
          {formatMonth(state.latestDue)} is the latest month whose returns have fallen due: they were due by{' '}
          {state.latestDueDeadline}.
        </p>
      </PageHeader>

      <FilterForm action="/" state={state} />

      <section aria-labelledby="latest-returns" className="app-latest">
        <h2 id="latest-returns" className="ds_h3">
          Returns for {formatMonth(latest.month)}
        </h2>
        <div className="ds_inset-text">
          <div className="ds_inset-text__text">
            <p>
              <strong>
                {latest.unitsReported} of {latest.unitsExpected}{' '}
                {latest.nationalService ? 'national returns' : 'boards'} reported
              </strong>{' '}
              for {formatMonth(latest.month)} (due by {latest.deadline}). Totals include only what has been reported.
            </p>
            <p>
              Completeness {formatPercent(latest.completeness)} ({latest.submitted} of {latest.expected} service
              returns); timeliness {formatPercent(latest.timeliness)} ({latest.onTime} by the deadline).
            </p>
            {latest.missing.length > 0 ? (
              <p>
                Not yet reported:{' '}
                {latest.missing.map((m, i) => (
                  <span key={m.code}>
                    {i > 0 ? ', ' : ''}
                    {latest.nationalService ? (
                      m.name
                    ) : (
                      <Link to={hrefWithFilters(`/boards/${m.code}`, filters, period)}>{m.name}</Link>
                    )}
                  </span>
                ))}
                .
              </p>
            ) : null}
          </div>
        </div>
      </section>

      <TileGrid tiles={tiles} headingId="headline-figures" />

      <h2 className="ds_h2 app-section-heading">Trends</h2>
      {figures
        .filter((f) => f.id !== 'overview-board-comparison')
        .map((figure) => {
          const chart = trendChartFor(figure, state.grain)
          return (
            <FigureBlock
              key={figure.id}
              figure={figure}
              csvHref={csv(figure.id)}
              chart={chart?.render}
              chartHeight={chart?.height}
              headingLevel={3}
            />
          )
        })}

      {figures
        .filter((f) => f.id === 'overview-board-comparison')
        .map((figure) => {
          const chart = comparisonChartFor(figure, {
            categoryKey: 'board',
            valueKey: 'referrals_per_100k',
            axisLabel: 'Referrals per 100,000 people a year',
            reference:
              nationalRate === null
                ? undefined
                : { value: nationalRate, label: `Scotland: ${formatRate(nationalRate)}` },
          })
          return (
            <FigureBlock
              key={figure.id}
              figure={figure}
              csvHref={csv(figure.id)}
              chart={chart.render}
              chartHeight={chart.height}
              rowHeader={1}
              renderCell={(key, row) =>
                key === 'board' ? (
                  <Link to={hrefWithFilters(`/boards/${String(row.code)}`, filters, period)}>{String(row.board)}</Link>
                ) : undefined
              }
            />
          )
        })}
    </>
  )
}
