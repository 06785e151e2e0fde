import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { findReturnUnit, getReturnHistory } from '#app/models/returns.server.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { formatDateTime, formatMonth, isMonth } from '#app/utils/dates.ts'
import { formatCount } from '#app/domain/format.ts'
import { notFound } from '#app/utils/http.server.ts'
import { DataTable } from '#app/components/ui/data-table.tsx'

export const meta: MetaFunction = () => [
  { title: 'History of a monthly return - Digital Therapies Programme Dashboard' },
]

const ParamsSchema = z.object({ code: z.string().regex(/^[A-Za-z]\d{8}$/), month: z.string().refine(isMonth) })

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const parsed = ParamsSchema.safeParse(params)
  if (!parsed.success) throw notFound()
  const unit = await findReturnUnit({ code: parsed.data.code })
  const rows = await getReturnHistory({ actor: user, unit, month: parsed.data.month })
  const services = new Map<string, { slug: string; name: string; versions: Array<Record<string, string>> }>()
  for (const row of rows) {
    if (!services.has(row.serviceSlug))
      services.set(row.serviceSlug, { slug: row.serviceSlug, name: row.service, versions: [] })
    services.get(row.serviceSlug)!.versions.push({
      measure: row.measure,
      value: row.value === null ? 'Not reported' : formatCount(row.value),
      comment: row.comment ?? '',
      from: formatDateTime(row.validFrom),
      to: row.validTo ? formatDateTime(row.validTo) : 'Current',
      by: row.changedBy ?? '',
      reason: row.reason ?? '',
    })
  }
  return json({ unit, month: parsed.data.month, services: [...services.values()] })
}

export default function ReturnHistory() {
  const { unit, month, services } = useLoaderData<typeof loader>()
  return (
    <>
      <Breadcrumbs
        items={[
          { to: '/returns', label: 'Monthly returns' },
          { to: `/returns/${unit.code}/${month}`, label: `${unit.name}, ${formatMonth(month)}` },
        ]}
        current="History"
      />
      <PageHeader label={`${unit.name}, ${formatMonth(month)}`} title="History of the figures">
        <p>
          Every version of every figure, oldest first. A figure is never changed in place: each change adds a version.
        </p>
      </PageHeader>
      {services.length === 0 ? <p>No figures have been entered for this month yet.</p> : null}
      {services.map((service) => (
        <section
          key={service.slug}
          id={`service-${service.slug}`}
          aria-labelledby={`heading-${service.slug}`}
          tabIndex={-1}
        >
          <h2 id={`heading-${service.slug}`}>{service.name}</h2>
          <DataTable
            caption={`Versions of the ${service.name} figures`}
            rows={service.versions}
            rowKey={(_, i) => i}
            columns={[
              { header: 'Measure', cell: (v) => v.measure },
              { header: 'Value', numeric: true, cell: (v) => v.value },
              { header: 'Valid from', cell: (v) => v.from },
              { header: 'Valid to', cell: (v) => v.to },
              { header: 'Changed by', cell: (v) => v.by },
              {
                header: 'Comment or reason',
                cell: (v) => [v.comment, v.reason && `Reason: ${v.reason}`].filter(Boolean).join('. '),
              },
            ]}
          />
        </section>
      ))}
    </>
  )
}
