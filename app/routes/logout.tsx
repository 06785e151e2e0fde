import { type ActionFunctionArgs, redirect } from '@remix-run/node'
import { recordAuditEvent } from '#app/models/audit.server.ts'
import { endSession, getSessionUser } from '#app/utils/session.server.ts'

// Signing out changes state, so it is a POST (the header's button); a GET just goes home.
export async function loader() {
  return redirect('/')
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getSessionUser(request)
  const setCookie = await endSession(request)
  if (user) {
    await recordAuditEvent({
      action: 'signout',
      userId: user.id,
      userEmail: user.email,
      orgUnitId: user.orgUnitId,
      ip: context.clientIp,
    })
  }
  return redirect('/login', { headers: { 'Set-Cookie': setCookie } })
}
