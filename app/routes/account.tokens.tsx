import { type FieldMetadata, getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { type DataColumn, DataTable } from '#app/components/ui/data-table.tsx'
import {
  Choice,
  ErrorSummary,
  fieldErrors,
  RowActionButton,
  SelectField,
  SubmitButton,
  TextField,
} from '#app/components/ui/form.tsx'
import { SuccessBanner, WarningText } from '#app/components/ui/notification.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { QuestionPage } from '#app/components/ui/question-page.tsx'
import { createApiToken, listApiTokens, revokeApiToken } from '#app/models/api-tokens.server.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { formatDate, formatDateTime } from '#app/utils/dates.ts'
import { badRequest } from '#app/utils/http.server.ts'
import { can, TOKEN_SCOPES, type TokenScope, tokenScopes } from '#app/utils/permissions.ts'

export const meta: MetaFunction = () => [{ title: 'API tokens - Digital Therapies Programme Dashboard' }]

const CreateSchema = z.object({
  intent: z.literal('create'),
  name: z
    .string({ error: 'Enter a name that says what the token is for' })
    .trim()
    .min(1)
    .max(100, 'Name must be 100 characters or fewer'),
  expiresIn: z.enum(['30', '90', '365', 'never'], { error: 'Choose when the token stops working' }),
  scope: z.enum(TOKEN_SCOPES, { error: 'Choose what the token may do' }),
})

const SCOPE_LABELS: Record<TokenScope, { label: string; hint: string }> = {
  read: { label: 'Read', hint: 'Export figures and read the API, as you can.' },
  submit: {
    label: 'Submit returns',
    hint: 'Send monthly returns from your own systems (POST /api/v1/returns), and read the API as you can.',
  },
}
const NO_TOKENS = 'Your role does not use API tokens.'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, can.manageApiTokens, NO_TOKENS)
  const tokens = await listApiTokens({ actor: user })
  return json({
    scopes: tokenScopes(user),
    boardLead: user.role === 'board_lead',
    tokens: tokens.map((t) => ({
      id: t.id,
      name: t.name,
      prefix: t.prefix,
      scope: SCOPE_LABELS[t.scope].label,
      created: formatDateTime(t.createdAt),
      lastUsed: t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'Never',
      expires: t.expiresAt ? formatDate(t.expiresAt) : 'Never',
      state: t.revokedAt ? 'Revoked' : t.expiresAt && t.expiresAt < new Date() ? 'Expired' : 'Active',
    })),
  })
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, can.manageApiTokens, NO_TOKENS)
  const formData = await request.formData()
  if (formData.get('intent') === 'revoke') {
    const id = z.coerce.number().int().positive().safeParse(formData.get('id'))
    if (!id.success) throw badRequest('Choose a token to revoke.')
    await revokeApiToken({ actor: user, id: id.data, ip: context.clientIp })
    return redirect('/account/tokens?done=revoked')
  }
  const submission = parseWithZod(formData, { schema: CreateSchema })
  if (submission.status !== 'success') return json({ result: submission.reply(), token: null }, { status: 400 })
  const days = submission.value.expiresIn === 'never' ? null : Number(submission.value.expiresIn)
  if (!tokenScopes(user).includes(submission.value.scope))
    return json(
      {
        result: submission.reply({ fieldErrors: { scope: ['Your role cannot create a token that does this'] } }),
        token: null,
      },
      { status: 400 },
    )
  const token = await createApiToken({
    actor: user,
    name: submission.value.name,
    scope: submission.value.scope,
    expiresAt: days === null ? null : new Date(Date.now() + days * 86_400_000),
    ip: context.clientIp,
  })
  // Shown once, in this response only: never in an address, a log or the database.
  return json({ result: submission.reply({ resetForm: true }), token: { value: token, name: submission.value.name } })
}

export default function ApiTokens() {
  const { tokens, scopes, boardLead } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const [form, fields] = useForm({
    id: 'new-token',
    lastResult: actionData?.result,
    defaultValue: { expiresIn: '90', scope: scopes[0] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateSchema }),
  })
  const columns: Array<DataColumn<(typeof tokens)[number]>> = [
    { header: 'Name', cell: (t) => t.name },
    { header: 'Starts with', cell: (t) => <code>{t.prefix}…</code> },
    { header: 'May', cell: (t) => t.scope },
    { header: 'Created', cell: (t) => t.created },
    { header: 'Last used', cell: (t) => t.lastUsed },
    { header: 'Expires', cell: (t) => t.expires },
    { header: 'State', cell: (t) => t.state },
    {
      header: <span className="visually-hidden">Action</span>,
      cell: (t) =>
        t.state === 'Active' ? (
          <RowActionButton intent="revoke" values={{ id: t.id }} label="Revoke" subject={t.name} />
        ) : null,
    },
  ]
  return (
    <>
      <ErrorSummary errors={fieldErrors([fields.name, fields.scope, fields.expiresIn])} />
      {actionData?.token ? (
        <SuccessBanner title={`Token “${actionData.token.name}” created`}>
          <p>Copy it now: it will not be shown again.</p>
          <p>
            <code className="app-token">{actionData.token.value}</code>
          </p>
          <p>
            Send it with each request as <code>Authorization: Bearer &lt;token&gt;</code>.
          </p>
        </SuccessBanner>
      ) : null}
      {params.get('done') === 'revoked' && !actionData ? (
        <SuccessBanner title="Token revoked: it no longer works" />
      ) : null}
      <PageHeader label="Exports and API" title="API tokens">
        <p>
          Tokens let scripts use the API as you, without your password:{' '}
          {boardLead ? (
            <>send your board’s monthly returns from its own systems.</>
          ) : (
            <>
              read it (<Link to="/exports">see exports</Link>)
              {scopes.includes('submit') ? <>, or send monthly returns from the boards’ own systems</> : null}.
            </>
          )}{' '}
          Each is stored only as a fingerprint and can be revoked at once.
        </p>
      </PageHeader>
      <WarningText>Treat a token like a password: keep it out of code you share, emails and chat.</WarningText>
      {tokens.length > 0 ? (
        <DataTable caption="Your API tokens" rows={tokens} rowKey={(t) => t.id} columns={columns} />
      ) : (
        <p>You have no API tokens.</p>
      )}
      <QuestionPage>
        <h2>Create a token</h2>
        <Form method="post" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="create" />
          <TextField field={fields.name} label="Name" hint="What it is for, like “Weekly briefing script”." />
          <ScopeField field={fields.scope} scopes={scopes} />
          <SelectField
            field={fields.expiresIn}
            label="Stops working after"
            options={[
              { value: '30', label: '30 days' },
              { value: '90', label: '90 days' },
              { value: '365', label: 'One year' },
              { value: 'never', label: 'Never (until revoked)' },
            ]}
          />
          <SubmitButton>Create token</SubmitButton>
        </Form>
      </QuestionPage>
    </>
  )
}

/** What the token may do: radios when the role has a choice, else the one scope said plainly. */
function ScopeField({ field, scopes }: { field: FieldMetadata<string>; scopes: TokenScope[] }) {
  if (scopes.length === 1) {
    const only = SCOPE_LABELS[scopes[0]!]
    return (
      <div className="ds_question">
        <input type="hidden" name={field.name} value={scopes[0]} />
        <p>
          This token may: <strong>{only.label.toLowerCase()}</strong>. {only.hint}
        </p>
      </div>
    )
  }
  const error = field.errors?.[0]
  return (
    <div className={`ds_question${error ? ' ds_question--error' : ''}`}>
      <fieldset aria-describedby={error ? field.errorId : undefined} id={field.id}>
        <legend className="ds_label">What the token may do</legend>
        {error ? (
          <p className="ds_question__error-message" id={field.errorId}>
            {error}
          </p>
        ) : null}
        {scopes.map((scope) => (
          <Choice
            key={scope}
            type="radio"
            id={`${field.id}-${scope}`}
            name={field.name}
            value={scope}
            defaultChecked={(field.initialValue ?? scopes[0]) === scope}
            label={SCOPE_LABELS[scope].label}
            hint={SCOPE_LABELS[scope].hint}
            hintId={`${field.id}-${scope}-hint`}
            aria-describedby={`${field.id}-${scope}-hint`}
          />
        ))}
      </fieldset>
    </div>
  )
}
