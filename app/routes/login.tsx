import { getFormProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, json, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, useActionData, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { ErrorSummary, fieldErrors, PasswordField, SubmitButton, TextField } from '#app/components/ui/form.tsx'
import { PageHeader } from '#app/components/ui/page-header.tsx'
import { QuestionPage } from '#app/components/ui/question-page.tsx'
import { safeRedirect, signIn } from '#app/utils/auth.server.ts'
import { getSessionUser, revokeRequestSession } from '#app/utils/session.server.ts'

export const meta: MetaFunction = () => [{ title: 'Sign in - Digital Therapies Programme Dashboard' }]

const SignInSchema = z.object({
  email: z
    .string({ error: 'Enter your email address' })
    .trim()
    .email('Enter an email address in the right format, like name@example.scot'),
  password: z.string({ error: 'Enter your password' }),
  redirectTo: z.string().optional(),
})

export async function loader({ request }: LoaderFunctionArgs) {
  // Someone already signed in has nothing to do here.
  if (await getSessionUser(request)) {
    throw redirect(safeRedirect(new URL(request.url).searchParams.get('redirectTo')))
  }
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: SignInSchema })
  if (submission.status !== 'success') {
    return json(submission.reply({ hideFields: ['password'] }), { status: 400 })
  }
  const { email, password, redirectTo } = submission.value
  const result = await signIn({
    email,
    password,
    ip: context.clientIp,
    userAgent: request.headers.get('user-agent'),
  })
  if (!result.ok) {
    const message =
      result.reason === 'throttled'
        ? `Too many attempts to sign in. Wait ${Math.ceil(result.retryAfterSeconds / 60)} minutes and try again.`
        : 'The email address or password is not right'
    return json(submission.reply({ formErrors: [message], hideFields: ['password'] }), {
      status: result.reason === 'throttled' ? 429 : 400,
      headers: result.reason === 'throttled' ? { 'Retry-After': String(result.retryAfterSeconds) } : undefined,
    })
  }
  // A session the browser already had must not survive into the new one (session fixation).
  await revokeRequestSession(request)
  return redirect(safeRedirect(redirectTo), { headers: { 'Set-Cookie': result.setCookie } })
}

export default function SignIn() {
  const lastResult = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const [form, fields] = useForm({
    id: 'sign-in',
    lastResult,
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignInSchema }),
  })
  const errors = [
    ...(form.errors ?? []).map((message) => ({ id: fields.email.id, message })),
    ...fieldErrors([fields.email, fields.password]),
  ]
  return (
    <QuestionPage>
      <ErrorSummary errors={errors} />
      <PageHeader title="Sign in">
        <p>Sign in with the email address and password of your dashboard account.</p>
      </PageHeader>
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? '/'} />
        <TextField field={fields.email} label="Email address" type="email" autoComplete="username" spellCheck={false} />
        <PasswordField field={fields.password} label="Password" autoComplete="current-password" />
        <SubmitButton>Sign in</SubmitButton>
      </Form>
      <p>
        If you have forgotten your password or your account has been disabled, ask the national programme team to reset
        it.
      </p>
    </QuestionPage>
  )
}
