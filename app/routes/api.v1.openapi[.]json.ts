import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireApiUser } from '#app/utils/auth.server.ts'
import { OPENAPI_DOCUMENT } from '#app/api/openapi.ts'

// The API's description, for anyone who may use the API.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiUser(request)
  return new Response(JSON.stringify(OPENAPI_DOCUMENT, null, 2), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  })
}
