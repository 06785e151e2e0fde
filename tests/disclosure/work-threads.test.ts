// Disclosure control and workbooks on a work thread: the same pattern and the same workbook as
// worked out here, and the thread serving requests stays free meanwhile.
import readXlsxFile from 'read-excel-file/node'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type Cell, writeWorkbook } from '#app/api/workbook.ts'
import { listOrgUnitAliases, listOrgUnits } from '#app/models/org-units.server.ts'
import { loadRuleCatalogue } from '#app/models/returns.server.ts'
import { checkUploadRows, type UploadRowsJob } from '#app/returns/upload-rows.ts'
import { useTestDatabase } from '#tests/setup/database.ts'
import { type MonthFigure } from '#app/disclosure/activity-table.ts'
import { patternJob, workOutPattern } from '#app/disclosure/pattern-job.ts'
import { onWorkThread, startWorkThreads } from '#app/utils/threads.server.ts'
import { monthRange } from '#app/utils/dates.ts'

const YEAR = '2025-04'
const MONTHS = monthRange('2025-04', '2026-03')
const BOARDS = Array.from({ length: 14 }, (_, i) => ({ id: i + 1, code: `B${i + 1}`, name: `Board ${i + 1}` }))
const MEASURES = [
  { id: 1, name: 'started' },
  { id: 2, name: 'started_within_18_weeks' },
]

/** Fourteen boards' started and within 18 weeks, small numbers in most (a fixed sequence, no randomness). */
function serviceYear(seed: number) {
  let state = seed
  const next = (n: number) => (state = (state * 48_271) % 2_147_483_647) % n
  const figures: MonthFigure[] = BOARDS.flatMap((board) =>
    MONTHS.flatMap((month) => {
      const started = next(board.id <= 3 ? 8 : 40)
      const within = Math.max(0, started - next(4))
      const base = { unitId: board.id, month, provisional: false, revised: false }
      return [
        { ...base, measureId: 1, value: started },
        { ...base, measureId: 2, value: within },
      ]
    }),
  )
  return patternJob({
    yearStart: YEAR,
    units: BOARDS,
    total: { id: 99, code: 'S', name: 'Scotland' },
    measures: MEASURES,
    figures,
    // Board 14 started in the autumn: nothing due before.
    expected: (unitId, month) => unitId !== 14 || month >= '2025-10',
    sdc: { threshold: 4 },
  })
}

const t = useTestDatabase()

let stop: () => Promise<void>
beforeAll(() => {
  stop = startWorkThreads({ filename: new URL('../../server/work-thread.mjs', import.meta.url).href, threads: 1 })
})
afterAll(() => stop())

test('a pattern worked out on a thread is the one worked out here', async () => {
  for (const seed of [1, 2, 3]) {
    const job = serviceYear(seed)
    const here = workOutPattern(job)
    expect(here.length).toBeGreaterThan(0)
    expect(await onWorkThread('workOutPattern', job)).toEqual(here)
  }
})

/** The longest this thread went without running a timer set to tick every 5 ms while `work` ran. */
async function longestPause(work: () => Promise<unknown>) {
  let last = performance.now()
  let longest = 0
  const ticker = setInterval(() => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
  }, 5)
  await work()
  await new Promise((resolve) => setTimeout(resolve, 50))
  clearInterval(ticker)
  return longest
}

test('the thread that asked stays free while the pattern is worked out', async () => {
  const jobs = [4, 5, 6, 7].map(serviceYear)
  const started = performance.now()
  for (const job of jobs) workOutPattern(job)
  const here = performance.now() - started

  const longest = await longestPause(() => Promise.all(jobs.map((job) => onWorkThread('workOutPattern', job))))
  // Worked out here, the four patterns hold this thread for all of `here` at once; on the
  // thread, this one only copies the figures over and back.
  expect(longest).toBeLessThan(here / 2)
})

/** A workbook job of `count` rows of an export's long layout. */
function workbookJob(count: number) {
  const columns = ['period', 'board_code', 'service', 'measure', 'value', 'qualifier']
  const rows: Cell[][] = Array.from({ length: count }, (_, i) => [
    `2025-${String((i % 12) + 1).padStart(2, '0')}`,
    `S080000${15 + (i % 14)}`,
    'ccbt-adults',
    i % 3 ? 'referrals' : '=SUM(A1:A2)',
    i % 7 ? i : null,
    i % 7 ? null : 'c',
  ])
  return {
    columns,
    rows,
    metadata: [
      ['Item', 'Value'],
      ['Title', 'Test export'],
    ] as Cell[][],
  }
}

test('a workbook written on a thread holds the same cells as one written here', async () => {
  const job = workbookJob(500)
  const [here, there] = await Promise.all([writeWorkbook(job), onWorkThread('writeWorkbook', job)])
  const sheets = async (bytes: Uint8Array) => (await readXlsxFile(Buffer.from(bytes))).map((s) => s.data)
  const written = await sheets(there)
  expect(written).toEqual(await sheets(here))
  // A formula is neutralised on the thread too.
  expect(written[0]![1]![3]).toBe("'=SUM(A1:A2)")
})

test('the thread that asked stays free while a large workbook is written', async () => {
  const job = workbookJob(40_000)
  const started = performance.now()
  await writeWorkbook(job)
  const here = performance.now() - started

  // This thread only copies the cells over and the file back.
  const longest = await longestPause(() => onWorkThread('writeWorkbook', job))
  expect(longest).toBeLessThan(here / 2)
})

/** `count` uploaded rows, every thirteenth broken in one way or another. */
async function uploadRowsJob(count: number): Promise<UploadRowsJob> {
  const catalogue = await loadRuleCatalogue(t.db)
  const units = await listOrgUnits(t.db)
  const boards = units.filter((u) => u.kind === 'board')
  const broken: Array<Record<string, string>> = [
    { board_code: 'S99999999' },
    { service: 'no-such-service' },
    { value: '12,34' },
    { month: '2031-01' },
    { breakdown: 'simd=9' },
  ]
  const rows = Array.from({ length: count }, (_, i) => {
    const values: Record<string, string> = {
      month: `20${20 + Math.floor(i / 5_000)}-${String((i % 12) + 1).padStart(2, '0')}`,
      board_code: boards[i % boards.length]!.code,
      service: 'ccbt-adults',
      measure: ['referrals', 'started', 'waiting_at_month_end'][i % 3]!,
      breakdown: '',
      value: String(i % 90),
      comment: '',
    }
    return { row: i + 2, values: i % 13 === 0 ? { ...values, ...broken[(i / 13) % broken.length] } : values }
  })
  return { rows, catalogue, units, aliases: await listOrgUnitAliases(t.db), latest: '2026-09' }
}

test('the rows of an upload checked on a thread give the problems and figures checked here', async () => {
  const job = await uploadRowsJob(2_000)
  const here = checkUploadRows(job)
  expect(here.problems.length).toBeGreaterThan(100)
  expect(await onWorkThread('checkUploadRows', job)).toEqual(here)
})

test('the thread that asked stays free while a large upload’s rows are checked', async () => {
  const job = await uploadRowsJob(100_000)
  const started = performance.now()
  checkUploadRows(job)
  const here = performance.now() - started

  // This thread only copies the rows over and the figures back.
  const longest = await longestPause(() => onWorkThread('checkUploadRows', job))
  expect(longest).toBeLessThan(here / 2)
})
