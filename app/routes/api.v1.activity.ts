import type { LoaderFunctionArgs } from '@remix-run/node'
import { recordExport } from '#app/models/audit.server.ts'
import { exportActivity } from '#app/api/handlers.server.ts'
import { loadExportReference } from '#app/models/exports.server.ts'
import { requireApiUser } from '#app/utils/auth.server.ts'

// GET /api/v1/activity: figures as CSV, XLSX or JSON (see /api/v1/openapi.json).
export async function loader({ request, context }: LoaderFunctionArgs) {
  // The reference data is the same for every caller: it is read while the caller is
  // authenticated, one round trip fewer before the figures.
  const reference = loadExportReference()
  reference.catch(() => {})
  const user = await requireApiUser(request)
  return exportActivity({
    params: new URL(request.url).searchParams,
    actor: user,
    now: new Date(),
    signal: context.clientGone,
    audit: (event) => recordExport({ user, event, ip: context.clientIp }),
    reference,
  })
}
