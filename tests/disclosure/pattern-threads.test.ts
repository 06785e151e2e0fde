// Disclosure control on a pattern thread: the same pattern as worked out here, and the thread
// serving requests stays free meanwhile.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type MonthFigure } from '#app/disclosure/activity-table.ts'
import { patternJob, workOutPattern } from '#app/disclosure/pattern-job.ts'
import { patternOf, startPatternThreads } from '#app/disclosure/pattern-threads.server.ts'
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

let stop: () => Promise<void>
beforeAll(() => {
  stop = startPatternThreads({ filename: new URL('../../server/pattern-thread.mjs', import.meta.url).href, threads: 1 })
})
afterAll(() => stop())

test('a pattern worked out on a thread is the one worked out here', async () => {
  for (const seed of [1, 2, 3]) {
    const job = serviceYear(seed)
    const here = workOutPattern(job)
    expect(here.length).toBeGreaterThan(0)
    expect(await patternOf(job)).toEqual(here)
  }
})

test('the thread that asked stays free while the pattern is worked out', async () => {
  const jobs = [4, 5, 6, 7].map(serviceYear)
  const started = performance.now()
  for (const job of jobs) workOutPattern(job)
  const here = performance.now() - started

  // The longest this thread went without running a timer set to tick every 5 ms.
  let last = performance.now()
  let longest = 0
  const ticker = setInterval(() => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
  }, 5)
  await Promise.all(jobs.map((job) => patternOf(job)))
  await new Promise((resolve) => setTimeout(resolve, 50))
  clearInterval(ticker)
  // Worked out here, the four patterns hold this thread for all of `here` at once; on the
  // thread, this one only copies the figures over and back.
  expect(longest).toBeLessThan(here / 2)
})
