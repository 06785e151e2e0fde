import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { FigureFooter } from '#app/components/ui/figure-block.tsx'
import { FigureTable } from '#app/components/ui/figure-table.tsx'
import { FilterForm } from '#app/components/ui/filter-form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { getServicesList } from '#app/dashboards/cache.server.ts'
import { formatMonth } from '#app/utils/dates.ts'
import { figureCsvHref, hrefWithFilters } from '#app/dashboards/filters.ts'
import { requireDashboardView } from '#app/dashboards/request.server.ts'

export const meta: MetaFunction = () => [{ title: 'Services - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  // Choosing a service in the filters opens its page.
  const { view } = await requireDashboardView(request, { subject: { opens: 'service' } })
  return json({ view, ...(await getServicesList(view)) })
}

export default function Services() {
  const { view, services, figure } = useLoaderData<typeof loader>()
  const { filters, period } = view
  const slugs = new Map(services.map((s) => [s.name, s.slug]))
  return (
    <>
      <Breadcrumbs items={[{ to: hrefWithFilters('/', filters, period), label: 'National overview' }]} />
      <PageHeader label="Services" title="Every service">
        <p>
          The national digital services, what each delivered in {view.board?.name ?? 'Scotland'}, {period.label}, and
          where it was live in {formatMonth(period.to)}. Choose a service to see it in every board.
        </p>
      </PageHeader>

      <FilterForm action="/services" state={view} />

      <section aria-labelledby="services-table-heading" className="app-figure">
        <h2 id="services-table-heading" className="ds_h3">
          {figure.title}
        </h2>
        <p className="app-figure__description">{figure.description}</p>
        <FigureTable
          figure={figure}
          renderCell={(key, row) => {
            const slug = slugs.get(String(row.service))
            if (key === 'service' && slug) {
              return (
                <Link to={hrefWithFilters(`/services/${slug}`, filters, period, { service: undefined })}>
                  {String(row.service)}
                </Link>
              )
            }
            return undefined
          }}
        />
        <FigureFooter figure={figure} csvHref={figureCsvHref(figure.id, filters, period)} />
      </section>
    </>
  )
}
