// Upload throughput: a CSV of many figures parsed, checked and committed in one transaction, on a
// database of its own, with the time of each step, rows per second and peak memory, against the
// targets of issue 13 (UPLOAD_TARGETS).
import { sql } from 'drizzle-orm'
import { commitUpload, previewUpload } from '#app/models/uploads.server.ts'
import { createUser } from '#app/models/users.server.ts'
import { addMonths, monthRange, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { parseUploadFile } from '#app/returns/upload-parse.server.ts'
import { type DatabaseConnection, queryRows, registerDatabase } from '#db/client.ts'
import { loadReferenceData } from '#seed/reference.ts'

/** Issue 13: a 100,000-row upload, checked and committed, at these rows per second, within this memory. */
export const UPLOAD_TARGETS = {
  rowsPerSecond: { postgres: 50_000, pglite: 20_000 },
  peakMegabytes: 150,
} as const

/** Samples the resident set size while `work` runs; returns the peak above the level before. */
async function withPeakMemory<T>(work: () => Promise<T>) {
  const base = process.memoryUsage().rss
  let peak = base
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  try {
    const result = await work()
    peak = Math.max(peak, process.memoryUsage().rss)
    return { result, peakBytes: peak - base }
  } finally {
    clearInterval(timer)
  }
}

/**
 * A CSV of `rows` valid figures: extra boards are added so the figures do not repeat. With
 * `breakdowns`, the file has a breakdown column and each figure that can be split by sex is
 * followed by its three categories (adding up to it), which count towards the rows.
 */
export async function buildCsv(connection: DatabaseConnection, rows: number, breakdowns = false) {
  const slots = await queryRows<{ service: string; measure: string; split: boolean }>(
    connection.db,
    sql`select s.slug as service, m.name as measure,
          exists (select 1 from breakdown_measures b join breakdown_dimensions d on d.id = b.dimension_id
                  where b.service_id = s.id and b.measure_id = m.id and d.name = 'sex') as split
        from service_measures sm join services s on s.id = sm.service_id join measures m on m.id = sm.measure_id
        where s.delivery = 'board' order by 1, 2`,
  )
  const months = monthRange(PROGRAMME_START_MONTH, addMonths(PROGRAMME_START_MONTH, 35))
  const boardsNeeded = Math.ceil(rows / (slots.length * months.length))
  await connection.db.execute(sql`insert into org_units (code, name, kind)
    select 'S0899' || lpad(n::text, 4, '0'), 'Bench board ' || n, 'board' from generate_series(1, ${boardsNeeded}) n on conflict do nothing`)
  const lines = [
    breakdowns
      ? 'month,board_code,service,measure,value,comment,breakdown'
      : 'month,board_code,service,measure,value,comment',
  ]
  outer: for (let b = 1; b <= boardsNeeded; b++) {
    const code = `S0899${String(b).padStart(4, '0')}`
    for (const month of months) {
      for (const slot of slots) {
        // Parts stay below their wholes: every value is the same within a board-month.
        const value = 10 + (b % 7)
        const row = `${month},${code},${slot.service},${slot.measure}`
        if (!breakdowns) lines.push(`${row},${value},`)
        else {
          lines.push(`${row},${value},,`)
          if (slot.split && lines.length + 3 <= rows + 1)
            lines.push(`${row},${value - 3},,sex=female`, `${row},2,,sex=male`, `${row},1,,sex=unknown`)
        }
        if (lines.length > rows) break outer
      }
    }
  }
  return new TextEncoder().encode(lines.join('\r\n'))
}

export async function benchUpload({
  connection,
  rows,
  breakdowns = false,
}: {
  connection: DatabaseConnection
  rows: number
  /** A breakdown column, with figures split by sex. */
  breakdowns?: boolean
}) {
  registerDatabase(connection)
  await connection.migrate()
  await loadReferenceData(connection.db)
  const email = `bench.${Date.now()}@example.scot`
  const id = await createUser({
    actor: null,
    account: { email, name: 'Bench', role: 'national_lead', orgUnitId: null, password: 'bench pass phrase long' },
  })
  const actor: Actor = { id, email, role: 'national_lead', orgUnitId: null }
  const bytes = await buildCsv(connection, rows, breakdowns)
  const now = new Date()

  const started = performance.now()
  const parsed = await withPeakMemory(() => parseUploadFile(bytes))
  const parseMs = performance.now() - started
  const checked = await withPeakMemory(() =>
    previewUpload({ actor, fileName: 'bench.csv', bytes, rows: parsed.result.rows, now }),
  )
  const checkMs = performance.now() - started - parseMs
  if (!checked.result.uploadId)
    throw new Error(
      `The bench upload had problems: ${checked.result.problems
        .slice(0, 3)
        .map((p) => p.message)
        .join('; ')}`,
    )
  const committed = await withPeakMemory(() =>
    commitUpload({ actor, uploadId: checked.result.uploadId!, reason: null, now }),
  )
  const totalMs = performance.now() - started
  return {
    rows: parsed.result.rows.length,
    megabytes: bytes.length / 1024 / 1024,
    parseMs,
    checkMs,
    commitMs: totalMs - parseMs - checkMs,
    totalMs,
    rowsPerSecond: parsed.result.rows.length / (totalMs / 1000),
    /** The baseline: rows per second of parsing alone, in the same run. */
    parseRowsPerSecond: parsed.result.rows.length / (parseMs / 1000),
    peakMegabytes: Math.max(parsed.peakBytes, checked.peakBytes, committed.peakBytes) / 1024 / 1024,
    /** Each step's peak above the level at its start: where the memory goes. */
    peakMegabytesBy: {
      parse: parsed.peakBytes / 1024 / 1024,
      check: checked.peakBytes / 1024 / 1024,
      commit: committed.peakBytes / 1024 / 1024,
    },
    figuresWritten: committed.result.changedFigures,
    floor: breakdowns ? null : await insertFloor(connection),
  }
}

/**
 * The floor under any commit of these figures: the same rows written again by one plain
 * `INSERT ... SELECT` from a table already in the database, as the commit's own statement
 * writes them (every key, index, foreign key and trigger of return_values at work), then rolled
 * back. Its parts: the same statement with the foreign-key checks (and the totals' triggers)
 * switched off, where the engine allows it, shows what the per-row checks of the foreign keys
 * cost.
 */
async function insertFloor(connection: DatabaseConnection) {
  const rollback = new Error('rolled back')
  const timed = async (replica: boolean) => {
    let ms = 0
    await connection.db
      .transaction(async (tx) => {
        await tx.execute(sql`create temporary table floor_figures on commit drop as
          select org_unit_id, service_id, month, measure_id, value, comment, changed_by
          from return_values where valid_to is null`)
        await tx.execute(sql`update return_values set valid_to = now() where valid_to is null`)
        if (replica) await tx.execute(sql`set local session_replication_role = replica`)
        const started = performance.now()
        await tx.execute(sql`insert into return_values (org_unit_id, service_id, month, measure_id, value, comment, valid_from, changed_by)
          select org_unit_id, service_id, month, measure_id, value, comment, now(), changed_by from floor_figures
          order by month, org_unit_id, service_id, measure_id`)
        ms = performance.now() - started
        throw rollback
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error
      })
    return ms
  }
  const [rows] = await queryRows<{ n: number }>(
    connection.db,
    sql`select count(*)::int as n from return_values where valid_to is null`,
  )
  const insertMs = await timed(false)
  const withoutForeignKeysMs = await timed(true).catch(() => null)
  return { rows: rows!.n, insertMs, withoutForeignKeysMs }
}
