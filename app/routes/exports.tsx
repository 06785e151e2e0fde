import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { Choice, ErrorSummary, InputField, SubmitButton } from '#app/components/ui/form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { loadBreakdownCatalogue } from '#app/models/breakdowns.server.ts'
import { loadExportReference } from '#app/models/exports.server.ts'
import { listSettledMonths } from '#app/models/completeness.server.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { addMonths, formatMonth, isMonth, latestDueMonth, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import { FORMATS, LAYOUTS, parseActivityParams } from '#app/api/parameters.ts'
import { RATE_INDICATORS } from '#app/statistics/indicators.ts'
import { can } from '#app/utils/permissions.ts'
import { GRAIN_LABELS, GRAINS, type Grain, periodEnd, periodStart } from '#app/domain/periods.ts'

export const meta: MetaFunction = () => [{ title: 'Exports - Digital Therapies Programme Dashboard' }]

const list = z.array(z.string().max(40)).max(100).catch([])

// The builder is forgiving (a bad value falls back to a default); the API it builds is strict.
const BuilderSchema = z.object({
  preset: z.enum(['publication', 'internal-monthly']).optional().catch(undefined),
  from: z.string().refine(isMonth).optional().catch(undefined),
  to: z.string().refine(isMonth).optional().catch(undefined),
  board: list,
  service: list,
  measure: list,
  breakdown: z
    .string()
    .regex(/^[a-z]*$/)
    .catch(''),
  grain: z.enum(GRAINS).catch('month'),
  layout: z.enum(LAYOUTS).catch('long'),
  format: z.enum(FORMATS).catch('csv'),
  sdc: z.enum(['on', 'off']).catch('on'),
  asAt: z.string().trim().max(40).catch(''),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const url = new URL(request.url)
  const raw = Object.fromEntries(
    [...new Set(url.searchParams.keys())].map((k) => [
      k,
      ['board', 'service', 'measure'].includes(k) ? url.searchParams.getAll(k) : url.searchParams.get(k),
    ]),
  )
  const query = BuilderSchema.parse(raw)
  const latestDue = latestDueMonth(new Date(), getConfig().RETURN_DEADLINE_DAY)
  const [reference, breakdowns] = await Promise.all([loadExportReference(), loadBreakdownCatalogue(getDb())])
  const breakdown = breakdowns.dimensions.get(query.breakdown)?.name ?? ''
  const ownBoard = user.role === 'board_lead' ? reference.units.find((u) => u.id === user.orgUnitId)! : null
  // Turning disclosure control off is for roles allowed to see every figure they export.
  const mayUnsuppress = ownBoard ? true : can.exportUnsuppressed(user, { orgUnitId: -1 })

  let { grain, format, sdc, from, to } = query
  let boards = ownBoard ? [ownBoard.code] : query.board
  let { service: services, measure: measures } = query
  if (query.preset === 'publication') {
    // Approved figures, disclosure control on, financial quarters: the four quarters up to the
    // latest quarter whose every reported figure has been approved.
    const settled = await listSettledMonths({ through: latestDue })
    const quarterEnd = [...settled]
      .reverse()
      .map((m) => m.month)
      .find(
        (m) =>
          periodEnd(m, 'fq') === m &&
          settled.filter((s) => s.month >= periodStart(m, 'fq') && s.month <= m).every((s) => s.settled),
      )
    grain = 'fq'
    sdc = 'on'
    format = 'xlsx'
    to = quarterEnd ?? periodEnd(addMonths(latestDue, -3), 'fq')
    from = periodStart(addMonths(to, -11), 'fq')
    boards = ownBoard ? [ownBoard.code] : []
    services = []
    measures = []
  } else if (query.preset === 'internal-monthly') {
    grain = 'month'
    sdc = mayUnsuppress ? 'off' : 'on'
    format = 'csv'
    to = latestDue
    from = addMonths(latestDue, -11)
  }
  const breakdownNotes: string[] = []
  if (breakdown && grain === 'month' && (sdc === 'on' || !mayUnsuppress)) {
    grain = 'fq'
    breakdownNotes.push(
      'With disclosure control, breakdowns come by financial quarter or year (by month most counts by category are small): each figure now covers a quarter.',
    )
  }
  to ??= latestDue
  from ??= addMonths(to, -11)
  if (from < PROGRAMME_START_MONTH) from = PROGRAMME_START_MONTH
  // Whole quarters or years, as the API requires for those grains.
  const snapped = { from: periodStart(from, grain), to: periodEnd(to, grain) }
  const notes = [
    ...breakdownNotes,
    ...(snapped.from !== from || snapped.to !== to
      ? [
          `The period was widened to whole ${GRAIN_LABELS[grain]}s: ${formatMonth(snapped.from)} to ${formatMonth(snapped.to)}.`,
        ]
      : []),
  ]
  if (snapped.from < PROGRAMME_START_MONTH)
    snapped.from = periodStart(addMonths(snapped.from, grain === 'fy' ? 12 : 3), grain)

  const api = new URLSearchParams({ from: snapped.from, to: snapped.to })
  if (boards.length > 0) api.set('board', boards.join(','))
  if (services.length > 0) api.set('service', services.join(','))
  if (measures.length > 0) api.set('measure', measures.join(','))
  if (breakdown) api.set('breakdown', breakdown)
  if (grain !== 'month') api.set('grain', grain)
  if (query.layout !== 'long') api.set('layout', query.layout)
  api.set('format', format)
  api.set('sdc', mayUnsuppress ? sdc : 'on')
  if (query.asAt) api.set('asAt', query.asAt)
  const parsed = parseActivityParams(api)
  const problems = parsed.ok ? [] : parsed.problems

  return json({
    preset: query.preset ?? null,
    threshold: getConfig().SDC_THRESHOLD,
    selected: {
      ...snapped,
      boards,
      services,
      measures,
      breakdown,
      grain,
      layout: query.layout,
      format,
      sdc: api.get('sdc'),
      asAt: query.asAt,
    },
    ownBoard: ownBoard?.name ?? null,
    mayUnsuppress,
    canUseTokens: can.manageApiTokens(user),
    units: reference.units.map((u) => ({
      code: u.code,
      name: u.kind === 'national' ? `${u.name} (national services)` : u.name,
    })),
    services: reference.services.map((s) => ({ slug: s.slug, name: s.name })),
    measures: [
      ...reference.measures.map((m) => ({ name: m.name, label: `${m.label} (${m.unit})` })),
      ...Object.values(RATE_INDICATORS).map((i) => ({ name: i.id, label: `${i.label} (rate)` })),
    ],
    breakdowns: [...breakdowns.dimensions.values()].map((d) => ({
      name: d.name,
      label: d.label,
      categories: d.categories.map((c) => c.label),
    })),
    problems,
    notes,
    exportUrl: problems.length === 0 ? `/api/v1/activity?${api}` : null,
    metadataUrl: problems.length === 0 ? `/api/v1/activity/metadata?${api}` : null,
  })
}

function CheckboxList({
  name,
  legend,
  options,
  selected,
  hint,
}: {
  name: string
  legend: string
  options: Array<{ value: string; label: string }>
  selected: string[]
  hint: string
}) {
  return (
    <details className="ds_details app-export-list" open={selected.length > 0}>
      <summary className="ds_details__summary">
        {legend}: {selected.length === 0 ? 'all' : `${selected.length} chosen`}
      </summary>
      <div className="ds_details__text">
        <fieldset>
          <legend className="visually-hidden">{legend}</legend>
          <p className="ds_hint-text">{hint}</p>
          <div className="ds_field-group app-export-list__options">
            {options.map((o) => (
              <Choice
                key={o.value}
                id={`${name}-${o.value}`}
                name={name}
                value={o.value}
                defaultChecked={selected.includes(o.value)}
                label={o.label}
              />
            ))}
          </div>
        </fieldset>
      </div>
    </details>
  )
}

function Radios({
  name,
  legend,
  options,
  selected,
}: {
  name: string
  legend: string
  options: Array<{ value: string; label: string; disabled?: boolean }>
  selected: string
}) {
  return (
    <fieldset className="ds_question">
      <legend className="ds_label">{legend}</legend>
      <div className="ds_field-group">
        {options.map((o) => (
          <Choice
            type="radio"
            key={o.value}
            id={`${name}-${o.value}`}
            name={name}
            value={o.value}
            defaultChecked={selected === o.value}
            disabled={o.disabled}
            label={o.label}
          />
        ))}
      </div>
    </fieldset>
  )
}

export default function Exports() {
  const data = useLoaderData<typeof loader>()
  const { selected } = data
  return (
    <>
      <ErrorSummary
        errors={data.problems.map((p) => ({
          id: p.parameter === 'from' || p.parameter === 'to' ? 'from' : 'export-form',
          message: `${p.parameter}: ${p.message}`,
        }))}
      />
      <PageHeader title="Exports">
        <p>
          Build an export of the monthly figures for a briefing, an FOI answer or a publication. The result is an
          address you can share or use from a script: anyone allowed to see the figures gets exactly the same export.
        </p>
      </PageHeader>
      <h2>Start from a preset</h2>
      <ul className="app-presets">
        <li>
          <Link to="?preset=publication">Publication</Link>: approved figures by financial quarter, disclosure control
          on, as a spreadsheet.
        </li>
        <li>
          <Link to="?preset=internal-monthly">Internal monthly</Link>: every figure by month for the last 12 months
          {data.mayUnsuppress ? ', disclosure control off' : ''}, as CSV.
        </li>
      </ul>

      {data.exportUrl ? (
        <section className="app-export-result" aria-labelledby="export-result">
          <h2 id="export-result">Your export</h2>
          {data.notes.map((n) => (
            <p key={n}>{n}</p>
          ))}
          <p>
            <a className="ds_button" href={data.exportUrl} download>
              Download ({selected.format.toUpperCase()})
            </a>
          </p>
          <label className="ds_label" htmlFor="export-url">
            Shareable address
          </label>
          <input className="ds_input" id="export-url" readOnly value={data.exportUrl} />
          <p className="ds_hint-text">
            {selected.asAt
              ? `Figures as the system held them at ${selected.asAt}.`
              : 'Figures as they stand when the address is opened; add an as-at time to fix them.'}{' '}
            {data.metadataUrl && selected.format === 'csv' ? (
              <>
                The definitions, qualifiers and suppression rule are in the <a href={data.metadataUrl}>metadata</a>.
              </>
            ) : (
              'The definitions, qualifiers and suppression rule travel with the figures.'
            )}{' '}
            {data.canUseTokens ? (
              <>
                From a script, send an <Link to="/account/tokens">API token</Link>.
              </>
            ) : null}
          </p>
        </section>
      ) : null}

      <h2>Choose the figures</h2>
      <Form method="get" id="export-form" className="app-export-form">
        <div className="app-export-form__period">
          <InputField
            id="from"
            label="From"
            hint="Year and month, like 2025-04"
            width="fixed-10"
            defaultValue={selected.from}
          />
          <InputField
            id="to"
            label="To"
            hint="Year and month, like 2026-03"
            width="fixed-10"
            defaultValue={selected.to}
          />
        </div>
        {data.ownBoard ? (
          <p>Board: {data.ownBoard} (board leads export their own board’s figures).</p>
        ) : (
          <CheckboxList
            name="board"
            legend="Boards"
            hint="None ticked means every board."
            options={data.units.map((u) => ({ value: u.code, label: u.name }))}
            selected={selected.boards}
          />
        )}
        <CheckboxList
          name="service"
          legend="Services"
          hint="None ticked means every service."
          options={data.services.map((s) => ({ value: s.slug, label: s.name }))}
          selected={selected.services}
        />
        <CheckboxList
          name="measure"
          legend="Measures and indicators"
          hint="None ticked means every measure."
          options={data.measures.map((m) => ({ value: m.name, label: m.label }))}
          selected={selected.measures}
        />
        <Radios
          name="breakdown"
          legend="Breakdown"
          selected={selected.breakdown}
          options={[
            { value: '', label: 'None: each figure as a total' },
            ...data.breakdowns.map((b) => ({
              value: b.name,
              label: `By ${b.label}: ${b.categories.join(', ')} (only the measures split by it; by quarter or year with disclosure control)`,
            })),
          ]}
        />
        <Radios
          name="grain"
          legend="Each figure covers"
          selected={selected.grain}
          options={GRAINS.map((g: Grain) => ({ value: g, label: `A ${GRAIN_LABELS[g]}` }))}
        />
        <Radios
          name="layout"
          legend="Layout"
          selected={selected.layout}
          options={[
            { value: 'long', label: 'Long: one row for each figure' },
            { value: 'wide', label: 'Wide: one row for each period, board and service, one column for each measure' },
          ]}
        />
        <Radios
          name="format"
          legend="Format"
          selected={selected.format}
          options={[
            { value: 'csv', label: 'CSV (opens in Excel)' },
            { value: 'xlsx', label: 'Excel workbook (XLSX), with a metadata sheet' },
            { value: 'json', label: 'JSON (for scripts)' },
          ]}
        />
        <Radios
          name="sdc"
          legend="Disclosure control"
          selected={selected.sdc ?? 'on'}
          options={[
            {
              value: 'on',
              label: `On: counts of 1 to ${data.threshold}, and what would reveal them, are suppressed (for anything published)`,
            },
            { value: 'off', label: 'Off: every figure as reported (internal use only)', disabled: !data.mayUnsuppress },
          ]}
        />
        <InputField
          id="asAt"
          label="As at (optional)"
          hint="The figures as the system held them at a past moment, like 2026-06-30 or 2026-06-30T17:00. Leave empty for the figures now."
          width="fixed-20"
          defaultValue={selected.asAt}
        />
        <SubmitButton>Build the export</SubmitButton>
      </Form>
    </>
  )
}
