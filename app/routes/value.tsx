import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { chartFor } from '#app/components/charts/figure-charts.tsx'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { FigureBlock } from '#app/components/ui/figure-block.tsx'
import { FilterActions, FilterSelect, SdcCheckbox } from '#app/components/ui/filter-form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { getValuePage } from '#app/dashboards/pages/value.server.ts'
import {
  GROWTH_LIMITS,
  parseValueFilters,
  VALUE_GROWTH_DEFAULTS,
  type ValueFilters,
  valueSearch,
} from '#app/dashboards/value-filters.ts'
import { APPORTIONING_RULE } from '#app/statistics/value.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { latestDueMonth } from '#app/utils/dates.ts'

export const meta: MetaFunction = () => [
  { title: 'Resources and value for money - Digital Therapies Programme Dashboard' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const filters = parseValueFilters(new URL(request.url).searchParams)
  const { RETURN_DEADLINE_DAY, SDC_THRESHOLD } = getConfig()
  const page = await getValuePage({
    filters,
    latestDue: latestDueMonth(new Date(), RETURN_DEADLINE_DAY),
    actor: user,
    threshold: SDC_THRESHOLD,
  })
  return json({ filters, ...page, boardLead: user.role === 'board_lead' })
}

function GrowthField({ id, label, value }: { id: 'low' | 'growth' | 'high'; label: string; value: number }) {
  return (
    <div className="ds_question app-filters__field">
      <label className="ds_label" htmlFor={id}>
        {label} (%)
      </label>
      <p className="ds_hint-text" id={`${id}-hint`}>
        Percent a year, {GROWTH_LIMITS.min} to {GROWTH_LIMITS.max} (default {VALUE_GROWTH_DEFAULTS[id]})
      </p>
      <input
        className="ds_input ds_input--fixed-5"
        id={id}
        name={id}
        type="number"
        inputMode="decimal"
        step="0.5"
        min={GROWTH_LIMITS.min}
        max={GROWTH_LIMITS.max}
        defaultValue={value}
        aria-describedby={`${id}-hint`}
      />
    </div>
  )
}

export default function Value() {
  const { filters, figures, year, years, board, boards, service, services, notices, boardLead, ownCode } =
    useLoaderData<typeof loader>()
  const search = (changes: Partial<ValueFilters> = {}) => valueSearch({ ...filters, ...changes })
  const csv = (id: string) => `/value/figures/${id}${search()}`
  const block = (id: keyof typeof figures, options: { tableOpen?: boolean; rowHeader?: number } = {}) => {
    const figure = figures[id]
    const chart = chartFor(
      figure,
      id === 'value-boards' ? { highlight: board?.code ?? 'S92000003', labelWidth: 220 } : {},
    )
    return (
      <FigureBlock
        key={id}
        figure={figure}
        csvHref={csv(id)}
        chart={chart?.render}
        chartHeight={chart?.height}
        tableOpen={options.tableOpen}
        rowHeader={options.rowHeader}
      />
    )
  }
  return (
    <>
      <Breadcrumbs items={[{ to: '/', label: 'National overview' }]} />
      <PageHeader label="Resources and value" title="What digital therapy costs, and what it achieves">
        <p>
          The programme&apos;s national contracts and licences and the boards&apos; own costs, set against what they
          delivered: the cost of a referral, a treatment started, a completed course and a person recovered, the time
          supporters give each course, and what the next three years may cost.
        </p>
      </PageHeader>

      {notices.length ? (
        <div className="ds_notification ds_notification--information" role="status">
          <div className="ds_notification__content">
            {notices.map((n) => (
              <p key={n}>{n}</p>
            ))}
          </div>
        </div>
      ) : null}

      <div className="app-filters">
        <h2 className="ds_h4 app-filters__heading" id="filters-heading">
          Year, board, service and growth
        </h2>
        <p className="app-filters__current">
          Showing <strong>{service.name}</strong> in <strong>{board?.name ?? 'Scotland'}</strong>; comparisons for the
          financial year <strong>{year}</strong>.
        </p>
        <Form
          key={search()}
          method="get"
          action="/value"
          aria-labelledby="filters-heading"
          className="app-filters__form"
        >
          <div className="app-filters__fields">
            <FilterSelect
              id="year"
              label="Financial year"
              value={year}
              options={[...years].reverse().map((y) => ({ value: y, label: y }))}
            />
            <FilterSelect
              id="board"
              label="Board"
              value={board?.code ?? ''}
              options={[{ value: '', label: 'Scotland' }, ...boards.map((b) => ({ value: b.code, label: b.name }))]}
            />
            <FilterSelect
              wide
              id="service"
              label="Service"
              value={service.key}
              options={services.map((s) => ({ value: s.key, label: s.name }))}
            />
          </div>
          <fieldset className="app-filters__fields">
            <legend className="ds_label">Growth in referrals a year, for the budget impact</legend>
            <GrowthField id="low" label="Low" value={filters.low} />
            <GrowthField id="growth" label="Central" value={filters.growth} />
            <GrowthField id="high" label="High" value={filters.high} />
          </fieldset>
          <SdcCheckbox checked={filters.sdc === 'on'}>
            Withholds a unit cost of 1 to the threshold people, which with the cost would give the number.
          </SdcCheckbox>
          <FilterActions reset="/value">
            Reset<span className="visually-hidden"> to Scotland, cCBT and ieCBT, the latest whole year</span>
          </FilterActions>
        </Form>
      </div>

      <section aria-labelledby="how-heading">
        <h2 className="ds_h3" id="how-heading">
          How the costs are counted
        </h2>
        <ul>
          <li>
            <strong>Total cost</strong> is the national contract and licence costs plus the boards&apos; own costs, in
            pounds, for the financial year (April to March).
          </li>
          <li>
            <strong>Apportioning.</strong> {APPORTIONING_RULE}
          </li>
          <li>
            <strong>Unit costs</strong> divide the total cost by the year&apos;s referrals, treatments started,
            completed courses or people recovered, counted once a board has submitted its month. A year with a month not
            yet reported gives no unit cost (it would be too high) and says which months are missing.
          </li>
          {boardLead ? (
            <li>
              As a board lead you see every board&apos;s unit costs, and the cost amounts of{' '}
              {boards.find((b) => b.code === ownCode)?.name ?? 'your board'} and Scotland only.
            </li>
          ) : null}
        </ul>
        <p>
          The same figures, for scripts and spreadsheets:{' '}
          <a href={`/api/v1/value?format=csv${board ? `&board=${board.code}` : ''}`} download>
            all years as CSV
          </a>{' '}
          (<Link to="/api/v1/openapi.json">API description</Link>).
        </p>
      </section>

      {block('value-trend', { tableOpen: true })}
      {block('value-services', { tableOpen: true, rowHeader: 1 })}
      {block('value-boards', { rowHeader: 1 })}
      {block('value-workforce')}
      {block('value-budget', { tableOpen: true })}
    </>
  )
}
