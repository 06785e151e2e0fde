import type { LoaderFunctionArgs } from '@remix-run/node'
import { exportActivityMetadata } from '#app/api/handlers.server.ts'
import { requireApiUser } from '#app/utils/auth.server.ts'

// GET /api/v1/activity/metadata: the metadata of an activity export on its own (a CSV links to it).
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireApiUser(request)
  return exportActivityMetadata({ params: new URL(request.url).searchParams, actor: user, now: new Date() })
}
