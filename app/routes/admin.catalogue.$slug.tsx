import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import {
  Choice,
  ErrorSummary,
  fieldErrors,
  FormButtons,
  RowActionButton,
  SubmitButton,
  TextField,
} from '#app/components/ui/form.tsx'
import { SuccessBanner } from '#app/components/ui/notification.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { QuestionPage } from '#app/components/ui/question-page.tsx'
import { formatCount, formatList } from '#app/domain/format.ts'
import {
  addTreatment,
  CatalogueError,
  type CatalogueMeasure,
  getServiceCatalogue,
  retireTreatment,
  updateService,
} from '#app/models/catalogue.server.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { currentMonth } from '#app/utils/dates.ts'
import { badRequest, notFound } from '#app/utils/http.server.ts'
import { can } from '#app/utils/permissions.ts'
import { DataTable } from '#app/components/ui/data-table.tsx'

export const meta: MetaFunction = () => [{ title: 'Change a service - Digital Therapies Programme Dashboard' }]

const ServiceSchema = z.object({
  intent: z.literal('service'),
  name: z.string({ error: 'Enter the service’s name' }).trim().min(1).max(200, 'Name must be 200 characters or fewer'),
  description: z.string().trim().max(1000, 'Description must be 1,000 characters or fewer').default(''),
  measureIds: z.array(z.coerce.number().int().positive()).default([]),
})
const TreatmentSchema = z.object({
  intent: z.literal('add-treatment'),
  treatmentName: z
    .string({ error: 'Enter the treatment’s name' })
    .trim()
    .min(1)
    .max(200, 'Name must be 200 characters or fewer'),
  treatmentDescription: z.string().trim().max(1000).default(''),
})
const RetireSchema = z.object({
  intent: z.literal('retire-treatment'),
  treatmentId: z.coerce.number().int().positive(),
})

/** A service's short name from the address; anything else is a page that does not exist. */
function slugOf(params: Record<string, string | undefined>) {
  const slug = params.slug ?? ''
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) throw notFound('There is no such service.')
  return slug
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUserWith(request, can.administer)
  return json(await getServiceCatalogue({ slug: slugOf(params) }))
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, can.administer)
  const slug = slugOf(params)
  const formData = await request.formData()
  const ip = context.clientIp
  switch (formData.get('intent')) {
    case 'service': {
      const submission = parseWithZod(formData, { schema: ServiceSchema })
      if (submission.status !== 'success') return json(submission.reply(), { status: 400 })
      try {
        await updateService({ actor: user, slug, changes: submission.value, ip })
      } catch (error) {
        if (!(error instanceof CatalogueError)) throw error
        return json(submission.reply({ fieldErrors: { [error.field]: [error.message] } }), { status: 400 })
      }
      return redirect(`/admin/catalogue/${slug}?done=saved`)
    }
    case 'add-treatment': {
      const submission = parseWithZod(formData, { schema: TreatmentSchema })
      if (submission.status !== 'success') return json(submission.reply(), { status: 400 })
      try {
        await addTreatment({
          actor: user,
          slug,
          treatment: { name: submission.value.treatmentName, description: submission.value.treatmentDescription },
          ip,
        })
      } catch (error) {
        if (!(error instanceof CatalogueError)) throw error
        return json(submission.reply({ fieldErrors: { treatmentName: [error.message] } }), { status: 400 })
      }
      return redirect(`/admin/catalogue/${slug}?done=treatment-added`)
    }
    case 'retire-treatment': {
      const parsed = RetireSchema.safeParse(Object.fromEntries(formData))
      if (!parsed.success) throw badRequest('Choose a treatment to retire.')
      await retireTreatment({
        actor: user,
        slug,
        treatmentId: parsed.data.treatmentId,
        today: `${currentMonth()}-01`,
        ip,
      })
      return redirect(`/admin/catalogue/${slug}?done=treatment-retired`)
    }
    default:
      throw badRequest('Unknown action.')
  }
}

const DONE: Record<string, string> = {
  created: 'Service added: choose the measures boards report for it',
  saved: 'Service saved',
  'treatment-added': 'Treatment added',
  'treatment-retired': 'Treatment retired',
}

/** Why a measure cannot be removed, or nothing when it can. */
function usesOf({ figures, brokenDown, queries }: Pick<CatalogueMeasure, 'figures' | 'brokenDown' | 'queries'>) {
  const uses = [
    figures > 0 ? `used by ${formatCount(figures)} ${figures === 1 ? 'figure' : 'figures'}` : null,
    brokenDown ? 'broken down by category' : null,
    queries > 0 ? `named by ${queries === 1 ? 'a data query' : `${formatCount(queries)} data queries`}` : null,
  ].filter((use) => use !== null)
  return uses.length > 0 ? `Cannot be removed: ${formatList(uses)}` : null
}

export default function ServiceCatalogue() {
  const { service, measures, treatments } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [params] = useSearchParams()
  const intent = lastResult?.initialValue?.intent
  const [form, fields] = useForm({
    id: 'service',
    lastResult: intent === 'service' ? lastResult : undefined,
    defaultValue: { name: service.name, description: service.description },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ServiceSchema }),
  })
  const [treatmentForm, treatmentFields] = useForm({
    id: 'add-treatment',
    lastResult: intent === 'add-treatment' ? lastResult : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: TreatmentSchema }),
  })
  const measureError = fields.measureIds.errors?.[0]
  const done = DONE[params.get('done') ?? '']
  return (
    <>
      <ErrorSummary
        errors={[
          ...fieldErrors([fields.name, fields.description, treatmentFields.treatmentName]),
          ...(measureError ? [{ id: 'measures', message: measureError }] : []),
        ]}
      />
      {done ? <SuccessBanner title={done} /> : null}
      <PageHeader label="Service catalogue" title={service.name} />
      <QuestionPage>
        <Form method="post" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="service" />
          <TextField field={fields.name} label="Name" />
          <TextField
            field={fields.description}
            label="Description"
            hint="One sentence in plain English, shown beside the service’s figures."
          />
          <fieldset id="measures" tabIndex={-1} className={`ds_question${measureError ? ' ds_question--error' : ''}`}>
            <legend className="ds_label">Measures boards report each month</legend>
            <p className="ds_hint-text">
              A measure cannot be removed while figures, breakdowns by category or data queries use it.
            </p>
            {measureError ? <p className="ds_question__error-message">{measureError}</p> : null}
            <div className="ds_field-group">
              {measures.map((measure) => {
                const uses = usesOf(measure)
                const hintId = uses ? `measure-${measure.id}-hint` : undefined
                return (
                  <Choice
                    key={measure.id}
                    id={`measure-${measure.id}`}
                    name="measureIds"
                    value={measure.id}
                    defaultChecked={measure.applies}
                    label={`${measure.label} (${measure.unit})`}
                    hint={uses}
                    hintId={hintId}
                    aria-describedby={hintId}
                  />
                )
              })}
            </div>
          </fieldset>
          <FormButtons submit="Save service" cancel={{ to: '/admin/catalogue', label: 'Back to the catalogue' }} />
        </Form>

        <h2>Treatments</h2>
        {treatments.length === 0 ? (
          <p>This service offers no catalogued treatments.</p>
        ) : (
          <DataTable
            caption={`Treatments offered under ${service.name}`}
            rows={treatments}
            rowKey={(treatment) => treatment.id}
            columns={[
              { header: 'Treatment', cell: (treatment) => treatment.name },
              {
                header: 'Status',
                cell: (treatment) => (treatment.retiredOn ? `Retired ${treatment.retiredOn}` : 'Offered'),
              },
              {
                header: <span className="visually-hidden">Action</span>,
                cell: (treatment) =>
                  treatment.retiredOn ? null : (
                    <RowActionButton
                      intent="retire-treatment"
                      values={{ treatmentId: treatment.id }}
                      label="Retire"
                      subject={treatment.name}
                    />
                  ),
              },
            ]}
          />
        )}
        <h3>Add a treatment</h3>
        <Form method="post" {...getFormProps(treatmentForm)}>
          <input type="hidden" name="intent" value="add-treatment" />
          <TextField field={treatmentFields.treatmentName} label="Treatment name" />
          <TextField field={treatmentFields.treatmentDescription} label="Description (optional)" />
          <SubmitButton secondary>Add treatment</SubmitButton>
        </Form>
      </QuestionPage>
    </>
  )
}
