import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { chartFor } from '#app/components/charts/figure-charts.tsx'
import { Breadcrumbs } from '#app/components/ui/breadcrumbs.tsx'
import { FigureBlock } from '#app/components/ui/figure-block.tsx'
import { FilterActions, FilterSelect, SdcCheckbox } from '#app/components/ui/filter-form.tsx'
import { WarningText } from '#app/components/ui/notification.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { type EquityFilters, equitySearch, parseEquityFilters } from '#app/dashboards/equity-filters.ts'
import type { InequalitySummary } from '#app/dashboards/figures/equity.ts'
import { type EquityFigureId, getEquityPage } from '#app/dashboards/pages/equity.server.ts'
import { formatPercent } from '#app/domain/format.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { latestDueMonth } from '#app/utils/dates.ts'

export const meta: MetaFunction = () => [{ title: 'Who the services reach - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request)
  const filters = parseEquityFilters(new URL(request.url).searchParams)
  const { RETURN_DEADLINE_DAY, SDC_THRESHOLD } = getConfig()
  const page = await getEquityPage({
    filters,
    latestDue: latestDueMonth(new Date(), RETURN_DEADLINE_DAY),
    threshold: SDC_THRESHOLD,
  })
  return json({ filters, threshold: SDC_THRESHOLD, ...page })
}

const number = (value: number, digits = 1) =>
  value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })

function Interval({
  lower,
  upper,
  format,
}: {
  lower: number | null
  upper: number | null
  format: (n: number) => string
}) {
  return lower === null || upper === null ? (
    <> (no confidence interval: see below)</>
  ) : (
    <>
      {' '}
      (95% confidence interval {format(lower)} to {format(upper)})
    </>
  )
}

/** The gap, ratio and indices of one measure by SIMD quintile, in words. */
function InequalityList({
  summary,
  unit,
  format,
}: {
  summary: InequalitySummary
  unit: string
  format: (n: number) => string
}) {
  if (!summary.available) return <p>{summary.reason}</p>
  const { gap, sii, rii } = summary
  return (
    <>
      <dl className="ds_summary-list">
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Gap, most against least deprived</dt>
          <dd className="ds_summary-list__value">
            {format(gap!.absolute)} {unit} (quintile {gap!.mostRank} less quintile {gap!.leastRank})
          </dd>
        </div>
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Ratio, most to least deprived</dt>
          <dd className="ds_summary-list__value">
            {gap!.ratio === null ? 'none: the least deprived rate is 0' : `${number(gap!.ratio, 2)} times`}
          </dd>
        </div>
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Slope index of inequality</dt>
          <dd className="ds_summary-list__value">
            {format(sii!.value)} {unit}
            <Interval lower={sii!.lower} upper={sii!.upper} format={format} />
          </dd>
        </div>
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Relative index of inequality</dt>
          <dd className="ds_summary-list__value">
            {rii ? (
              <>
                {number(rii.value, 2)} times
                <Interval lower={rii.lower} upper={rii.upper} format={(n) => number(n, 2)} />
              </>
            ) : (
              'none: the fitted line reaches 0 at the least deprived end'
            )}
          </dd>
        </div>
      </dl>
      {summary.caveats?.map((c) => (
        <p key={c} className="ds_hint-text">
          {c}
        </p>
      ))}
    </>
  )
}

export default function Equity() {
  const data = useLoaderData<typeof loader>()
  const { filters, figures, year, years, board, boards, service, services, measure, measures, inequality } = data
  const search = (changes: Partial<EquityFilters> = {}) => equitySearch({ ...filters, ...changes })
  const block = (id: EquityFigureId) => {
    const figure = figures[id]
    const chart = chartFor(figure, { labelWidth: 200 })
    return (
      <FigureBlock
        key={id}
        figure={figure}
        csvHref={`/equity/figures/${id}${search()}`}
        chart={chart?.render}
        chartHeight={chart?.height}
        headingLevel={3}
        tableOpen
      />
    )
  }
  const place = board?.name ?? 'Scotland'
  const warnings = data.unknown.filter((u) => u.warning)
  return (
    <>
      <Breadcrumbs items={[{ to: '/', label: 'National overview' }]} />
      <PageHeader label="Equity" title="Who the services reach">
        <p>
          Whether people in every part of Scotland are referred, treated and recover at similar rates: by how deprived
          the area they live in is (Scottish Index of Multiple Deprivation, SIMD, quintile 1 being the most deprived
          fifth of the population), by age and by sex, for one financial year.
        </p>
      </PageHeader>

      {data.notices.length ? (
        <div className="ds_notification ds_notification--information" role="status">
          <div className="ds_notification__content">
            {data.notices.map((n) => (
              <p key={n}>{n}</p>
            ))}
          </div>
        </div>
      ) : null}

      <div className="app-filters">
        <h2 className="ds_h4 app-filters__heading" id="filters-heading">
          Year, board, service and measure
        </h2>
        <p className="app-filters__current">
          Showing <strong>{measure.label.toLowerCase()}</strong> of <strong>{service.name}</strong> in{' '}
          <strong>{place}</strong>, financial year <strong>{year}</strong>
          {filters.sdc === 'on' ? ', small numbers hidden' : ''}.
        </p>
        <Form
          key={search()}
          method="get"
          action="/equity"
          aria-labelledby="filters-heading"
          className="app-filters__form"
        >
          <div className="app-filters__fields">
            <FilterSelect
              id="year"
              label="Financial year"
              value={year}
              options={years.map((y) => ({ value: y, label: y }))}
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
              value={service.slug}
              options={services.map((s) => ({ value: s.slug, label: s.name }))}
            />
            <FilterSelect
              id="measure"
              label="Measure"
              value={measure.name}
              options={measures.map((m) => ({ value: m.name, label: m.label }))}
            />
          </div>
          <SdcCheckbox checked={filters.sdc === 'on'}>
            As for publication: counts from 1 to {data.threshold}, and any that would give one away, are shown as c.
          </SdcCheckbox>
          <FilterActions reset="/equity">
            Reset<span className="visually-hidden"> to Scotland, cCBT Adults, referrals, the latest whole year</span>
          </FilterActions>
        </Form>
      </div>

      {warnings.length ? (
        <WarningText>
          {warnings.map((w) => `${formatPercent(w.share)} have no ${w.dimension} recorded`).join('; ')}: more than 1 in
          10, so the rates by category understate the true rates.
        </WarningText>
      ) : null}

      <section aria-labelledby="deprivation-heading">
        <h2 className="ds_h2" id="deprivation-heading">
          By deprivation
        </h2>
        {block('equity-simd')}
        <h3 className="ds_h4">How unequal: {measure.label.toLowerCase()} per 1,000 people</h3>
        <p>
          The gap and ratio compare the most and least deprived quintiles. The slope index of inequality (SII) is the
          difference in rate between the most and least deprived ends of a line fitted across all five quintiles,
          weighted by their populations; the relative index (RII) is the ratio of the two ends (Public Health England’s
          method, with 95% confidence intervals by simulation). A positive SII means higher rates among the more
          deprived.
        </p>
        <InequalityList summary={inequality.rate} unit="per 1,000 people" format={(n) => number(n)} />
        {block('equity-recovery')}
        <h3 className="ds_h4">How unequal: recovery</h3>
        <p>A negative SII means people in more deprived areas recover less often.</p>
        <InequalityList summary={inequality.recovery} unit="percentage points" format={(n) => number(n * 100)} />
      </section>

      <section aria-labelledby="age-sex-heading">
        <h2 className="ds_h2" id="age-sex-heading">
          By age and sex
        </h2>
        {block('equity-age')}
        {block('equity-sex')}
      </section>

      <p>
        The same figures for every board and month: <Link to="/exports">build an export</Link> with a breakdown, or ask
        the API for <code>/api/v1/activity?breakdown=simd</code>.
      </p>
    </>
  )
}
