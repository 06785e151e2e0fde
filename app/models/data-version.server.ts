import { sql } from 'drizzle-orm'
import { cachedAtVersion, settledAtVersion } from '#app/utils/cache.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { type Executor, isTransaction, queryRows } from '#db/client.ts'
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

/**
 * What `read` gives, kept while the reference version stays the same (units, codes, services,
 * measures, coverage and the breakdown catalogue: the tables whose triggers move it). The version
 * comes from a sequence and is written inside the changing transaction, so it is seen to move
 * exactly when the change commits. A transaction asks as it sees it (if it has changed reference
 * data itself, its version is a number no other transaction ever sees) and uses only what is
 * already worked out: it never waits on a read that may be waiting for its own connection, and
 * what it reads itself is not kept.
 */
export async function keptWhileReferenceUnchanged<T>(
  key: string,
  db: Executor,
  read: (db: Executor) => Promise<T>,
): Promise<T> {
  const [row] = await queryRows<{ version: string }>(db, sql`select version::text as version from reference_version`)
  if (!row) return read(db)
  if (isTransaction(db)) return settledAtVersion<T>(key, row.version) ?? read(db)
  return cachedAtVersion(key, row.version, () => read(db))
}
