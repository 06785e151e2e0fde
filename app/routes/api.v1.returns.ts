import type { ActionFunctionArgs } from '@remix-run/node'
import { submitReturns } from '#app/api/submissions.server.ts'
import { requireApiCaller } from '#app/utils/auth.server.ts'

// POST /api/v1/returns: returns from the boards' own systems (see /api/v1/openapi.json).
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST')
    return new Response(null, { status: 405, headers: { Allow: 'POST', 'Cache-Control': 'no-store' } })
  const { user, token } = await requireApiCaller(request)
  return submitReturns({ request, actor: user, token, ip: context.clientIp })
}

export async function loader() {
  return new Response(null, { status: 405, headers: { Allow: 'POST', 'Cache-Control': 'no-store' } })
}
