import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import type { FunnelChartProps } from '#app/components/charts/funnel-chart.tsx'
import { lazyChart } from '#app/components/charts/lazy-charts.tsx'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { FigureBlock } from '#app/components/ui/figure-block.tsx'
import { FilterForm, FilterSelect } from '#app/components/ui/filter-form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { getVariation } from '#app/dashboards/cache.server.ts'
import { figureCsvHref, hrefWithFilters } from '#app/dashboards/filters.ts'
import { funnelIndicatorOf } from '#app/dashboards/figures/variation.ts'
import { requireDashboardView } from '#app/dashboards/request.server.ts'
import { MAP_INDICATOR_DEFINITIONS } from '#app/statistics/indicators.ts'

const LazyFunnelChart = lazyChart<FunnelChartProps>(() => import('#app/components/charts/funnel-chart.tsx'))

/** The funnel plot scales with its width; this reserves about its height at full width. */
const FUNNEL_HEIGHT = 440

export const meta: MetaFunction = () => [{ title: 'Variation between boards - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { view } = await requireDashboardView(request, { keep: ['indicator'] })
  return json({ view, ...(await getVariation(view)) })
}

export default function Variation() {
  const { view, figure, indicators } = useLoaderData<typeof loader>()
  const { filters, period } = view
  const indicator = funnelIndicatorOf(filters.indicator)
  const page = { indicator }
  const spec = figure?.chart?.type === 'funnel' ? figure.chart : null
  return (
    <>
      <Breadcrumbs items={[{ to: hrefWithFilters('/', filters, period), label: 'National overview' }]} />
      <PageHeader label="Variation" title="Which boards really differ from Scotland">
        <p>
          A funnel plot puts every board&apos;s figure against Scotland&apos;s. Small boards vary more by chance, so
          their limits are wider: a board outside the limits differs by more than chance would usually give, and is
          worth asking about; a board inside them does not, however it ranks.
        </p>
      </PageHeader>

      <FilterForm
        action="/variation"
        state={view}
        hidden={page}
        extra={
          <FilterSelect
            wide
            id="indicator"
            label="Indicator"
            value={indicator}
            options={indicators.map((i) => ({
              value: i,
              label: MAP_INDICATOR_DEFINITIONS[i as keyof typeof MAP_INDICATOR_DEFINITIONS].label,
            }))}
          />
        }
      />

      {figure ? (
        <FigureBlock
          figure={figure}
          csvHref={figureCsvHref(figure.id, filters, period, page)}
          chart={
            spec
              ? () => {
                  const { type: _type, ...props } = spec
                  return <LazyFunnelChart id={figure.id} {...props} />
                }
              : undefined
          }
          chartHeight={FUNNEL_HEIGHT}
          tableOpen
          rowHeader={1}
          renderCell={(key, row) =>
            key === 'board_name' ? (
              <Link to={hrefWithFilters(`/boards/${String(row.board_code)}`, filters, period)}>
                {String(row.board_name)}
              </Link>
            ) : undefined
          }
        />
      ) : (
        <p>No board has figures for this indicator in {period.label}.</p>
      )}
    </>
  )
}
