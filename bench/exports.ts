// Benchmark of the activity export: a full CSV export of a large synthetic data set at two (or
// more) sizes, with rows per second and the peak memory while exporting. The export streams, so
// its memory should stay flat as the rows grow: each financial year is read, suppressed and
// written before the next is read.
//
// Each size runs on a fresh database (migrated, with the reference data and synthetic approved
// returns for every board, service and measure): an embedded one in memory, or, with
// `DATABASE_URL` (or the `databaseUrl` option), a new PostgreSQL database on that server, dropped
// afterwards (never the one the address names). Either keeps its pages outside the JavaScript
// heap, so the JavaScript heap is the measure of the export itself; the resident set is reported
// too. Disclosure control runs on work threads, as in the server (`WORK_THREADS`, default 1), so
// the heap measured is the export's own, without the patterns being worked out beside it.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { sql } from 'drizzle-orm'
import { exportActivity } from '#app/api/handlers.server.ts'
import { clearCache } from '#app/utils/cache.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { startWorkThreads } from '#app/utils/threads.server.ts'
import { type Actor } from '#app/utils/permissions.ts'
import { addMonths, monthRange, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import { connectDatabase, type Database, queryRows, registerDatabase } from '#db/client.ts'
import { loadReferenceData } from '#seed/reference.ts'

export interface BenchExportsOptions {
  /** Years of monthly figures at each size. Default: 6 and 24 (four times the rows). */
  years?: number[]
  /** Disclosure control on (the default for every export) or off. */
  sdc?: boolean
  /** Where progress and results are written, e.g. console.log. */
  log?: (line: string) => void
  /** A PostgreSQL server to run on (a scratch database is made on it); default DATABASE_URL, else the embedded database. */
  databaseUrl?: string
  /** Work threads, as the server's WORK_THREADS: default that setting, else 1, as the server. */
  workThreads?: number
}

export interface BenchExportsResult {
  years: number
  /** Monthly figures in the database. */
  figures: number
  /** CSV rows written (without the header). */
  rows: number
  bytes: number
  seconds: number
  rowsPerSecond: number
  /** The same export again at once, its suppression patterns kept from the first. */
  warmRowsPerSecond: number
  /** Peak live JavaScript heap during the export (measured after garbage collection), above the heap just before it. */
  peakHeapMiB: number
  /** Peak resident set size during the export (the embedded database included). */
  peakRssMiB: number
  /**
   * The baseline, in the same run: the figures the export reads (every version of every figure
   * of the period), read straight from the database with one plain query and nothing else done,
   * as CSV rows per second of the export. The export cannot be faster than this.
   */
  readRowsPerSecond: number
}

const MiB = 1024 * 1024
const BENCH_ACTOR = { id: 0, role: 'national_lead', orgUnitId: null, email: 'bench@example.scot' } as Actor

export async function benchExports(options: BenchExportsOptions = {}): Promise<BenchExportsResult[]> {
  const sizes = options.years ?? [6, 24]
  const log = options.log ?? (() => {})
  const databaseUrl = options.databaseUrl ?? (process.env.DATABASE_URL || undefined)
  const threads = options.workThreads ?? Number(process.env.WORK_THREADS ?? 1)
  log(`exports: disclosure control on ${threads} work thread${threads === 1 ? '' : 's'}, as the server runs it`)
  const stopThreads =
    threads > 0
      ? startWorkThreads({ filename: new URL('../server/work-thread.mjs', import.meta.url).href, threads })
      : async () => {}
  try {
    return await exportAtEachSize(sizes, databaseUrl, options.sdc ?? true, log)
  } finally {
    await stopThreads()
  }
}

async function exportAtEachSize(
  sizes: number[],
  databaseUrl: string | undefined,
  sdc: boolean,
  log: (line: string) => void,
): Promise<BenchExportsResult[]> {
  const results: BenchExportsResult[] = []
  for (const years of sizes) {
    const { connection, drop } = await openDatabase(databaseUrl, years)
    try {
      await connection.migrate()
      await loadReferenceData(connection.db)
      const lastMonth = addMonths(PROGRAMME_START_MONTH, years * 12 - 1)
      const figures = await loadSyntheticFigures(connection.db, lastMonth)
      // Statistics for the planner, as a server that has been running would have them.
      await connection.db.execute(sql`analyze`)
      registerDatabase(connection)
      const result = await measureExport(years, figures, lastMonth, sdc)
      results.push(result)
      log(
        `exports: ${years} year${years === 1 ? '' : 's'}, ${result.figures.toLocaleString('en-GB')} figures -> ${result.rows.toLocaleString('en-GB')} CSV rows ` +
          `(${(result.bytes / MiB).toFixed(1)} MiB) in ${result.seconds.toFixed(1)} s: ${Math.round(result.rowsPerSecond).toLocaleString('en-GB')} rows/s ` +
          `(again at once: ${Math.round(result.warmRowsPerSecond).toLocaleString('en-GB')} rows/s), ` +
          `peak heap +${result.peakHeapMiB.toFixed(1)} MiB, peak RSS ${result.peakRssMiB.toFixed(0)} MiB; ` +
          `baseline, its figures read straight from the database: ${Math.round(result.readRowsPerSecond).toLocaleString('en-GB')} rows/s`,
      )
    } finally {
      registerDatabase(undefined)
      await connection.close()
      await drop()
    }
  }
  if (results.length >= 2) {
    const first = results[0]!
    const last = results.at(-1)!
    log(
      `exports: ${(last.rows / first.rows).toFixed(1)}x the rows took ${(last.peakHeapMiB / Math.max(first.peakHeapMiB, 0.1)).toFixed(1)}x the peak heap`,
    )
  }
  return results
}

/** A fresh database for one size: in memory, or a new database on the PostgreSQL server. */
async function openDatabase(databaseUrl: string | undefined, years: number) {
  if (!databaseUrl) return { connection: await connectDatabase({ memory: true }), drop: async () => {} }
  const name = `dtd_bench_exports_${years}_${process.pid}`
  const admin = new URL(databaseUrl)
  admin.pathname = '/postgres'
  const adminConnection = await connectDatabase({ databaseUrl: admin.toString(), maxConnections: 1 })
  await adminConnection.db.execute(sql.raw(`drop database if exists ${name} with (force)`))
  await adminConnection.db.execute(sql.raw(`create database ${name}`))
  const target = new URL(databaseUrl)
  target.pathname = `/${name}`
  const connection = await connectDatabase({ databaseUrl: target.toString(), maxConnections: 10 })
  return {
    connection,
    drop: async () => {
      await adminConnection.db.execute(sql.raw(`drop database if exists ${name} with (force)`))
      await adminConnection.close()
    },
  }
}

async function measureExport(
  years: number,
  figures: number,
  lastMonth: string,
  sdc: boolean,
): Promise<BenchExportsResult> {
  // The export is asked for as at three weeks after the last month, when its returns are due.
  const now = new Date(`${addMonths(lastMonth, 1)}-22T12:00:00Z`)
  // A first, one-year export warms the code up, so that compiling it is not counted as memory
  // the larger export needs.
  const warmUp = await exportActivity({
    params: new URLSearchParams(`from=${PROGRAMME_START_MONTH}&to=${addMonths(PROGRAMME_START_MONTH, 11)}&format=csv`),
    actor: BENCH_ACTOR,
    now,
    threshold: 4,
    deadlineDay: 15,
  })
  await warmUp.arrayBuffer()
  const gc = garbageCollector()
  gc()
  const baseline = process.memoryUsage().heapUsed
  let peakHeap = baseline
  let peakRss = process.memoryUsage().rss
  // Live memory, not garbage waiting for the collector: collect, then measure. Every few hundred
  // chunks, so the measuring does not swamp what it measures.
  const sample = () => {
    gc()
    const usage = process.memoryUsage()
    peakHeap = Math.max(peakHeap, usage.heapUsed)
    peakRss = Math.max(peakRss, usage.rss)
  }
  // Memory, first time (no suppression pattern kept yet; the warm-up has kept the first year's),
  // as the patterns kept grow with the rows.
  clearCache()
  const params = `from=${PROGRAMME_START_MONTH}&to=${lastMonth}&format=csv&sdc=${sdc ? 'on' : 'off'}`
  const { bytes, lines } = await readExport(params, now, sample)
  sample()
  // Speed, first time again, apart: collecting the garbage to measure the memory takes time.
  clearCache()
  gc()
  const started = performance.now()
  await readExport(params, now, () => {})
  const seconds = (performance.now() - started) / 1000
  // Warm: the same export again while nothing has changed, as a second caller gets it.
  const warmStarted = performance.now()
  await readExport(params, now, () => {})
  const warmSeconds = (performance.now() - warmStarted) / 1000
  const rows = lines - 1
  const readStarted = performance.now()
  await queryRows(
    getDb(),
    sql`select org_unit_id, service_id, measure_id, month, value, valid_from, valid_to from return_values`,
  )
  const readSeconds = (performance.now() - readStarted) / 1000
  return {
    years,
    figures,
    rows,
    bytes,
    seconds,
    rowsPerSecond: rows / seconds,
    warmRowsPerSecond: rows / warmSeconds,
    peakHeapMiB: (peakHeap - baseline) / MiB,
    peakRssMiB: peakRss / MiB,
    readRowsPerSecond: rows / readSeconds,
  }
}

/** Reads a whole CSV export as a client would, counting its bytes and lines. */
async function readExport(params: string, now: Date, sample: () => void) {
  const response = await exportActivity({
    params: new URLSearchParams(params),
    actor: BENCH_ACTOR,
    now,
    threshold: 4,
    deadlineDay: 15,
  })
  if (response.status !== 200) throw new Error(`The export answered ${response.status}: ${await response.text()}`)
  const reader = response.body!.getReader()
  let bytes = 0
  let lines = 0
  let chunks = 0
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    bytes += value.byteLength
    // The client's own work kept small: the bytes searched natively, not visited one by one.
    for (let at = value.indexOf(0x0a); at !== -1; at = value.indexOf(0x0a, at + 1)) lines++
    if (++chunks % 10 === 0) sample()
  }
  return { bytes, lines }
}

/** The garbage collector, exposed for this process if it was not already (node --expose-gc). */
function garbageCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (exposed) return exposed
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

export { loadSyntheticFigures as loadSyntheticFiguresForTest }
/** Approved returns of every unit for every month, with a figure for every measure of every service it delivers. */
async function loadSyntheticFigures(db: Database, lastMonth: string) {
  const units = await queryRows<{ id: number; kind: string }>(
    db,
    sql`select id, kind::text as kind from org_units order by id`,
  )
  const pairs = await queryRows<{ service_id: number; measure_id: number; delivery: string }>(
    db,
    sql`select sm.service_id, sm.measure_id, s.delivery::text as delivery
      from service_measures sm join services s on s.id = sm.service_id order by 1, 2`,
  )
  const months = monthRange(PROGRAMME_START_MONTH, lastMonth)
  const returns: object[] = []
  const events: object[] = []
  for (const month of months) {
    const submitted = `${addMonths(month, 1)}-05T10:00:00Z`
    const approved = `${addMonths(month, 1)}-12T10:00:00Z`
    for (const unit of units) {
      returns.push({
        org_unit_id: unit.id,
        month: `${month}-01`,
        status: 'approved',
        submitted_at: submitted,
        first_submitted_at: submitted,
        approved_at: approved,
        first_approved_at: approved,
      })
      events.push({ org_unit_id: unit.id, month: `${month}-01`, action: 'submitted', at: submitted })
      events.push({ org_unit_id: unit.id, month: `${month}-01`, action: 'approved', at: approved })
    }
  }
  await insertJson(
    db,
    'returns',
    returns,
    'org_unit_id int, month date, status return_status, submitted_at timestamptz, first_submitted_at timestamptz, approved_at timestamptz, first_approved_at timestamptz',
  )
  await insertJson(db, 'return_events', events, 'org_unit_id int, month date, action return_action, at timestamptz')

  let figures = 0
  let batch: object[] = []
  const columns = 'org_unit_id int, service_id int, month date, measure_id int, value int, valid_from timestamptz'
  for (const [m, month] of months.entries()) {
    const savedAt = `${addMonths(month, 1)}-03T10:00:00Z`
    for (const unit of units) {
      for (const pair of pairs) {
        if ((pair.delivery === 'national') !== (unit.kind === 'national')) continue
        // Mostly ordinary counts, some small ones for disclosure control to work on.
        const h =
          ((unit.id * 7_919 + pair.service_id * 104_729 + pair.measure_id * 1_299_709 + m * 15_485_863) >>> 0) % 1_000
        const value = h < 120 ? h % 5 : 20 + h
        batch.push({
          org_unit_id: unit.id,
          service_id: pair.service_id,
          month: `${month}-01`,
          measure_id: pair.measure_id,
          value,
          valid_from: savedAt,
        })
        figures++
      }
    }
    if (batch.length >= 20_000) {
      await insertJson(db, 'return_values', batch, columns)
      batch = []
    }
  }
  await insertJson(db, 'return_values', batch, columns)
  return figures
}

async function insertJson(db: Database, table: string, rows: object[], columns: string) {
  const names = columns
    .split(',')
    .map((c) => `"${c.trim().split(/\s+/)[0]}"`)
    .join(', ')
  for (let i = 0; i < rows.length; i += 5_000) {
    const json = JSON.stringify(rows.slice(i, i + 5_000))
    await db.execute(
      sql
        .raw(`insert into ${table} (${names}) select ${names} from json_to_recordset(`)
        .append(sql`${json}::json`)
        .append(sql.raw(`) as r(${columns})`)),
    )
  }
}
