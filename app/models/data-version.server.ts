import { sql } from 'drizzle-orm'
import { getDb } from '#app/utils/db.server.ts'
import { queryRows } from '#db/client.ts'
import { AUDIT_CHANGES_DATA } from '#db/schema/index.ts'

/**
 * A version of everything the dashboards show, which changes with every committed change to it:
 * a saved figure adds a row to return_values, a submission, approval or reopening a row to
 * return_events, a coverage change a row to service_availability, and every catalogue,
 * population or upload change an audit event. Each part is the newest id of its table, read from
 * its primary key index (for the audit trail, from the index of the events that change data:
 * exports and sign-ins change nothing shown), so asking costs well under a millisecond.
 *
 * Figures computed after reading version V are at least as new as V, so a cache keyed by it
 * never serves figures older than the version it names; the next change moves the version on.
 */
export async function getDataVersion(): Promise<string> {
  const [row] = await queryRows<{ version: string }>(
    getDb(),
    sql`select concat_ws('.',
          (select max(id) from return_values), (select max(id) from return_events),
          (select max(id) from service_availability),
          (select max(id) from audit_events where ${AUDIT_CHANGES_DATA})) as version`,
  )
  return row?.version ?? ''
}
