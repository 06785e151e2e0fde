import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { FigureBlock } from '#app/components/ui/figure-block.tsx'
import { TrendFigures } from '#app/components/ui/trend-figures.tsx'
import { FilterForm } from '#app/components/ui/filter-form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { TileGrid } from '#app/components/ui/tile-grid.tsx'
import { getBoardDashboard } from '#app/dashboards/cache.server.ts'
import { formatMonth, formatMonthShort } from '#app/utils/dates.ts'
import { BoardCodeSchema, figureCsvHref, hrefWithFilters } from '#app/dashboards/filters.ts'
import { requireDashboardView } from '#app/dashboards/request.server.ts'
import { formatCount } from '#app/domain/format.ts'
import { DataTable } from '#app/components/ui/data-table.tsx'
import { AvailabilityTag } from '#app/components/ui/availability-tag.tsx'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.board.name ?? 'Board'} - Digital Therapies Programme Dashboard` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const code = BoardCodeSchema.safeParse(params.code)
  // The board chosen in the filters replaces this one.
  const { view } = await requireDashboardView(request, { subject: { board: code.data ?? '' } })
  const page = code.success ? await getBoardDashboard(view, code.data) : null
  if (!page) throw new Response(`There is no board with the code ${params.code}.`, { status: 404 })
  return json({ view, ...page })
}

export default function Board() {
  const { view, board, where, population, tiles, figures, services } = useLoaderData<typeof loader>()
  const { filters, period } = view
  const here = `/boards/${board.code}`
  const csv = (id: string) => figureCsvHref(id, filters, period, { board: board.code })
  const trends = figures.filter((f) => f.id !== 'board-returns' && f.id !== 'board-variation')
  const variation = figures.find((f) => f.id === 'board-variation')
  const returns = figures.find((f) => f.id === 'board-returns')
  return (
    <>
      <Breadcrumbs
        items={[
          { to: hrefWithFilters('/', filters, period), label: 'National overview' },
          { to: hrefWithFilters('/boards', filters, period), label: 'Boards' },
        ]}
      />
      <PageHeader label="Board" title={view.service ? `${board.name}: ${view.service.name}` : board.name}>
        <p>
          What {where} delivered, {period.label}, beside the figure for Scotland. Population {formatCount(population)} (
          {board.code}).
        </p>
        <p>
          <Link to={`/reports/${view.latestDue}?board=${board.code}`}>
            Monthly report for {board.name}, {formatMonth(view.latestDue)}
          </Link>
        </p>
      </PageHeader>

      <FilterForm action={here} state={view} board={board.code} />

      <TileGrid tiles={tiles} headingId="headline-figures" />

      <section aria-labelledby="services-heading" className="app-figure">
        <h2 id="services-heading" className="ds_h3">
          Services in {board.name}
        </h2>
        <p className="app-figure__description">
          The services live or in pilot in {board.name} in {formatMonth(period.to)}. Choose one to see it across every
          board.
        </p>
        {services.length === 0 ? (
          <p>No services were live in {formatMonth(period.to)}.</p>
        ) : (
          <DataTable
            caption={`Services in ${board.name} in ${formatMonth(period.to)}`}
            rows={services}
            rowKey={(s) => s.slug}
            rowHeader
            columns={[
              {
                header: 'Service',
                cell: (s) => (
                  <Link
                    to={hrefWithFilters(`/services/${s.slug}`, filters, period, {
                      board: board.code,
                      service: undefined,
                    })}
                  >
                    {s.name}
                  </Link>
                ),
              },
              { header: 'Status', cell: (s) => <AvailabilityTag status={s.status} /> },
              { header: 'Since', cell: (s) => formatMonthShort(s.since) },
              { header: 'Until', cell: (s) => (s.until ? formatMonthShort(s.until) : 'Open-ended') },
            ]}
          />
        )}
      </section>

      <h2 className="ds_h2 app-section-heading">Trends</h2>
      <TrendFigures figures={trends} here={here} filters={filters} period={period} csvHref={csv} />

      {variation ? (
        <FigureBlock
          figure={variation}
          csvHref={csv(variation.id)}
          tableOpen
          renderCell={(key, row) =>
            key === 'indicator' ? (
              <Link
                to={hrefWithFilters('/variation', filters, period, {
                  indicator: String(row.indicator_id),
                  board: board.code,
                })}
              >
                {String(row.indicator)}
              </Link>
            ) : undefined
          }
        />
      ) : null}

      {returns ? <FigureBlock figure={returns} csvHref={csv(returns.id)} tableOpen /> : null}
    </>
  )
}
