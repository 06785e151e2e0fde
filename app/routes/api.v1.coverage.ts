import type { LoaderFunctionArgs } from '@remix-run/node'
import { apiCoverage } from '#app/api/handlers.server.ts'
import { requireApiUser } from '#app/utils/auth.server.ts'

// GET /api/v1/coverage: where each service is live, and population coverage.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiUser(request)
  return apiCoverage({ params: new URL(request.url).searchParams, now: new Date() })
}
