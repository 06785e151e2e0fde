import { Link } from '@remix-run/react'
import { chartFor } from '#app/components/charts/figure-charts.tsx'
import { type DashboardFilters, hrefWithFilters, type MonthRange } from '#app/dashboards/filters.ts'
import type { Figure } from '#app/domain/figure.ts'
import { FigureBlock } from './figure-block.tsx'

/**
 * A page's trends, as charts of the figures or (`view=spc`) as control charts, with a link to
 * switch between them. Control charts need months: by quarter or year the page says so and
 * links to the same period by month.
 */
export function TrendFigures({
  figures,
  here,
  filters,
  period,
  csvHref,
  headingLevel = 3,
}: {
  figures: Figure[]
  /** The page's path, for the links between the two views. */
  here: string
  filters: DashboardFilters
  period: MonthRange
  csvHref: (id: string) => string
  headingLevel?: 2 | 3
}) {
  const spc = filters.view === 'spc'
  return (
    <>
      <p className="app-view-switch">
        {spc ? (
          <Link to={hrefWithFilters(here, filters, period, { view: undefined })}>
            Show the trends as charts of the figures
          </Link>
        ) : (
          <Link to={hrefWithFilters(here, filters, period, { view: 'spc', grain: 'month' })}>
            Show the trends as control charts: which changes are more than the usual ups and downs
          </Link>
        )}
      </p>
      {spc && filters.grain !== 'month' ? (
        <div className="ds_inset-text">
          <p className="ds_inset-text__text">
            Control charts need monthly figures.{' '}
            <Link to={hrefWithFilters(here, filters, period, { grain: 'month' })}>
              Show the control charts by month
            </Link>
            .
          </p>
        </div>
      ) : null}
      {figures.map((figure) => {
        const chart = chartFor(figure)
        return (
          <FigureBlock
            key={figure.id}
            figure={figure}
            csvHref={csvHref(figure.id)}
            chart={chart?.render}
            chartHeight={chart?.height}
            headingLevel={headingLevel}
          />
        )
      })}
    </>
  )
}
