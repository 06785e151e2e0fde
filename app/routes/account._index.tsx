import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { ErrorSummary, fieldErrors, PasswordField, SubmitButton } from '#app/components/ui/form.tsx'
import { SuccessBanner } from '#app/components/ui/notification.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { QuestionPage } from '#app/components/ui/question-page.tsx'
import { listBoards } from '#app/models/org-units.server.ts'
import { changeOwnPassword } from '#app/models/users.server.ts'
import { changeOwnPasswordSchema } from '#app/domain/accounts.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { passwordCheck } from '#app/utils/password-policy.server.ts'
import { can, ROLE_LABELS } from '#app/utils/permissions.ts'
import { requestSessionId } from '#app/utils/session.server.ts'

export const meta: MetaFunction = () => [{ title: 'Your account - Digital Therapies Programme Dashboard' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  return json({
    name: user.name,
    email: user.email,
    role: ROLE_LABELS[user.role],
    board: user.orgUnitName,
    tokens: can.manageApiTokens(user),
  })
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const boards = await listBoards()
  const schema = changeOwnPasswordSchema(passwordCheck(boards.map((b) => b.name)), user)
  const submission = parseWithZod(await request.formData(), { schema })
  const hide = { hideFields: ['currentPassword', 'password', 'confirmPassword'] }
  if (submission.status !== 'success') return json(submission.reply(hide), { status: 400 })
  const result = await changeOwnPassword({
    actor: user,
    currentPassword: submission.value.currentPassword,
    newPassword: submission.value.password!,
    keepSessionId: await requestSessionId(request),
    ip: context.clientIp,
  })
  if (!result.ok)
    return json(
      submission.reply({ fieldErrors: { currentPassword: ['Your current password is not right'] }, ...hide }),
      { status: 400 },
    )
  return redirect('/account?done=password')
}

export default function Account() {
  const account = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [params] = useSearchParams()
  const [form, fields] = useForm({
    id: 'change-password',
    lastResult,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changeOwnPasswordSchema() }),
  })
  return (
    <QuestionPage>
      <ErrorSummary errors={fieldErrors([fields.currentPassword, fields.password, fields.confirmPassword])} />
      {params.get('done') === 'password' && !lastResult ? (
        <SuccessBanner title="Password changed: any other sessions have ended" />
      ) : null}
      <PageHeader title="Your account">
        <p>
          {account.name}, {account.email}. {account.role}
          {account.board ? `, ${account.board}` : ''}.
        </p>
      </PageHeader>
      {account.tokens ? (
        <p>
          <Link to="/account/tokens">Your API tokens</Link>
        </p>
      ) : null}
      <h2>Change your password</h2>
      <Form method="post" {...getFormProps(form)}>
        <PasswordField field={fields.currentPassword} label="Current password" autoComplete="current-password" />
        <PasswordField
          field={fields.password}
          label="New password"
          hint="At least 12 characters. Three random words make a strong password that is easy to remember."
          autoComplete="new-password"
        />
        <PasswordField field={fields.confirmPassword} label="New password again" autoComplete="new-password" />
        <SubmitButton>Change password</SubmitButton>
      </Form>
    </QuestionPage>
  )
}
