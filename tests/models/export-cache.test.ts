// The export keeps each service's suppression pattern of a financial year, keyed by a digest of
// the figures it was worked out from: a save changes its own service and year only, a moment in
// the past keeps its pattern whatever changes since, and a pattern is only ever applied to its
// own figures. Each look-up is counted in /metrics.
import { beforeEach, expect, test } from 'vitest'
import { exportActivity } from '#app/api/handlers.server.ts'
import { startWorkThreads } from '#app/utils/threads.server.ts'
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
    values.find((v) => v.labels.figures === 'suppression-pattern' && v.labels.outcome === outcome)?.value ?? 0
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
  const { rows } = (await response.json()) as {
    rows: { board_code: string; period: string; value: number | null; qualifier: string | null }[]
  }
  const after = await lookups()
  const april = (period: string) => {
    const row = rows.find((r) => r.board_code === LOTHIAN && r.period === period)
    return `${row?.value} ${row?.qualifier}`
  }
  return {
    hits: after.hits - before.hits,
    misses: after.misses - before.misses,
    april2024: april('2024-04'),
    april2025: april('2025-04'),
  }
}

test('a year is worked out again only when its own figures change', async () => {
  // One service in two financial years: two patterns, worked out once, then applied again.
  expect(await exportNow()).toEqual({ hits: 0, misses: 2, april2024: '300 p', april2025: '500 p' })
  expect(await exportNow()).toEqual({ hits: 2, misses: 0, april2024: '300 p', april2025: '500 p' })

  // A save to April 2025 changes 2025/26 only.
  await f.figure(LOTHIAN, 'video-1to1', '2025-04', 'sessions', 520, new Date().toISOString())
  expect(await exportNow()).toEqual({ hits: 1, misses: 1, april2024: '300 p', april2025: '520 p' })

  // An approval changes the qualifiers, not the figures: the pattern stands, the qualifier is new.
  await f.approve(LOTHIAN, '2025-04', new Date().toISOString())
  expect(await exportNow()).toEqual({ hits: 2, misses: 0, april2024: '300 p', april2025: '520 null' })
})

test('figures as at a moment in the past keep their pattern, whatever changes since', async () => {
  const past = `${QUERY}&asAt=2025-06-01T00:00:00Z`
  expect(await exportNow(past)).toEqual({ hits: 0, misses: 2, april2024: '300 p', april2025: '500 p' })
  await f.figure(LOTHIAN, 'video-1to1', '2025-04', 'sessions', 520, new Date().toISOString())
  expect(await exportNow(past)).toEqual({ hits: 2, misses: 0, april2024: '300 p', april2025: '500 p' })
})

test('a pattern is applied only to the figures it was worked out from', async () => {
  // Two boards with small counts: their patterns differ from the patterns of the figures above.
  expect((await exportNow()).misses).toBe(2)
  await f.figure('S08000029', 'video-1to1', '2025-04', 'sessions', 3, new Date().toISOString())
  await f.submit('S08000029', '2025-04', new Date().toISOString())
  const after = await exportNow(`${QUERY}&board=S08000029`)
  expect(after).toMatchObject({ hits: 1, misses: 1 })
  // Without disclosure control nothing is kept or looked up.
  expect(await exportNow(`${QUERY}&sdc=off`)).toMatchObject({ hits: 0, misses: 0 })
})

test('two exports at once, with disclosure control on threads, work each pattern out once', async () => {
  const stop = startWorkThreads({
    filename: new URL('../../server/work-thread.mjs', import.meta.url).href,
    threads: 1,
  })
  try {
    const before = await lookups()
    const [first, second] = await Promise.all([exportNow(), exportNow()])
    const after = await lookups()
    // Between them: two service-years, each worked out by one export while the other waited.
    expect({ hits: after.hits - before.hits, misses: after.misses - before.misses }).toEqual({ hits: 2, misses: 2 })
    expect([first.april2024, first.april2025]).toEqual(['300 p', '500 p'])
    expect([second.april2024, second.april2025]).toEqual(['300 p', '500 p'])
  } finally {
    await stop()
  }
})
