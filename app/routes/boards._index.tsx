import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { FigureFooter, FigureNotes } from '#app/components/ui/figure-block.tsx'
import { FilterForm } from '#app/components/ui/filter-form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { getBoardsTable } from '#app/dashboards/cache.server.ts'
import { formatCell } from '#app/domain/figure.ts'
import { BOARD_SORTS, figureCsvHref, hrefWithFilters } from '#app/dashboards/filters.ts'
import { requireDashboardView } from '#app/dashboards/request.server.ts'

export const meta: MetaFunction = () => [{ title: 'Boards - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  // Choosing a board in the filters opens its page.
  const { view } = await requireDashboardView(request, { subject: { opens: 'board' }, keep: ['sort', 'dir'] })
  return json({ view, ...(await getBoardsTable(view)) })
}

/** Numbers sort largest first on the first click; names A to Z. */
function firstDirection(key: string) {
  return key === 'name' ? 'asc' : 'desc'
}

export default function Boards() {
  const { view, figure } = useLoaderData<typeof loader>()
  const { filters, period } = view
  const sortable = new Set<string>(BOARD_SORTS)
  const columns = figure.columns.filter((c) => sortable.has(c.key))
  const boardRows = figure.rows.slice(0, -1)
  const scotland = figure.rows[figure.rows.length - 1]!
  const sortHref = (key: string) => {
    const dir = filters.sort === key ? (filters.dir === 'asc' ? 'desc' : 'asc') : firstDirection(key)
    return hrefWithFilters('/boards', filters, period, { sort: key, dir })
  }
  const sortedBy = columns.find((c) => c.key === filters.sort)
  return (
    <>
      <Breadcrumbs items={[{ to: hrefWithFilters('/', filters, period), label: 'National overview' }]} />
      <PageHeader label="Boards" title="Every board">
        <p>
          Each territorial board&apos;s headline figures{view.service ? ` for ${view.service.name}` : ''},{' '}
          {period.label}, beside Scotland&apos;s. Choose a board to see its trends, services and returns.
        </p>
      </PageHeader>

      <FilterForm
        action="/boards"
        state={view}
        hidden={{
          sort: filters.sort === 'name' ? undefined : filters.sort,
          dir: filters.dir === 'asc' ? undefined : filters.dir,
        }}
      />

      <section aria-labelledby="boards-table-heading" className="app-figure">
        <h2 id="boards-table-heading" className="ds_h3">
          {figure.title}
        </h2>
        <p className="app-figure__description">
          {figure.description} Sorted by {sortedBy?.label.toLowerCase() ?? 'board'},{' '}
          {filters.dir === 'asc' ? 'smallest or A first' : 'largest or Z first'}: select a column heading to sort by it.
        </p>
        <div className="app-table-scroll" tabIndex={0} role="region" aria-label="Headline figures by board: table">
          <table className="ds_table app-table">
            <caption className="visually-hidden">
              {figure.title}, {period.label}. Select a column heading to sort.
            </caption>
            <thead>
              <tr>
                {columns.map((c) => {
                  const current = filters.sort === c.key
                  return (
                    <th
                      key={c.key}
                      scope="col"
                      className={c.kind === 'text' ? undefined : 'app-numeric'}
                      aria-sort={current ? (filters.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                    >
                      <Link to={sortHref(c.key)}>
                        {c.label}
                        {c.unit ? <span className="app-table__unit"> ({c.unit})</span> : null}
                        <span className="app-sort-indicator" aria-hidden="true">
                          {current ? (filters.dir === 'asc' ? '▲' : '▼') : '↕'}
                        </span>
                        {current ? null : <span className="visually-hidden"> (sort by this column)</span>}
                      </Link>
                    </th>
                  )
                })}
              </tr>
            </thead>
            <tbody>
              {boardRows.map((row) => (
                <tr key={String(row.code)}>
                  {columns.map((c) =>
                    c.key === 'name' ? (
                      <th key={c.key} scope="row">
                        <Link to={hrefWithFilters(`/boards/${String(row.code)}`, filters, period)}>
                          {String(row.name)}
                        </Link>
                      </th>
                    ) : (
                      <td key={c.key} className="app-numeric">
                        {formatCell(row[c.key] ?? null, c.kind)}
                      </td>
                    ),
                  )}
                </tr>
              ))}
              <tr className="app-table__total">
                {columns.map((c) =>
                  c.key === 'name' ? (
                    <th key={c.key} scope="row">
                      Scotland
                    </th>
                  ) : (
                    <td key={c.key} className="app-numeric">
                      {formatCell(scotland[c.key] ?? null, c.kind)}
                    </td>
                  ),
                )}
              </tr>
            </tbody>
          </table>
        </div>
        <FigureNotes notes={figure.notes} />
        <FigureFooter figure={figure} csvHref={figureCsvHref(figure.id, filters, period)} />
      </section>
    </>
  )
}
