import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import {
  CheckboxField,
  ErrorSummary,
  fieldErrors,
  FormButtons,
  PasswordField,
  SubmitButton,
  TextField,
} from '#app/components/ui/form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { QuestionPage } from '#app/components/ui/question-page.tsx'
import { RoleAndBoardFields } from '#app/components/ui/role-board-fields.tsx'
import { listBoards } from '#app/models/org-units.server.ts'
import { AccountChangeError, getUser, resetPassword, updateUser } from '#app/models/users.server.ts'
import { changeAccountSchema, resetPasswordSchema } from '#app/domain/accounts.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { formatDateTime } from '#app/utils/dates.ts'
import { badRequest, notFound } from '#app/utils/http.server.ts'
import { passwordCheck } from '#app/utils/password-policy.server.ts'
import { can } from '#app/utils/permissions.ts'

export const meta: MetaFunction = () => [{ title: 'Change an account - Digital Therapies Programme Dashboard' }]

const IdSchema = z.coerce.number().int().positive()

function parseId(value: string | undefined) {
  const id = IdSchema.safeParse(value)
  if (!id.success) throw notFound('There is no such account.')
  return id.data
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUserWith(request, can.administer)
  const account = await getUser({ actor: user, id: parseId(params.id) })
  return json({
    account: {
      ...account,
      createdAt: formatDateTime(account.createdAt),
      lastSignedInAt: account.lastSignedInAt ? formatDateTime(account.lastSignedInAt) : 'Never',
    },
    boards: await listBoards(),
    isSelf: account.id === user.id,
  })
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, can.administer)
  const id = parseId(params.id)
  const account = await getUser({ actor: user, id })
  const formData = await request.formData()
  const intent = formData.get('intent')

  if (intent === 'reset-password') {
    const boards = await listBoards()
    const schema = resetPasswordSchema(passwordCheck(boards.map((b) => b.name)), account)
    const submission = parseWithZod(formData, { schema })
    if (submission.status !== 'success') return json(submission.reply({ hideFields: ['password'] }), { status: 400 })
    await resetPassword({ actor: user, id, password: submission.value.password!, ip: context.clientIp })
    return redirect('/admin/users?done=password-reset')
  }
  if (intent !== 'change') throw badRequest('Unknown action.')

  const submission = parseWithZod(formData, { schema: changeAccountSchema() })
  if (submission.status !== 'success') return json(submission.reply(), { status: 400 })
  const changes = submission.value
  try {
    await updateUser({
      actor: user,
      id,
      changes: {
        name: changes.name,
        role: changes.role,
        orgUnitId: changes.orgUnitId ?? null,
        disabled: changes.disabled,
      },
      ip: context.clientIp,
    })
  } catch (error) {
    if (!(error instanceof AccountChangeError)) throw error
    return json(submission.reply({ formErrors: [error.message] }), { status: 400 })
  }
  return redirect('/admin/users?done=changed')
}

export default function ChangeAccount() {
  const { account, boards, isSelf } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const isReset = lastResult?.initialValue?.intent === 'reset-password'
  const [form, fields] = useForm({
    id: 'change-account',
    lastResult: isReset ? undefined : lastResult,
    shouldValidate: 'onBlur',
    defaultValue: {
      name: account.name,
      role: account.role,
      orgUnitId: account.orgUnitId === null ? '' : String(account.orgUnitId),
      disabled: account.disabled ? 'on' : undefined,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changeAccountSchema() }),
  })
  const [resetForm, resetFields] = useForm({
    id: 'reset-password',
    lastResult: isReset ? lastResult : undefined,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: resetPasswordSchema() }),
  })
  const errors = [
    ...(form.errors ?? []).map((message) => ({ id: fields.name.id, message })),
    ...fieldErrors([fields.name, fields.role, fields.orgUnitId, resetFields.password]),
  ]
  return (
    <>
      <ErrorSummary errors={errors} />
      <PageHeader label="Accounts" title={account.name}>
        <p>
          {account.email}. Account created {account.createdAt}; last signed in {account.lastSignedInAt}.
        </p>
      </PageHeader>
      <QuestionPage>
        <h2>Role, board and access</h2>
        <p>Changing the role or board, or disabling the account, signs the person out at once.</p>
        <Form method="post" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="change" />
          <TextField field={fields.name} label="Full name" autoComplete="off" />
          <RoleAndBoardFields role={fields.role} board={fields.orgUnitId} boards={boards} />
          <CheckboxField
            field={fields.disabled}
            label="Disable this account"
            hint={
              isSelf
                ? 'You cannot disable your own account.'
                : 'The person is signed out and cannot sign in again until the account is enabled.'
            }
          />
          <FormButtons submit="Save changes" cancel={{ to: '/admin/users' }} />
        </Form>

        <h2>Reset the password</h2>
        <p>
          Set a temporary password and give it to the person by a separate, secure route. They are signed out at once.
        </p>
        <Form method="post" {...getFormProps(resetForm)}>
          <input type="hidden" name="intent" value="reset-password" />
          <PasswordField
            field={resetFields.password}
            label="New temporary password"
            hint="At least 12 characters and hard to guess: three random words work well."
            autoComplete="new-password"
          />
          <SubmitButton secondary>Reset password</SubmitButton>
        </Form>
      </QuestionPage>
    </>
  )
}
