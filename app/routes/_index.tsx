import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { chartFor } from '#app/components/charts/figure-charts.tsx'
import { NeedsAttention } from '#app/components/returns/needs-attention.tsx'
import { FigureBlock } from '#app/components/ui/figure-block.tsx'
import { TrendFigures } from '#app/components/ui/trend-figures.tsx'
import { FilterForm } from '#app/components/ui/filter-form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { TileGrid } from '#app/components/ui/tile-grid.tsx'
import { getOverview } from '#app/dashboards/cache.server.ts'
import { formatMonth } from '#app/utils/dates.ts'
import { figureCsvHref, hrefWithFilters } from '#app/dashboards/filters.ts'
import { requireDashboardView } from '#app/dashboards/request.server.ts'
import { formatPercent } from '#app/domain/format.ts'
import { getNeedsAttention } from '#app/models/attention.server.ts'
import { countQueriesAwaiting } from '#app/models/queries.server.ts'

export const meta: MetaFunction = () => [{ title: 'National overview - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  // One board's overview is its own page.
  const { user, view } = await requireDashboardView(request, { subject: { opens: 'board' } })
  const [overview, attention, queriesAwaiting] = await Promise.all([
    getOverview(view),
    getNeedsAttention({ actor: user }),
    countQueriesAwaiting({ actor: user }),
  ])
  return json({
    view,
    ...overview,
    attention: attention && user.role !== 'analyst' ? { role: user.role, ...attention, queriesAwaiting } : null,
  })
}

export default function Overview() {
  const { view, where, tiles, figures, latest, attention } = useLoaderData<typeof loader>()
  // The trends by period, then the boards compared.
  const trends = figures.filter((f) => f.id !== 'overview-board-comparison')
  const comparison = figures.find((f) => f.id === 'overview-board-comparison')
  const { filters, period } = view
  const csv = (id: string) => figureCsvHref(id, filters, period)
  return (
    <>
      <PageHeader
        label="Scotland"
        title={view.service ? `National overview: ${view.service.name}` : 'National overview'}
      >
        <p>
          What the national digital therapy services delivered in {where}, {period.label}. {formatMonth(view.latestDue)}{' '}
          is the latest month whose returns have fallen due: they were due by {view.latestDueDeadline}.
        </p>
        <p>
          <Link to={`/reports/${view.latestDue}`}>Monthly report for {formatMonth(view.latestDue)}</Link>
        </p>
      </PageHeader>

      <FilterForm action="/" state={view} />

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

      {attention ? <NeedsAttention {...attention} /> : null}

      <TileGrid tiles={tiles} headingId="headline-figures" />

      <h2 className="ds_h2 app-section-heading">Trends</h2>
      <TrendFigures figures={trends} here="/" filters={filters} period={period} csvHref={csv} />

      {comparison ? (
        <FigureBlock
          figure={comparison}
          csvHref={csv(comparison.id)}
          chart={chartFor(comparison)?.render}
          chartHeight={chartFor(comparison)?.height}
          rowHeader={1}
          renderCell={(key, row) =>
            key === 'board' ? (
              <Link to={hrefWithFilters(`/boards/${String(row.code)}`, filters, period)}>{String(row.board)}</Link>
            ) : undefined
          }
        />
      ) : null}
    </>
  )
}
