import { json, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { FigureFooter } from '#app/components/ui/figure-block.tsx'
import { FigureTable } from '#app/components/ui/figure-table.tsx'
import { FilterForm } from '#app/components/ui/filter-form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { findService } from '#app/models/catalogue.server.ts'
import { getServicesList } from '#app/dashboards/cache.server.ts'
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
import { requireUser } from '#app/utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'Services - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request)
  const { RETURN_DEADLINE_DAY } = getConfig()
  const search = new URL(request.url).searchParams
  // Choosing a service in the filters opens its page.
  const filters = parseFilters(search)
  if (filters.service && (await findService({ slug: filters.service }))) {
    const query = filtersToSearchParams({ ...filters, service: undefined }).toString()
    throw redirect(`/services/${filters.service}${query ? `?${query}` : ''}`)
  }
  // The short form of the address: what the form sent, without the defaults and empty fields.
  const now = new Date()
  const canonical = canonicalLocation(new URL(request.url), periodBounds(now, RETURN_DEADLINE_DAY))
  if (canonical) throw redirect(canonical)
  return json(await getServicesList({ search, now, deadlineDay: RETURN_DEADLINE_DAY }))
}

export default function Services() {
  const { state, services, figure } = useLoaderData<typeof loader>()
  const { filters, period } = state
  const slugs = new Map(services.map((s) => [s.name, s.slug]))
  return (
    <>
      <Breadcrumbs items={[{ to: hrefWithFilters('/', filters, period), label: 'National overview' }]} />
      <PageHeader label="Services" title="Every service">
        <p>
          The national digital services, what each delivered in {state.board?.name ?? 'Scotland'}, {period.label}, and
          where it was live in {formatMonth(period.to)}. Choose a service to see it in every board.
        </p>
      </PageHeader>

      <FilterForm action="/services" state={state} />

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
