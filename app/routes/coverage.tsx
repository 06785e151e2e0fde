import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { chartFor } from '#app/components/charts/figure-charts.tsx'
import { TileMap } from '#app/components/charts/tile-map.tsx'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { FigureBlock, FigureFooter } from '#app/components/ui/figure-block.tsx'
import { FigureTable } from '#app/components/ui/figure-table.tsx'
import { FilterForm, FilterSelect } from '#app/components/ui/filter-form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { getCoverage } from '#app/dashboards/cache.server.ts'
import { formatMonth, formatMonthShort } from '#app/utils/dates.ts'
import { figureCsvHref, hrefWithFilters, MAP_INDICATORS } from '#app/dashboards/filters.ts'
import { requireDashboardView } from '#app/dashboards/request.server.ts'
import { AVAILABILITY_LABELS, NATIONAL_SERVICE, NOT_OFFERED } from '#app/domain/labels.ts'
import { MAP_INDICATOR_DEFINITIONS } from '#app/statistics/indicators.ts'

export const meta: MetaFunction = () => [{ title: 'Coverage - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { view } = await requireDashboardView(request, { keep: ['indicator', 'page'] })
  return json({ view, ...(await getCoverage(view)) })
}

export default function Coverage() {
  const {
    view,
    month,
    indicator,
    definition,
    matrix,
    matrixPage,
    matrixFigure,
    populationFigure,
    mapFigure,
    mapBoards,
  } = useLoaderData<typeof loader>()
  const { filters, period } = view
  const page = { indicator: indicator === 'referrals_per_100k' ? undefined : indicator }
  const csv = (id: string) => figureCsvHref(id, filters, period, page)
  const populationChart = chartFor(populationFigure, { barHeight: 44, labelWidth: 300 })
  const placed = mapBoards.filter((b) => b.tile)
  return (
    <>
      <Breadcrumbs items={[{ to: hrefWithFilters('/', filters, period), label: 'National overview' }]} />
      <PageHeader label="Coverage" title="Where the services are available">
        <p>
          Which services each board offers, how much of Scotland&apos;s population that covers, and a map of the boards
          coloured by the figure you choose. Availability is shown for {formatMonth(month)}, the last month of the
          period.
        </p>
      </PageHeader>

      <FilterForm
        action="/coverage"
        state={view}
        hidden={page}
        extra={
          <FilterSelect
            wide
            id="indicator"
            label="Colour the map by"
            value={indicator}
            options={MAP_INDICATORS.map((i) => ({ value: i, label: MAP_INDICATOR_DEFINITIONS[i].label }))}
          />
        }
      />

      <section aria-labelledby="figure-coverage-map" className="app-figure">
        <h2 id="figure-coverage-map" className="ds_h3">
          {mapFigure.title}
        </h2>
        <p className="app-figure__description">{mapFigure.description}</p>
        <div className="app-map-layout">
          {placed.length > 0 ? (
            <TileMap
              id="coverage-map"
              tiles={placed.map((b) => ({
                ...b.tile!,
                name: b.name,
                value: b.value,
                suppressed: b.suppressed,
                highlighted: b.highlighted,
              }))}
              kind={definition.kind}
              indicatorLabel={definition.label}
              unit={definition.unit}
            />
          ) : null}
          <div>
            {placed.length < mapBoards.length ? (
              <p className="app-figure__notes">
                {mapBoards.length - placed.length} boards have no place on the tile map yet: their figures are in the
                table.
              </p>
            ) : null}
            <FigureTable
              figure={mapFigure}
              rowHeader={1}
              renderCell={(key, row) =>
                key === 'board' ? (
                  <Link to={hrefWithFilters(`/boards/${String(row.code)}`, filters, period)}>{String(row.board)}</Link>
                ) : undefined
              }
            />
          </div>
        </div>
        <FigureFooter figure={mapFigure} csvHref={csv(mapFigure.id)} />
      </section>

      <FigureBlock
        figure={populationFigure}
        csvHref={csv(populationFigure.id)}
        chart={populationChart?.render}
        chartHeight={populationChart?.height}
      />

      <section aria-labelledby="figure-coverage-matrix" className="app-figure">
        <h2 id="figure-coverage-matrix" className="ds_h3">
          {matrixFigure.title}
        </h2>
        <p className="app-figure__description">{matrixFigure.description}</p>
        <div
          className="app-table-scroll"
          tabIndex={0}
          role="region"
          aria-label="Where each service is available: table"
        >
          <table className="ds_table app-table app-matrix">
            <caption className="visually-hidden">{matrixFigure.description}</caption>
            <thead>
              <tr>
                <th scope="col">Board</th>
                {view.services.map((s) => (
                  <th key={s.slug} scope="col">
                    <Link to={hrefWithFilters(`/services/${s.slug}`, filters, period, { service: undefined })}>
                      {s.name}
                    </Link>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.map((b) => (
                <tr key={b.code} className={filters.board === b.code ? 'app-matrix__selected' : undefined}>
                  <th scope="row">
                    <Link to={hrefWithFilters(`/boards/${b.code}`, filters, period, { board: undefined })}>
                      {b.name}
                    </Link>
                  </th>
                  {b.cells.map((c, i) => {
                    const s = view.services[i]!
                    if (!c) return <td key={s.slug}>{s.delivery === 'national' ? NATIONAL_SERVICE : NOT_OFFERED}</td>
                    const [code, since, until] = c
                    // One cell per board and service: thousands at scale, so the markup stays small.
                    // The status is in words; the tint only repeats it.
                    return (
                      <td key={s.slug} className={`app-status app-status--${code}`}>
                        {AVAILABILITY_LABELS[code].text}
                        <br />
                        {until
                          ? `${formatMonthShort(since!)} to ${formatMonthShort(until)}`
                          : `since ${formatMonthShort(since!)}`}
                      </td>
                    )
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {matrixPage.pages > 1 ? (
          <nav className="app-pagination" aria-label="Pages of the availability table">
            <p>
              Boards {matrixPage.first} to {matrixPage.first + matrix.length - 1} of {matrixPage.boards}.
            </p>
            <ul>
              {matrixPage.current > 1 ? (
                <li>
                  <Link to={hrefWithFilters('/coverage', filters, period, { ...page, page: matrixPage.current - 1 })}>
                    Previous boards
                  </Link>
                </li>
              ) : null}
              {matrixPage.current < matrixPage.pages ? (
                <li>
                  <Link to={hrefWithFilters('/coverage', filters, period, { ...page, page: matrixPage.current + 1 })}>
                    Next boards
                  </Link>
                </li>
              ) : null}
            </ul>
          </nav>
        ) : null}
        <FigureFooter figure={matrixFigure} csvHref={csv(matrixFigure.id)} />
      </section>
    </>
  )
}
