// The export keeps each financial year's disclosure-control work until that year's figures
// change: a save to one month leaves the other years' work valid, and a moment settled in the
// past is kept for good. Each look-up is counted in /metrics.
import { beforeEach, expect, test } from 'vitest'
import { exportActivity } from '#app/api/handlers.server.ts'
import { getMetrics } from '#app/utils/metrics.server.ts'
import { actor } from '#tests/models/actors.ts'
import { resetData, useTestDatabase } from '#tests/setup/database.ts'
import { ReturnFixture } from './return-fixture.ts'

const t = useTestDatabase()
const LOTHIAN = 'S08000024'
const QUERY = 'service=video-1to1&measure=sessions&from=2024-04&to=2025-06&grain=month&format=json'

let f: ReturnFixture
beforeEach(async () => {
  await resetData(t.db)
  f = await new ReturnFixture(t.db).load()
  for (const [month, value] of [
    ['2024-04', 300],
    ['2025-04', 500],
  ] as const) {
    await f.figure(LOTHIAN, 'video-1to1', month, 'sessions', value, `${month.slice(0, 4)}-05-03T09:00:00Z`)
    await f.submit(LOTHIAN, month, `${month.slice(0, 4)}-05-05T09:00:00Z`)
  }
})

/** Look-ups of the year cache so far: hits and misses. */
async function lookups() {
  const { values } = await getMetrics().figuresCache.get()
  const count = (outcome: string) =>
    values.find((v) => v.labels.figures === 'disclosure-year' && v.labels.outcome === outcome)?.value ?? 0
  return { hits: count('hit'), misses: count('miss') }
}

/** What one export adds to the look-ups, and Lothian's sessions in April of each year. */
async function exportNow(query = QUERY) {
  const before = await lookups()
  const response = await exportActivity({
    params: new URLSearchParams(query),
    actor: actor(1, 'analyst'),
    now: new Date(),
    threshold: 4,
    deadlineDay: 15,
  })
  expect(response.status).toBe(200)
  const { rows } = (await response.json()) as { rows: { board_code: string; period: string; value: number | null }[] }
  const after = await lookups()
  const april = (period: string) => rows.find((r) => r.board_code === LOTHIAN && r.period === period)?.value
  return {
    hits: after.hits - before.hits,
    misses: after.misses - before.misses,
    april2024: april('2024-04'),
    april2025: april('2025-04'),
  }
}

test('a year is worked out again only when its own figures change', async () => {
  // One service in two financial years: two blocks, worked out once, then served from memory.
  expect(await exportNow()).toEqual({ hits: 0, misses: 2, april2024: 300, april2025: 500 })
  expect(await exportNow()).toEqual({ hits: 2, misses: 0, april2024: 300, april2025: 500 })

  // A save to April 2025 changes 2025/26 only.
  await f.figure(LOTHIAN, 'video-1to1', '2025-04', 'sessions', 520, new Date().toISOString())
  expect(await exportNow()).toEqual({ hits: 1, misses: 1, april2024: 300, april2025: 520 })

  // So does a workflow step (an approval makes the figures final: the qualifiers change).
  await f.approve(LOTHIAN, '2025-04', new Date().toISOString())
  expect(await exportNow()).toEqual({ hits: 1, misses: 1, april2024: 300, april2025: 520 })
})

test('figures as at a settled moment in the past are worked out once, whatever changes since', async () => {
  const past = `${QUERY}&asAt=2025-06-01T00:00:00Z`
  expect(await exportNow(past)).toEqual({ hits: 0, misses: 2, april2024: 300, april2025: 500 })
  await f.figure(LOTHIAN, 'video-1to1', '2025-04', 'sessions', 520, new Date().toISOString())
  expect(await exportNow(past)).toEqual({ hits: 2, misses: 0, april2024: 300, april2025: 500 })
})

test('disclosure control on and off, and different thresholds, are kept apart', async () => {
  const on = await exportNow()
  const off = await exportNow(`${QUERY}&sdc=off`)
  expect(on.misses).toBe(2)
  expect(off).toEqual({ hits: 0, misses: 2, april2024: 300, april2025: 500 })
})
