import type { LoaderFunctionArgs } from '@remix-run/node'
import { apiBoards } from '#app/api/handlers.server.ts'
import { requireApiUser } from '#app/utils/auth.server.ts'

// GET /api/v1/boards: the boards, their codes (with superseded ones) and populations.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiUser(request)
  return apiBoards({ params: new URL(request.url).searchParams })
}
