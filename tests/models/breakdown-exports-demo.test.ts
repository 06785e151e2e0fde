// The activity export broken down by SIMD quintile, age band and sex, on the demo data: the
// categories against the totals the same API gives, and disclosure control checked by an
// attacker written apart from the code (tests/disclosure/attacker.ts).
import { beforeAll, describe, expect, test } from 'vitest'
import { exportActivity } from '#app/api/handlers.server.ts'
import type { SdcRelation } from '#app/disclosure/suppression.ts'
import { latestDueMonth } from '#app/utils/dates.ts'
import { loadDemoData } from '#seed/demo.ts'
import { DEMO_BREAKDOWNS_FROM } from '#seed/demo-breakdowns.ts'
import { exactlyRecoverable, suppressedBounds } from '#tests/disclosure/attacker.ts'
import { actor } from '#tests/models/actors.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'

const NOW = new Date('2026-11-22T12:00:00Z')
const LEAD = actor(1, 'national_lead')
const THRESHOLD = 4
const SERVICES = 'ccbt-adults,ccbt-cyp,iecbt'
const t = useTestDatabase()

beforeAll(async () => {
  await loadDemoData(t.db, { now: NOW, deadlineDay: 15 })
})

interface Row {
  period: string
  board_code: string
  service: string
  measure: string
  breakdown?: string
  category?: string
  value: number | null
  qualifier: string | null
}

async function rows(query: string): Promise<Row[]> {
  const response = await exportActivity({
    params: new URLSearchParams(`${query}&format=json`),
    actor: LEAD,
    now: NOW,
    threshold: THRESHOLD,
    deadlineDay: 15,
  })
  expect(response.status, await response.clone().text()).toBe(200)
  return ((await response.json()) as { rows: Row[] }).rows
}

const figureKey = (r: Row) => `${r.period}|${r.board_code}|${r.service}|${r.measure}`

describe(`breakdowns through the API on ${ENGINE}`, () => {
  test.each(['simd', 'age', 'sex'])(
    'every board-month-measure of the demo with a %s breakdown adds up to its total',
    async (dimension) => {
      const range = `service=${SERVICES}&from=${DEMO_BREAKDOWNS_FROM}&to=${latestDueMonth(NOW, 15)}&sdc=off`
      const totals = new Map((await rows(range)).map((r) => [figureKey(r), r.value]))
      const sums = new Map<string, number>()
      for (const r of await rows(`${range}&breakdown=${dimension}`)) {
        expect(r.breakdown).toBe(dimension)
        if (r.value === null) continue
        sums.set(figureKey(r), (sums.get(figureKey(r)) ?? 0) + r.value)
      }
      // 3 services, 5 measures, 14 boards and Scotland, most months since breakdowns began.
      expect(sums.size).toBeGreaterThan(3 * 5 * 14 * 40)
      for (const [key, sum] of sums) expect(sum, key).toBe(totals.get(key))
    },
    120_000,
  )

  test('with disclosure control, breakdowns come by quarter or year', async () => {
    const response = await exportActivity({
      params: new URLSearchParams('breakdown=simd&from=2024-04&to=2024-06'),
      actor: LEAD,
      now: NOW,
      threshold: THRESHOLD,
      deadlineDay: 15,
    })
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('breakdowns are published by financial quarter or year')
  })

  test('with disclosure control no category from 1 to 4 is shown, and none can be worked out', async () => {
    const range = 'service=ccbt-adults&measure=referrals,proms_recovered&from=2024-04&to=2025-03'
    const [truth, published, totals, yearTotals, yearPublished] = await Promise.all([
      rows(`${range}&breakdown=simd&sdc=off&grain=fq`),
      rows(`${range}&breakdown=simd&grain=fq`),
      rows(`${range}&grain=fq`),
      rows(`${range}&grain=fy`),
      rows(`${range}&breakdown=simd&grain=fy`),
    ])
    const trueValue = new Map(truth.map((r) => [`${figureKey(r)}|${r.category}`, r.value]))
    expect(published.length).toBe(truth.length)
    for (const r of published) {
      if (r.value !== null) expect(r.value === 0 || r.value > THRESHOLD, JSON.stringify(r)).toBe(true)
    }

    // The attacker's table: each published total and category (months and the year), with the
    // relations anyone knows: a total is the sum of its categories, Scotland's category the sum
    // of the boards', a year's category the sum of its quarters'.
    for (const measure of ['referrals', 'proms_recovered']) {
      const cells: Row[] = []
      const index = new Map<string, number>()
      const add = (r: Row) => {
        if (r.measure !== measure) return
        index.set(`${figureKey(r)}|${r.category ?? 'total'}`, cells.length)
        cells.push(r)
      }
      for (const r of [...totals, ...yearTotals, ...published, ...yearPublished]) add(r)
      const at = (period: string, board: string, category: string) =>
        index.get(`${period}|${board}|ccbt-adults|${measure}|${category}`)
      const relations: SdcRelation[] = []
      const categories = [...new Set(published.map((r) => r.category!))]
      const periods = [...new Set(cells.map((r) => r.period))]
      const boards = [...new Set(cells.map((r) => r.board_code))].filter((b) => b !== 'S92000003')
      for (const period of periods) {
        for (const board of [...boards, 'S92000003']) {
          const total = at(period, board, 'total')
          if (total !== undefined) relations.push({ total, parts: categories.map((c) => at(period, board, c)!) })
        }
        for (const category of categories) {
          relations.push({
            total: at(period, 'S92000003', category)!,
            parts: boards.map((b) => at(period, b, category)!),
          })
        }
      }
      for (const board of [...boards, 'S92000003'])
        for (const category of categories)
          relations.push({
            total: at('2024/25', board, category)!,
            parts: periods.filter((p) => p !== '2024/25').map((p) => at(p, board, category)!),
          })
      const values = cells.map((r) => (r.category ? trueValue.get(`${figureKey(r)}|${r.category}`) : r.value) ?? null)
      // Year totals in the truth come from the unsuppressed export only through their categories.
      cells.forEach((r, i) => {
        if (!r.category && r.qualifier === 'c') {
          const parts = relations.find((rel) => rel.total === i)!.parts
          values[i] = parts.reduce((s, p) => s + (values[p] ?? 0), 0)
        }
      })
      const table = {
        values,
        relations,
        hidden: cells.map((r) => r.qualifier === 'c'),
        // A suppressed category may be 0 (zeros are hidden with it); a suppressed total is at least 1.
        lowerBound: (cell: number) => (cells[cell]!.category ? 0 : 1),
      }
      const small = cells.map((_, i) => i).filter((i) => table.hidden[i] && values[i]! >= 1 && values[i]! <= THRESHOLD)
      expect(small.length).toBeGreaterThan(0)
      expect(exactlyRecoverable(table).filter((cell) => small.includes(cell))).toEqual([])
      // The island boards, where the small counts are, cell by cell.
      const islands = small.filter((i) => ['S08000025', 'S08000026', 'S08000028'].includes(cells[i]!.board_code))
      for (const [cell, { min, max }] of suppressedBounds(table, islands.slice(0, 40))) {
        // Room of a whole 1 at least: counts are whole numbers.
        expect(max - min, JSON.stringify(cells[cell])).toBeGreaterThanOrEqual(1 - 1e-6)
      }
    }
  }, 300_000)
})
