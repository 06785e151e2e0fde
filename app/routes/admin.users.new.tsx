import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { ErrorSummary, fieldErrors, FormButtons, PasswordField, TextField } from '#app/components/ui/form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { QuestionPage } from '#app/components/ui/question-page.tsx'
import { RoleAndBoardFields } from '#app/components/ui/role-board-fields.tsx'
import { listBoards } from '#app/models/org-units.server.ts'
import { createUser, EmailInUseError } from '#app/models/users.server.ts'
import { createAccountSchema } from '#app/domain/accounts.ts'
import { requireUserWith } from '#app/utils/auth.server.ts'
import { passwordCheck } from '#app/utils/password-policy.server.ts'
import { can } from '#app/utils/permissions.ts'

export const meta: MetaFunction = () => [{ title: 'Create an account - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUserWith(request, can.administer)
  return json({ boards: await listBoards() })
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, can.administer)
  const formData = await request.formData()
  const boards = await listBoards()
  const schema = createAccountSchema(passwordCheck(boards.map((b) => b.name)))
  const submission = parseWithZod(formData, { schema })
  if (submission.status !== 'success') {
    return json(submission.reply({ hideFields: ['password'] }), { status: 400 })
  }
  const { password, ...account } = submission.value
  try {
    await createUser({
      actor: user,
      account: { ...account, orgUnitId: account.orgUnitId ?? null, password: password! },
      ip: context.clientIp,
    })
  } catch (error) {
    if (!(error instanceof EmailInUseError)) throw error
    return json(submission.reply({ fieldErrors: { email: [error.message] }, hideFields: ['password'] }), {
      status: 400,
    })
  }
  return redirect('/admin/users?done=created')
}

export default function NewAccount() {
  const { boards } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [form, fields] = useForm({
    id: 'new-account',
    lastResult,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createAccountSchema() }),
  })
  return (
    <QuestionPage>
      <ErrorSummary errors={fieldErrors([fields.email, fields.name, fields.role, fields.orgUnitId, fields.password])} />
      <PageHeader label="Accounts" title="Create an account" />
      <Form method="post" {...getFormProps(form)}>
        <TextField field={fields.email} label="Email address" type="email" autoComplete="off" spellCheck={false} />
        <TextField field={fields.name} label="Full name" autoComplete="off" />
        <RoleAndBoardFields
          role={fields.role}
          board={fields.orgUnitId}
          boards={boards}
          roleHint="Board leads enter their own board’s returns; analysts export figures; the national lead does everything."
          rolePlaceholder="Choose a role"
        />
        <PasswordField
          field={fields.password}
          label="Temporary password"
          hint="At least 12 characters and hard to guess: three random words work well. Give it to the person by a separate, secure route."
          autoComplete="new-password"
        />
        <FormButtons submit="Create account" cancel={{ to: '/admin/users' }} />
      </Form>
    </QuestionPage>
  )
}
