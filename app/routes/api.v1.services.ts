import type { LoaderFunctionArgs } from '@remix-run/node'
import { apiServices } from '#app/api/handlers.server.ts'
import { requireApiUser } from '#app/utils/auth.server.ts'

// GET /api/v1/services: the service catalogue, the measures that apply and the treatments.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiUser(request)
  return apiServices({ params: new URL(request.url).searchParams })
}
