import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { lazyChart } from '#app/components/charts/lazy-charts.tsx'
import type { SmallMultipleChartProps } from '#app/components/charts/small-multiple-chart.tsx'
import { niceMax, SMALL_MULTIPLE_HEIGHT } from '#app/components/charts/chart-config.ts'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { FigureFooter, FigureNotes } from '#app/components/ui/figure-block.tsx'
import { TrendFigures } from '#app/components/ui/trend-figures.tsx'
import { FigureTable } from '#app/components/ui/figure-table.tsx'
import { FilterForm, FilterSelect } from '#app/components/ui/filter-form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { getServiceDashboard } from '#app/dashboards/cache.server.ts'
import { formatMonth } from '#app/utils/dates.ts'
import { SUPPRESSED } from '#app/disclosure/figures.ts'
import { formatCell } from '#app/domain/figure.ts'
import { figureCsvHref, hrefWithFilters, ServiceSlugSchema } from '#app/dashboards/filters.ts'
import { requireDashboardView } from '#app/dashboards/request.server.ts'
import { datesText, NOT_OFFERED } from '#app/domain/labels.ts'
import { capitalise } from '#app/domain/format.ts'
import { useHydrated } from '#app/utils/use-hydrated.ts'
import { DataTable } from '#app/components/ui/data-table.tsx'
import { AvailabilityTag } from '#app/components/ui/availability-tag.tsx'

const LazySmallMultipleChart = lazyChart<SmallMultipleChartProps>(
  () => import('#app/components/charts/small-multiple-chart.tsx'),
  <></>,
)

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.service.name ?? 'Service'} - Digital Therapies Programme Dashboard` },
]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const slug = ServiceSlugSchema.safeParse(params.slug)
  // The service chosen in the filters replaces this one.
  const { view } = await requireDashboardView(request, { subject: { service: slug.data ?? '' }, keep: ['measure'] })
  const page = slug.success ? await getServiceDashboard(view, slug.data) : null
  if (!page) throw new Response(`There is no service called “${params.slug}”.`, { status: 404 })
  return json({ view, ...page })
}

export default function Service() {
  const { view, service, measure, availability, trends, smallMultiples, scaleMax } = useLoaderData<typeof loader>()
  const { filters, period } = view
  const here = `/services/${service.slug}`
  const hydrated = useHydrated()
  const page = {
    service: service.slug,
    measure: measure && measure.name !== service.measures[0]?.name ? measure.name : undefined,
  }
  const max = niceMax(scaleMax)
  const live = availability.filter((a) => a.status === 'live' || a.status === 'pilot')
  return (
    <>
      <Breadcrumbs
        items={[
          { to: hrefWithFilters('/', filters, period), label: 'National overview' },
          { to: hrefWithFilters('/services', filters, period), label: 'Services' },
        ]}
      />
      <PageHeader label="Service" title={service.name}>
        <p>{service.description}</p>
      </PageHeader>

      <dl className="ds_summary-list app-service-summary">
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Delivered</dt>
          <dd className="ds_summary-list__value">
            {service.delivery === 'national' ? 'Nationally, open to everyone' : 'By each board where it is live'}
          </dd>
        </div>
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Where it is live</dt>
          <dd className="ds_summary-list__value">
            {service.delivery === 'national'
              ? live.length > 0
                ? 'Everywhere in Scotland'
                : 'Not live'
              : `${live.filter((a) => a.status === 'live').length} of ${availability.filter((a) => !a.national).length} boards in ${formatMonth(period.to)}`}
          </dd>
        </div>
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">What boards report</dt>
          <dd className="ds_summary-list__value">{service.measures.map((m) => m.label).join(', ')}</dd>
        </div>
      </dl>

      <FilterForm
        action={here}
        state={view}
        service={false}
        hidden={{ measure: page.measure }}
        extra={
          service.measures.length > 1 ? (
            <FilterSelect
              id="measure"
              label="Measure by board"
              value={measure?.name ?? ''}
              options={service.measures.map((m) => ({ value: m.name, label: m.label }))}
            />
          ) : undefined
        }
      />

      <TrendFigures
        figures={trends}
        here={here}
        filters={filters}
        period={period}
        csvHref={(id) => figureCsvHref(id, filters, period, page)}
        headingLevel={2}
      />

      {smallMultiples && measure ? (
        <section className="app-figure" aria-labelledby="figure-service-by-board">
          <h2 id="figure-service-by-board" className="ds_h3">
            {smallMultiples.title}
          </h2>
          <p className="app-figure__description">{smallMultiples.description}</p>
          <ul className="app-small-multiples">
            {smallMultiples.rows.map((row) => {
              const code = String(row.code)
              const name = String(row.board)
              const highlighted = view.board?.code === code
              const points = view.buckets.map((b) => ({
                period: b.label,
                value: typeof row[b.key] === 'number' ? (row[b.key] as number) : null,
              }))
              return (
                <li key={code} className={highlighted ? 'app-small-multiple--highlighted' : undefined}>
                  <h3 className="app-small-multiple__title">
                    <Link
                      to={hrefWithFilters(`/boards/${code}`, filters, period, {
                        board: undefined,
                        service: service.slug,
                      })}
                    >
                      {name}
                    </Link>
                  </h3>
                  {highlighted ? <p className="app-small-multiple__selected">Selected board</p> : null}
                  <p className="app-small-multiple__total">
                    {row.total === SUPPRESSED
                      ? 'Total hidden: a small number'
                      : `${formatCell(row.total ?? null, 'count')} ${measure.unit} in the period`}
                  </p>
                  <div className="app-chart" style={{ minHeight: SMALL_MULTIPLE_HEIGHT }}>
                    {hydrated ? (
                      <LazySmallMultipleChart
                        points={points}
                        max={max}
                        kind="count"
                        valueLabel={measure.label}
                        highlighted={highlighted}
                      />
                    ) : null}
                  </div>
                </li>
              )
            })}
          </ul>
          <details className="ds_details app-figure__table">
            <summary className="ds_details__summary">Show the figures in a table</summary>
            <div className="ds_details__text">
              <FigureTable figure={smallMultiples} rowHeader={1} />
            </div>
          </details>
          <FigureNotes notes={smallMultiples.notes} />
          <FigureFooter figure={smallMultiples} csvHref={figureCsvHref(smallMultiples.id, filters, period, page)} />
        </section>
      ) : null}

      <div className="app-two-columns">
        <section aria-labelledby="treatments-heading" className="app-figure">
          <h2 id="treatments-heading" className="ds_h3">
            Treatments offered
          </h2>
          {service.treatments.length === 0 ? (
            <p>This service has no separate treatment programmes.</p>
          ) : (
            <ul>
              {service.treatments.map((t) => (
                <li key={t.name}>
                  {t.name}
                  {t.retiredOn ? ` (retired ${t.retiredOn})` : ''}
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="availability-heading" className="app-figure">
          <h2 id="availability-heading" className="ds_h3">
            Where it is available in {formatMonth(period.to)}
          </h2>
          <DataTable
            caption={`Where ${service.name} is available, ${formatMonth(period.to)}`}
            rows={availability}
            rowKey={(a) => a.code}
            rowHeader
            columns={[
              { header: 'Board', cell: (a) => (a.national ? `${a.name} (national)` : a.name) },
              { header: 'Status', cell: (a) => (a.status ? <AvailabilityTag status={a.status} /> : NOT_OFFERED) },
              { header: 'Dates', cell: (a) => (a.since ? capitalise(datesText(a.since, a.until)) : '–') },
            ]}
          />
        </section>
      </div>
    </>
  )
}
