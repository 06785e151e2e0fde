import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { type DataColumn, DataTable } from '#app/components/ui/data-table.tsx'
import {
  CheckboxField,
  ErrorSummary,
  fieldErrors,
  FormButtons,
  RowActionButton,
  SelectField,
  TextField,
} from '#app/components/ui/form.tsx'
import { SuccessBanner } from '#app/components/ui/notification.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { QuestionPage } from '#app/components/ui/question-page.tsx'
import {
  createAnnotation,
  deleteAnnotation,
  getAnnotationFor,
  listAnnotationChoices,
  listAnnotationsFor,
  updateAnnotation,
} from '#app/models/annotations.server.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { formatDate, formatDateTime, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import { badRequest, forbidden, notFound } from '#app/utils/http.server.ts'
import type { Actor } from '#app/utils/permissions.ts'

export const meta: MetaFunction = () => [{ title: 'Events on the trends - Digital Therapies Programme Dashboard' }]

/** National lead any board; board leads their own (DESIGN.md's roles). */
const mayUsePage = (actor: Actor) => actor.role === 'national_lead' || actor.role === 'board_lead'

const PROGRAMME_START_DATE = `${PROGRAMME_START_MONTH}-01`

function isRealDate(text: string) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}

const AnnotationSchema = z.object({
  intent: z.enum(['create', 'update']),
  id: z.coerce.number().int().positive().optional(),
  eventDate: z
    .string({ error: 'Enter the date of the event' })
    .trim()
    .refine(isRealDate, 'Enter the date as year, month and day, like 2024-03-15')
    .refine((d) => d >= PROGRAMME_START_DATE, `The date must be ${PROGRAMME_START_DATE} or later`),
  /** Empty: a national event. */
  orgUnitId: z.coerce.number().int().positive().optional(),
  /** Empty: every service. */
  serviceId: z.coerce.number().int().positive().optional(),
  text: z
    .string({ error: 'Enter what happened' })
    .trim()
    .min(1, 'Enter what happened')
    .max(500, 'The description must be 500 characters or fewer'),
  rebase: z.boolean().default(false),
})

const DeleteSchema = z.object({ intent: z.literal('delete'), id: z.coerce.number().int().positive() })

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, mayUsePage)
  const editId = new URL(request.url).searchParams.get('edit')
  const editing =
    editId && /^\d{1,9}$/.test(editId) ? await getAnnotationFor({ actor: user, id: Number(editId) }) : null
  if (editId && !editing) throw notFound('There is no such event that you may change.')
  const [choices, rows] = await Promise.all([
    listAnnotationChoices({ actor: user }),
    listAnnotationsFor({ actor: user }),
  ])
  return json({
    national: user.role === 'national_lead',
    choices,
    editing: editing
      ? {
          id: editing.id,
          eventDate: editing.eventDate,
          orgUnitId: editing.orgUnitId === null ? '' : String(editing.orgUnitId),
          serviceId: editing.serviceId === null ? '' : String(editing.serviceId),
          text: editing.text,
          rebase: editing.rebase ? 'on' : '',
        }
      : null,
    annotations: rows.map((a) => ({
      id: a.id,
      // '2 October 2023' (a date at midnight UTC is the same day in Scotland).
      eventDate: formatDate(a.eventDate),
      board: a.orgUnitName ?? 'National',
      service: a.serviceName ?? 'Every service',
      text: a.text,
      rebase: a.rebase,
      changed: `${formatDateTime(a.updatedAt)} by ${a.updatedBy}`,
    })),
  })
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, mayUsePage)
  const formData = await request.formData()
  const ip = context.clientIp
  if (formData.get('intent') === 'delete') {
    const submission = parseWithZod(formData, { schema: DeleteSchema })
    if (submission.status !== 'success') throw badRequest('Choose an event to remove.')
    if (!(await deleteAnnotation({ actor: user, id: submission.value.id, ip }))) throw notYours(user)
    return redirect('/admin/annotations?done=removed')
  }
  const submission = parseWithZod(formData, { schema: AnnotationSchema })
  if (submission.status !== 'success') return json(submission.reply(), { status: 400 })
  const { intent, id, eventDate, orgUnitId, serviceId, text, rebase } = submission.value
  // A board lead's events are their board's (the model refuses any other with 403).
  const annotation = { eventDate, orgUnitId: orgUnitId ?? null, serviceId: serviceId ?? null, text, rebase }
  if (intent === 'create') {
    await createAnnotation({ actor: user, annotation, ip })
    return redirect('/admin/annotations?done=added')
  }
  if (id === undefined) throw badRequest('Choose an event to change.')
  if (!(await updateAnnotation({ actor: user, id, annotation, ip }))) throw notYours(user)
  return redirect('/admin/annotations?done=changed')
}

/** An event that is not there, or (for a board lead) not their board's. */
function notYours(actor: Actor) {
  return actor.role === 'national_lead'
    ? notFound('There is no such event.')
    : forbidden('You may change your own board’s events only.')
}

const DONE: Record<string, string> = {
  added: 'Event added: it shows on the trends it belongs to now',
  changed: 'Event changed',
  removed: 'Event removed',
}

export default function AnnotationsAdmin() {
  const { national, choices, editing, annotations } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [params] = useSearchParams()
  const [form, fields] = useForm({
    id: editing ? `annotation-${editing.id}` : 'annotation-new',
    lastResult,
    defaultValue: editing ?? { orgUnitId: national ? '' : String(choices.units[0]?.id ?? '') },
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AnnotationSchema }),
  })
  const done = DONE[params.get('done') ?? '']
  const columns: Array<DataColumn<(typeof annotations)[number]>> = [
    { header: 'Date', cell: (a) => a.eventDate },
    { header: 'Board', cell: (a) => a.board },
    { header: 'Service', cell: (a) => a.service },
    { header: 'What happened', cell: (a) => a.text },
    { header: 'Limits recalculated', cell: (a) => (a.rebase ? 'Yes' : 'No') },
    { header: 'Last changed', cell: (a) => a.changed },
    {
      header: <span className="visually-hidden">Actions</span>,
      cell: (a) => (
        <>
          <p className="ds_no-margin--top">
            <Link to={`/admin/annotations?edit=${a.id}`}>
              Change<span className="visually-hidden"> the event of {a.eventDate}</span>
            </Link>
          </p>
          <RowActionButton
            intent="delete"
            values={{ id: a.id }}
            label="Remove"
            subject={`the event of ${a.eventDate}`}
          />
        </>
      ),
    },
  ]
  return (
    <>
      <ErrorSummary errors={fieldErrors([fields.eventDate, fields.orgUnitId, fields.serviceId, fields.text])} />
      {done ? <SuccessBanner title={done} /> : null}
      <PageHeader label="Administration" title="Events on the trends">
        <p>
          Dated events that explain a trend, like a platform change or a service going live. They show as markers on
          every trend they belong to and in the figures’ notes. An event can also restart the control chart’s limits
          from the first whole month after it.
        </p>
        {national ? null : (
          <p>
            You can add and change events for your own board. National events are added by the national programme team.
          </p>
        )}
      </PageHeader>

      <QuestionPage>
        <h2>{editing ? 'Change an event' : 'Add an event'}</h2>
        <Form method="post" {...getFormProps(form)}>
          <input type="hidden" name="intent" value={editing ? 'update' : 'create'} />
          {editing ? <input type="hidden" name="id" value={editing.id} /> : null}
          <TextField
            field={fields.eventDate}
            label="Date"
            hint="The day it happened, as year, month and day, like 2024-03-15."
            width="fixed-10"
          />
          <SelectField
            field={fields.orgUnitId}
            label="Board"
            placeholder={national ? 'National: shown on every trend' : undefined}
            options={choices.units.map((u) => ({ value: String(u.id), label: u.name }))}
          />
          <SelectField
            field={fields.serviceId}
            label="Service"
            hint="Only if the event is about one service."
            placeholder="Every service"
            options={choices.services.map((s) => ({ value: String(s.id), label: s.name }))}
          />
          <TextField
            field={fields.text}
            label="What happened"
            hint="A few words, 500 characters at most: shown beside the trend."
          />
          <CheckboxField
            field={fields.rebase}
            label="Recalculate the control chart limits after this event"
            hint="For a change in the process itself: the mean and limits start again from the first whole month after the date."
          />
          <FormButtons
            submit={editing ? 'Save changes' : 'Add event'}
            cancel={editing ? { to: '/admin/annotations' } : undefined}
          />
        </Form>
      </QuestionPage>

      <h2>{national ? 'Events' : 'Your board’s events'}</h2>
      {annotations.length === 0 ? (
        <p>No events have been added yet.</p>
      ) : (
        <DataTable
          caption="Events on the trends, latest first"
          rows={annotations}
          rowKey={(a) => a.id}
          columns={columns}
        />
      )}
    </>
  )
}
