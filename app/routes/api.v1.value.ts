import type { LoaderFunctionArgs } from '@remix-run/node'
import { exportValue } from '#app/api/value.server.ts'
import { recordExport } from '#app/models/audit.server.ts'
import { requireApiUser } from '#app/utils/auth.server.ts'

// GET /api/v1/value: costs, supporter hours and unit costs by financial year (see /api/v1/openapi.json).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(request)
  return exportValue({
    params: new URL(request.url).searchParams,
    actor: user,
    now: new Date(),
    audit: (event) => recordExport({ user, event, ip: context.clientIp }),
  })
}
