import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { ErrorSummary, fieldErrors, SelectField, SubmitButton, TextField } from '#app/components/ui/form.tsx'
import { SuccessBanner } from '#app/components/ui/notification.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { QuestionPage } from '#app/components/ui/question-page.tsx'
import { CatalogueError, createService, listCatalogue } from '#app/models/catalogue.server.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { can } from '#app/utils/permissions.ts'
import { type DataColumn, DataTable } from '#app/components/ui/data-table.tsx'

export const meta: MetaFunction = () => [{ title: 'Service catalogue - Digital Therapies Programme Dashboard' }]

const NewServiceSchema = z.object({
  slug: z
    .string({ error: 'Enter a short name for addresses' })
    .trim()
    .regex(
      /^[a-z0-9]+(-[a-z0-9]+)*$/,
      'Short name must be lower-case letters and numbers joined by hyphens, like ccbt-adults',
    )
    .max(60, 'Short name must be 60 characters or fewer'),
  name: z.string({ error: 'Enter the service’s name' }).trim().min(1).max(200, 'Name must be 200 characters or fewer'),
  family: z.enum(['ccbt', 'iecbt', 'video', 'proms', 'self-help'], { error: 'Choose a kind of service' }),
  delivery: z.enum(['board', 'national'], { error: 'Choose who delivers it' }),
  description: z.string().trim().max(1000, 'Description must be 1,000 characters or fewer').default(''),
})

const FAMILIES = [
  { value: 'ccbt', label: 'Computerised CBT' },
  { value: 'iecbt', label: 'ieCBT' },
  { value: 'video', label: 'Video therapy' },
  { value: 'proms', label: 'Outcome monitoring' },
  { value: 'self-help', label: 'Self-help' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWith(request, can.administer)
  return json({ services: await listCatalogue() })
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, can.administer)
  const submission = parseWithZod(await request.formData(), { schema: NewServiceSchema })
  if (submission.status !== 'success') return json(submission.reply(), { status: 400 })
  try {
    await createService({ actor: user, service: submission.value, ip: context.clientIp })
  } catch (error) {
    if (!(error instanceof CatalogueError)) throw error
    return json(submission.reply({ fieldErrors: { [error.field]: [error.message] } }), { status: 400 })
  }
  return redirect(`/admin/catalogue/${submission.value.slug}?done=created`)
}

export default function Catalogue() {
  const { services } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [params] = useSearchParams()
  const [form, fields] = useForm({
    id: 'new-service',
    lastResult,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewServiceSchema }),
  })
  const columns: Array<DataColumn<(typeof services)[number]>> = [
    { header: 'Service', cell: (service) => <Link to={`/admin/catalogue/${service.slug}`}>{service.name}</Link> },
    {
      header: 'Delivered by',
      cell: (service) => (service.delivery === 'national' ? 'Nationally' : 'Each board'),
    },
    { header: 'Measures reported', cell: (service) => service.measures.join(', ') || 'None yet' },
    { header: 'Treatments', numeric: true, cell: (service) => service.treatments },
  ]
  return (
    <>
      <ErrorSummary
        errors={fieldErrors([fields.slug, fields.name, fields.family, fields.delivery, fields.description])}
      />
      {params.get('done') === 'saved' ? <SuccessBanner title="Service saved" /> : null}
      <PageHeader label="Administration" title="Service catalogue">
        <p>
          The national digital services, the monthly measures boards report for each, and the treatments each offers.
        </p>
      </PageHeader>
      <DataTable caption="Services" rows={services} rowKey={(service) => service.id} columns={columns} />

      <QuestionPage>
        <h2>Add a service</h2>
        <p>
          Choose the measures that apply on the service’s page once it is added, then record where it is live on the
          coverage page.
        </p>
        <Form method="post" {...getFormProps(form)}>
          <TextField field={fields.name} label="Name" />
          <TextField
            field={fields.slug}
            label="Short name for addresses"
            hint="Lower-case words joined by hyphens, like ccbt-adults. It cannot be changed later."
            width="fluid-half"
            spellCheck={false}
          />
          <SelectField field={fields.family} label="Kind of service" placeholder="Choose a kind" options={FAMILIES} />
          <SelectField
            field={fields.delivery}
            label="Delivered by"
            placeholder="Choose who delivers it"
            options={[
              { value: 'board', label: 'Each board (reported by boards)' },
              { value: 'national', label: 'Nationally (reported for Scotland as a whole)' },
            ]}
          />
          <TextField
            field={fields.description}
            label="Description"
            hint="One sentence in plain English, shown beside the service’s figures."
          />
          <SubmitButton>Add service</SubmitButton>
        </Form>
      </QuestionPage>
    </>
  )
}
