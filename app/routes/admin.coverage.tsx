import { getFormProps, type SubmissionResult, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import {
  type ActionFunctionArgs,
  json,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  MaxPartSizeExceededError,
} from '@remix-run/node'
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import {
  ErrorSummary,
  fieldErrors,
  InputField,
  SelectField,
  SubmitButton,
  TextField,
} from '#app/components/ui/form.tsx'
import { SuccessBanner } from '#app/components/ui/notification.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { QuestionPage } from '#app/components/ui/question-page.tsx'
import {
  CoverageChangeError,
  listAvailabilityHistory,
  listCoverageChoices,
  listPopulationVintages,
  loadPopulationVintage,
  PopulationVintageError,
  recordAvailabilityChange,
  type VintageProblem,
} from '#app/models/availability.server.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { formatDateTime, fromMonthDate, isMonth, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import { can } from '#app/utils/permissions.ts'
import { type DataColumn, DataTable } from '#app/components/ui/data-table.tsx'

export const meta: MetaFunction = () => [{ title: 'Coverage changes - Digital Therapies Programme Dashboard' }]

const MAX_POPULATION_FILE_BYTES = 1_000_000

const STATUSES = [
  { value: 'live', label: 'Live' },
  { value: 'pilot', label: 'Pilot' },
  { value: 'planned', label: 'Planned' },
  { value: 'withdrawn', label: 'Withdrawn or paused' },
] as const

const ChangeSchema = z.object({
  orgUnitId: z.coerce.number({ error: 'Choose a board' }).int().positive('Choose a board'),
  serviceId: z.coerce.number({ error: 'Choose a service' }).int().positive('Choose a service'),
  status: z.enum(['live', 'pilot', 'planned', 'withdrawn'], { error: 'Choose the new status' }),
  fromMonth: z
    .string({ error: 'Enter the first month of the change' })
    .trim()
    .refine(isMonth, 'Enter the month as year and month, like 2026-04')
    .refine((m) => m >= PROGRAMME_START_MONTH, `The month must be ${PROGRAMME_START_MONTH} or later`),
  note: z.string().trim().max(500, 'Note must be 500 characters or fewer').default(''),
})

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWith(request, can.administer)
  const [choices, history, vintages] = await Promise.all([
    listCoverageChoices(),
    listAvailabilityHistory({ limit: 40 }),
    listPopulationVintages(),
  ])
  return json({
    choices,
    history: history.map((h) => ({
      ...h,
      liveFrom: fromMonthDate(h.liveFrom),
      liveTo: h.liveTo ? fromMonthDate(h.liveTo) : null,
      recordedAt: formatDateTime(h.recordedAt),
    })),
    vintages: vintages.map((v) => ({ ...v, loaded_at: formatDateTime(v.loaded_at) })),
  })
}

type ActionResult =
  { form: 'change'; result: SubmissionResult<string[]> } | { form: 'population'; problems: VintageProblem[] }

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, can.administer)
  const ip = context.clientIp
  if (request.headers.get('content-type')?.startsWith('multipart/form-data')) {
    let formData: FormData
    try {
      formData = await unstable_parseMultipartFormData(
        request,
        unstable_createMemoryUploadHandler({ maxPartSize: MAX_POPULATION_FILE_BYTES }),
      )
    } catch (error) {
      if (!(error instanceof MaxPartSizeExceededError)) throw error
      return json<ActionResult>(
        {
          form: 'population',
          problems: [
            {
              row: 0,
              column: 'file',
              message: 'The file is larger than 1 MB: a population file has one row per board and year',
            },
          ],
        },
        { status: 413 },
      )
    }
    const file = formData.get('file')
    const source = String(formData.get('source') ?? '').trim()
    const problems: VintageProblem[] = []
    if (!source)
      problems.push({
        row: 0,
        column: 'source',
        message: 'Enter the source of the figures, like "NRS mid-2024 population estimates"',
      })
    if (!(file instanceof File) || file.size === 0)
      problems.push({ row: 0, column: 'file', message: 'Choose a CSV file' })
    if (problems.length > 0) return json<ActionResult>({ form: 'population', problems }, { status: 400 })
    try {
      const { rows } = await loadPopulationVintage({ actor: user, source, csv: await (file as File).text(), ip })
      return redirect(`/admin/coverage?done=population&rows=${rows}`)
    } catch (error) {
      if (!(error instanceof PopulationVintageError)) throw error
      return json<ActionResult>({ form: 'population', problems: error.problems }, { status: 400 })
    }
  }

  const submission = parseWithZod(await request.formData(), { schema: ChangeSchema })
  if (submission.status !== 'success')
    return json<ActionResult>({ form: 'change', result: submission.reply() }, { status: 400 })
  try {
    await recordAvailabilityChange({ actor: user, change: submission.value, ip })
  } catch (error) {
    if (!(error instanceof CoverageChangeError)) throw error
    return json<ActionResult>(
      { form: 'change', result: submission.reply({ fieldErrors: { [error.field]: [error.message] } }) },
      { status: 400 },
    )
  }
  return redirect('/admin/coverage?done=change')
}

export default function CoverageAdmin() {
  const { choices, history, vintages } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const [form, fields] = useForm({
    id: 'coverage-change',
    lastResult: actionData?.form === 'change' ? actionData.result : undefined,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangeSchema }),
  })
  const populationProblems = actionData?.form === 'population' ? actionData.problems : []
  const done =
    params.get('done') === 'change'
      ? 'Coverage change recorded: the dashboards show it now'
      : params.get('done') === 'population'
        ? `Population vintage loaded (${params.get('rows')} rows): rates use it now`
        : null
  const historyColumns: Array<DataColumn<(typeof history)[number]>> = [
    { header: 'Board', cell: (h) => h.unitName },
    { header: 'Service', cell: (h) => h.serviceName },
    { header: 'Status', cell: (h) => h.status },
    { header: 'From', cell: (h) => h.liveFrom },
    { header: 'To', cell: (h) => h.liveTo ?? 'Open' },
    { header: 'Note', cell: (h) => h.note },
    {
      header: 'Recorded',
      cell: (h) => (
        <>
          {h.recordedAt}
          <span className="app-secondary-text"> by {h.recordedBy}</span>
        </>
      ),
    },
  ]
  const vintageColumns: Array<DataColumn<(typeof vintages)[number]>> = [
    { header: 'Source', cell: (v) => v.source },
    { header: 'Years', cell: (v) => v.years },
    { header: 'Rows', numeric: true, cell: (v) => v.rows },
    { header: 'Loaded', cell: (v) => v.loaded_at },
  ]
  return (
    <>
      <ErrorSummary
        errors={[
          ...fieldErrors([fields.orgUnitId, fields.serviceId, fields.status, fields.fromMonth, fields.note]),
          ...populationProblems.map((p) => ({
            id: p.column === 'source' ? 'population-source' : 'population-file',
            message: p.row > 0 ? `Row ${p.row}, column ${p.column}: ${p.message}` : p.message,
          })),
        ]}
      />
      {done ? <SuccessBanner title={done} /> : null}
      <PageHeader label="Administration" title="Coverage changes">
        <p>
          Record a service going live, into pilot, planned, or withdrawn in a board from a given month, and load new
          population estimates. Earlier history is kept: each change closes the current period and starts a new one.
        </p>
      </PageHeader>

      <QuestionPage>
        <h2>Record a change</h2>
        <Form method="post" {...getFormProps(form)}>
          <SelectField
            field={fields.orgUnitId}
            label="Board"
            placeholder="Choose a board"
            options={choices.units.map((u) => ({
              value: String(u.id),
              label: u.kind === 'national' ? `${u.name} (national services)` : u.name,
            }))}
          />
          <SelectField
            field={fields.serviceId}
            label="Service"
            placeholder="Choose a service"
            options={choices.services.map((s) => ({ value: String(s.id), label: s.name }))}
          />
          <SelectField field={fields.status} label="New status" placeholder="Choose a status" options={[...STATUSES]} />
          <TextField
            field={fields.fromMonth}
            label="From month"
            hint="The first month the new status applies, as year and month, like 2026-04."
            width="fixed-10"
          />
          <TextField
            field={fields.note}
            label="Note (optional)"
            hint="Why, in a few words: shown in the coverage history."
          />
          <SubmitButton>Record change</SubmitButton>
        </Form>
      </QuestionPage>

      <h2>Recent changes</h2>
      {history.length === 0 ? (
        <p>No changes have been recorded here yet: coverage is as loaded from the reference data.</p>
      ) : (
        <DataTable
          caption="Coverage periods, most recently recorded first"
          rows={history}
          rowKey={(h) => h.id}
          columns={historyColumns}
        />
      )}

      <h2>Population estimates</h2>
      <p>Rates per 100,000 people use, for each year, the most recently loaded estimates. Earlier vintages are kept.</p>
      <DataTable
        caption="Population vintages loaded"
        rows={vintages}
        rowKey={(v) => v.source}
        columns={vintageColumns}
      />
      <QuestionPage>
        <h3>Load a new vintage</h3>
        <Form method="post" encType="multipart/form-data">
          <InputField
            id="population-source"
            name="source"
            label="Source"
            hint="Where the estimates come from, like “NRS mid-2024 population estimates”."
            type="text"
          />
          <InputField
            id="population-file"
            name="file"
            label="CSV file"
            hint="Columns code, year and population; one row per board (and S92000003 for Scotland) and year. 1 MB at most."
            type="file"
            accept=".csv,text/csv"
          />
          <SubmitButton secondary>Load estimates</SubmitButton>
        </Form>
      </QuestionPage>
    </>
  )
}
