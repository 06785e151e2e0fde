import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { type DataColumn, DataTable } from '#app/components/ui/data-table.tsx'
import { ErrorSummary, fieldErrors, FormButtons, SelectField, TextField } from '#app/components/ui/form.tsx'
import { SuccessBanner } from '#app/components/ui/notification.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { QuestionPage } from '#app/components/ui/question-page.tsx'
import { formatMoney } from '#app/domain/format.ts'
import { listServices } from '#app/models/catalogue.server.ts'
import { listCosts, saveCosts } from '#app/models/costs.server.ts'
import { listOrgUnits } from '#app/models/org-units.server.ts'
import { financialYearsBetween } from '#app/models/value.server.ts'
import {
  checkCostRow,
  COST_KIND_LABELS,
  COST_KINDS,
  COST_UPLOAD_COLUMNS,
  type CostProblem,
  type CostReference,
  CostRowSchema,
  MAX_COST_UPLOAD_BYTES,
} from '#app/returns/cost-rules.ts'
import { parseCostUpload } from '#app/returns/cost-upload.server.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { addMonths, currentMonth, formatDateTime, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import { badRequest } from '#app/utils/http.server.ts'
import { can } from '#app/utils/permissions.ts'

export const meta: MetaFunction = () => [{ title: 'Costs - Digital Therapies Programme Dashboard' }]

const CostFormSchema = CostRowSchema.extend({
  intent: z.literal('save'),
  reason: z.string().trim().max(500, 'The reason must be 500 characters or fewer').optional(),
})

async function costReference(): Promise<CostReference> {
  const [units, services] = await Promise.all([listOrgUnits(), listServices()])
  return {
    units: units.map((u) => ({ id: u.id, code: u.code, name: u.name })),
    services: services.map((s) => ({ id: s.id, slug: s.slug })),
    // The programme's years and the next one, whose contracts are often known in advance.
    years: financialYearsBetween(PROGRAMME_START_MONTH, addMonths(currentMonth(), 12)),
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWith(request, can.administer, 'Only the national programme lead records costs.')
  const reference = await costReference()
  const [units, services] = await Promise.all([listOrgUnits(), listServices()])
  const asked = new URL(request.url).searchParams.get('year')
  const year = asked && reference.years.includes(asked) ? asked : reference.years.at(-2)!
  const rows = await listCosts({ fromYear: year, toYear: year })
  return json({
    year,
    years: reference.years,
    units: [...units].sort((a, b) =>
      a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'national' ? -1 : 1,
    ),
    services: services.map((s) => ({ slug: s.slug, name: s.name })),
    costs: rows.map((c) => ({
      id: c.id,
      unit: c.national ? 'National' : c.orgUnitName,
      service: c.serviceName,
      kind: COST_KIND_LABELS[c.kind],
      amount: formatMoney(c.amount),
      comment: c.comment ?? '',
      changed: `${formatDateTime(c.validFrom)}${c.changedBy ? ` by ${c.changedBy}` : ''}`,
    })),
    total: rows.reduce((a, c) => a + (c.amount ?? 0), 0),
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUserWith(request, can.administer, 'Only the national programme lead records costs.')
  const reference = await costReference()
  if (request.headers.get('content-type')?.startsWith('multipart/form-data')) {
    const form = await request.formData()
    const file = form.get('file')
    if (!(file instanceof File) || file.size === 0)
      return json(
        { upload: { problems: [{ row: 0, field: 'file', message: 'Choose a CSV file of costs' }] } },
        { status: 400 },
      )
    if (file.size > MAX_COST_UPLOAD_BYTES)
      return json(
        { upload: { problems: [{ row: 0, field: 'file', message: 'The file is larger than 1 MB' }] } },
        { status: 400 },
      )
    const { costs, problems } = parseCostUpload(await file.text(), reference)
    if (problems.length) return json({ upload: { problems: problems.slice(0, 200) } }, { status: 400 })
    const result = await saveCosts({
      actor: user,
      items: costs,
      reason: String(form.get('reason') ?? '').trim() || `Uploaded from ${file.name}`,
      source: 'upload',
    })
    return redirect(
      `/admin/costs?done=uploaded&created=${result.created}&changed=${result.changed}&unchanged=${result.unchanged}`,
    )
  }
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: CostFormSchema })
  if (submission.status !== 'success') return json({ form: submission.reply() }, { status: 400 })
  const { intent: _intent, reason, ...row } = submission.value
  const checked = checkCostRow(
    Object.fromEntries(
      Object.entries({ ...row, amount: formData.get('amount') ?? '', comment: row.comment ?? '' }).map(([k, v]) => [
        k,
        String(v ?? ''),
      ]),
    ),
    0,
    reference,
  )
  if (!checked.cost) {
    return json(
      {
        form: submission.reply({
          fieldErrors: Object.fromEntries(checked.problems.map((p) => [p.field, [p.message]])),
        }),
      },
      { status: 400 },
    )
  }
  if (!reference.units.length) throw badRequest('There are no units.')
  const result = await saveCosts({ actor: user, items: [checked.cost], reason: reason || null, source: 'form' })
  const done = result.changed ? 'changed' : result.created ? 'added' : 'unchanged'
  return redirect(`/admin/costs?year=${encodeURIComponent(row.financial_year)}&done=${done}`)
}

const DONE: Record<string, string> = {
  added: 'Cost recorded: /value uses it now',
  changed: 'Cost changed: the earlier amount is kept in its history',
  unchanged: 'Nothing changed: that amount was already recorded',
}

export default function CostsAdmin() {
  const { year, years, units, services, costs, total } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const formResult = actionData && 'form' in actionData ? actionData.form : undefined
  const uploadProblems: CostProblem[] = actionData && 'upload' in actionData ? actionData.upload.problems : []
  const [form, fields] = useForm({
    id: 'cost',
    lastResult: formResult,
    defaultValue: { financial_year: year, board_code: 'S92000003' },
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CostFormSchema }),
  })
  const pageHref = `/admin/costs?year=${encodeURIComponent(year)}`
  const doneKey = params.get('done') ?? ''
  const done =
    doneKey === 'uploaded'
      ? `Costs uploaded: ${params.get('created') ?? 0} added, ${params.get('changed') ?? 0} changed, ${params.get('unchanged') ?? 0} unchanged`
      : DONE[doneKey]
  const columns: Array<DataColumn<(typeof costs)[number]>> = [
    { header: 'Paid by', cell: (c) => c.unit },
    { header: 'Service', cell: (c) => c.service },
    { header: 'Kind', cell: (c) => c.kind },
    { header: 'Amount (pounds)', cell: (c) => c.amount, numeric: true },
    { header: 'Comment', cell: (c) => c.comment },
    { header: 'Last changed', cell: (c) => c.changed },
  ]
  return (
    <>
      <ErrorSummary
        errors={[
          ...fieldErrors([
            fields.financial_year,
            fields.board_code,
            fields.service,
            fields.kind,
            fields.amount,
            fields.comment,
          ]),
          ...uploadProblems.map((p) => ({
            id: 'file',
            message: p.row ? `Line ${p.row}${p.field ? `, ${p.field}` : ''}: ${p.message}` : p.message,
          })),
        ]}
      />
      {done ? <SuccessBanner title={done} /> : null}
      <PageHeader label="Administration" title="Costs">
        <p>
          What each financial year cost, by service: the national contracts and licences (paid by the programme: choose
          “Scotland”) and each board&apos;s own costs where known. Amounts are in whole pounds. A change keeps the
          earlier amount in the history and the audit trail; the figures on <Link to="/value">resources and value</Link>{' '}
          use the new one at once.
        </p>
      </PageHeader>

      <QuestionPage>
        <h2>Record a cost</h2>
        {/* Posted to the page without its last outcome, so a new answer replaces the old banner. */}
        <Form method="post" action={pageHref} {...getFormProps(form)}>
          <input type="hidden" name="intent" value="save" />
          <SelectField
            field={fields.financial_year}
            label="Financial year"
            options={[...years].reverse().map((y) => ({ value: y, label: y }))}
          />
          <SelectField
            field={fields.board_code}
            label="Paid by"
            hint="Scotland for national contracts and licences; a board for its own costs."
            options={units.map((u) => ({
              value: u.code,
              label: u.kind === 'national' ? `${u.name} (national)` : u.name,
            }))}
          />
          <SelectField
            field={fields.service}
            label="Service"
            placeholder="Choose a service"
            options={services.map((s) => ({ value: s.slug, label: s.name }))}
          />
          <SelectField
            field={fields.kind}
            label="What it pays for"
            placeholder="Choose one"
            options={COST_KINDS.map((k) => ({ value: k, label: COST_KIND_LABELS[k] }))}
          />
          <TextField
            field={fields.amount}
            label="Amount (pounds)"
            hint="Whole pounds, like 1,250,000. Leave empty to withdraw an amount recorded before."
            width="fixed-10"
          />
          <TextField
            field={fields.comment}
            label="Comment (optional)"
            hint="For example the contract's name or what the amount covers."
          />
          <TextField
            field={fields.reason}
            label="Reason for a change (optional)"
            hint="Kept in the history when this replaces an amount."
          />
          <FormButtons submit="Save cost" />
        </Form>

        <h2>Upload costs</h2>
        <p>
          A CSV file with the columns <code>{COST_UPLOAD_COLUMNS.join(', ')}</code>, one cost a row: the same rules as
          the form. If any row has a problem, nothing is saved and every problem is listed by its line.{' '}
          <a href="/admin/costs/template" download>
            Download a template (CSV)
          </a>
          .
        </p>
        <Form method="post" action={pageHref} encType="multipart/form-data">
          <div className={`ds_question${uploadProblems.length ? ' ds_question--error' : ''}`}>
            <label className="ds_label" htmlFor="file">
              Costs file (CSV, up to 1 MB)
            </label>
            {uploadProblems.length ? (
              <p className="ds_question__error-message" id="file-error">
                {uploadProblems.length} problem{uploadProblems.length === 1 ? '' : 's'} in the file: see the list above
              </p>
            ) : null}
            <input
              className="ds_file-upload"
              type="file"
              id="file"
              name="file"
              accept=".csv,text/csv"
              aria-describedby={uploadProblems.length ? 'file-error' : undefined}
            />
          </div>
          <button type="submit" className="ds_button">
            Upload costs
          </button>
        </Form>
      </QuestionPage>

      <h2 id="costs-heading">Costs of {year}</h2>
      <Form method="get" action="/admin/costs" aria-labelledby="costs-heading" className="app-filters__form">
        <div className="ds_question">
          <label className="ds_label" htmlFor="year">
            Financial year
          </label>
          <div className="ds_select-wrapper">
            <select className="ds_select" id="year" name="year" defaultValue={year}>
              {[...years].reverse().map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
            <span className="ds_select-arrow" aria-hidden="true" />
          </div>
        </div>
        <button type="submit" className="ds_button ds_button--secondary ds_button--small">
          Show
        </button>
      </Form>
      {costs.length === 0 ? (
        <p>No costs are recorded for {year} yet.</p>
      ) : (
        <>
          <p>
            {costs.length} costs, {formatMoney(total)} in all.
          </p>
          <DataTable caption={`Costs of ${year}`} rows={costs} rowKey={(c) => c.id} columns={columns} />
        </>
      )}
    </>
  )
}
