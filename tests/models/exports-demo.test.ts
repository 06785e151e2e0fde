// The activity export of the demo data against figures worked out independently: a separate SQL
// query for the values, completeness and qualifiers, and a separate attacker for disclosure.
import { fc } from '@fast-check/vitest'
import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { exportActivity } from '#app/api/handlers.server.ts'
import { addMonths, latestDueMonth, monthRange } from '#app/utils/dates.ts'
import { type SdcRelation } from '#app/disclosure/suppression.ts'
import { PART_OF_WHOLE } from '#app/returns/rules.ts'
import { queryRows } from '#db/client.ts'
import { loadDemoData } from '#seed/demo.ts'
import { actor } from '#tests/models/actors.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'
import { exactlyRecoverable, suppressedBounds } from '#tests/disclosure/attacker.ts'

const NOW = new Date('2026-11-22T12:00:00Z')
const ANALYST = actor(1, 'analyst')
const THRESHOLD = 4
const t = useTestDatabase()

beforeAll(async () => {
  await loadDemoData(t.db, { now: NOW, deadlineDay: 15 })
})

type Row = {
  period: string
  financial_year: string
  board_code: string
  board_name: string
  service: string
  measure: string
  value: number | null
  qualifier: string | null
}

async function exportRows(query: string): Promise<Row[]> {
  const response = await exportActivity({
    params: new URLSearchParams(`${query}&format=json`),
    actor: ANALYST,
    now: NOW,
    threshold: THRESHOLD,
    deadlineDay: 15,
  })
  expect(response.status, await response.clone().text()).toBe(200)
  return ((await response.json()) as { rows: Row[] }).rows
}

const key = (r: { period: string; board_code: string; service: string; measure: string }) =>
  `${r.period}|${r.board_code}|${r.service}|${r.measure}`

/**
 * The same figures by one SQL query written without the model code: every figure due (service
 * live or in pilot) or reported in the period, grouped to the grain, with the boards' total as
 * Scotland for services the boards deliver.
 */
async function independent(grain: 'month' | 'fq' | 'fy', from: string, to: string) {
  const period =
    grain === 'month'
      ? sql`to_char(month, 'YYYY-MM')`
      : grain === 'fq'
        ? sql`'Q' || ((extract(month from month)::int + 8) % 12 / 3 + 1) || ' ' || fy`
        : sql`fy`
  return queryRows<{
    period: string
    code: string
    service: string
    measure: string
    total: number | null
    due: number
    reported: number
    provisional: boolean
    revised: boolean
  }>(
    t.db,
    sql`
    with months as (
      select m::date as month from generate_series(${`${from}-01`}::date, ${`${to}-01`}::date, interval '1 month') m
    ),
    due as (
      select a.org_unit_id, a.service_id, sm.measure_id, m.month
      from service_availability a
      join months m on a.live_from <= m.month and (a.live_to is null or a.live_to >= m.month)
      join service_measures sm on sm.service_id = a.service_id
      where a.status in ('live', 'pilot')
    ),
    reported as (
      select v.org_unit_id, v.service_id, v.measure_id, v.month, v.value, r.status::text as status,
        (r.first_approved_at is not null and v.value is distinct from (
          select v0.value from return_values v0
          where v0.org_unit_id = v.org_unit_id and v0.service_id = v.service_id and v0.measure_id = v.measure_id
            and v0.month = v.month and v0.valid_from <= r.first_approved_at
            and (v0.valid_to is null or v0.valid_to > r.first_approved_at))) as changed
      from return_values v join returns r on r.org_unit_id = v.org_unit_id and r.month = v.month
      where v.valid_to is null and r.first_submitted_at is not null
        and v.month between ${`${from}-01`}::date and ${`${to}-01`}::date
    ),
    cells as (
      select coalesce(d.org_unit_id, p.org_unit_id) as org_unit_id, coalesce(d.service_id, p.service_id) as service_id,
        coalesce(d.measure_id, p.measure_id) as measure_id, coalesce(d.month, p.month) as month,
        p.value, p.status, p.changed
      from due d full join reported p
        on p.org_unit_id = d.org_unit_id and p.service_id = d.service_id and p.measure_id = d.measure_id and p.month = d.month
    ),
    labelled as (
      select c.*, o.code, o.kind::text as kind, s.slug as service, s.delivery::text as delivery, me.name as measure,
        (extract(year from c.month)::int - case when extract(month from c.month) < 4 then 1 else 0 end) as fy_start
      from cells c join org_units o on o.id = c.org_unit_id join services s on s.id = c.service_id join measures me on me.id = c.measure_id
    ),
    with_fy as (
      select l.*, fy_start || '/' || lpad(((fy_start + 1) % 100)::text, 2, '0') as fy from labelled l
    ),
    units as (
      select ${period} as period, code, service, measure, value, status, changed from with_fy
      union all
      select ${period} as period, 'S92000003', service, measure, value, status, changed from with_fy
      where delivery = 'board' and kind = 'board'
    )
    select period, code, service, measure, sum(value)::float8 as total, count(*)::int as due, count(value)::int as reported,
      coalesce(bool_or(status is not null and status <> 'approved'), false) as provisional,
      coalesce(bool_or(changed), false) as revised
    from units group by period, code, service, measure`,
  )
}

describe(`the activity export of the demo data on ${ENGINE}`, () => {
  const latest = latestDueMonth(NOW, 15)
  const months = monthRange('2021-04', latest)

  test('reconciles with an independent SQL query, figure by figure and in total, for random filters', async () => {
    const services = (await queryRows<{ slug: string }>(t.db, sql`select slug from services order by slug`)).map(
      (s) => s.slug,
    )
    const boards = (await queryRows<{ code: string }>(t.db, sql`select code from org_units order by code`)).map(
      (b) => b.code,
    )
    const measures = (await queryRows<{ name: string }>(t.db, sql`select name from measures order by name`)).map(
      (m) => m.name,
    )
    let checked = 0
    const grains = new Set<string>()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('month' as const, 'fq' as const, 'fy' as const),
        fc.integer({ min: 0, max: months.length - 1 }),
        fc.integer({ min: 0, max: 30 }),
        fc.subarray(services, { minLength: 1, maxLength: 4 }),
        fc.option(fc.subarray(boards, { minLength: 1, maxLength: 5 }), { nil: undefined }),
        fc.option(fc.subarray(measures, { minLength: 1, maxLength: 4 }), { nil: undefined }),
        async (grain, start, length, chosenServices, chosenBoards, chosenMeasures) => {
          // A whole number of periods at the grain, within what has fallen due.
          const step = grain === 'month' ? 1 : grain === 'fq' ? 3 : 12
          const first = months.findIndex(
            (m, i) => i >= start && (grain === 'month' || Number(m.slice(5)) % step === 4 % step),
          )
          if (first < 0) return
          const from = months[first]!
          const lastAllowed = months.filter((m, i) => i >= first && (i - first + 1) % step === 0)
          if (lastAllowed.length === 0) return
          const to = lastAllowed[Math.min(lastAllowed.length - 1, Math.floor(length / step))]!
          const applicable = await queryRows<{ name: string }>(
            t.db,
            sql`select distinct m.name from measures m join service_measures sm on sm.measure_id = m.id join services s on s.id = sm.service_id
              where s.slug in (${sql.join(
                chosenServices.map((s) => sql`${s}`),
                sql`, `,
              )})`,
          )
          const measuresAsked = chosenMeasures?.filter((m) => applicable.some((a) => a.name === m))
          const query = [`grain=${grain}`, `from=${from}`, `to=${to}`, `service=${chosenServices.join(',')}`, 'sdc=off']
          if (chosenBoards) query.push(`board=${chosenBoards.join(',')}`)
          if (measuresAsked?.length) query.push(`measure=${measuresAsked.join(',')}`)
          const rows = await exportRows(query.join('&'))

          const expected = (await independent(grain, from, to)).filter(
            (e) =>
              chosenServices.includes(e.service) &&
              (!chosenBoards || chosenBoards.includes(e.code)) &&
              (!measuresAsked?.length || measuresAsked.includes(e.measure)),
          )
          const byKey = new Map(rows.map((r) => [key(r), r]))
          expect(rows.length, query.join('&')).toBe(expected.length)
          let exportTotal = 0
          let sqlTotal = 0
          for (const e of expected) {
            const row = byKey.get(key({ period: e.period, board_code: e.code, service: e.service, measure: e.measure }))
            expect(row, `${e.period} ${e.code} ${e.service} ${e.measure}`).toBeDefined()
            if (e.reported === e.due) {
              expect(row!.value).toBe(e.total)
              expect(row!.qualifier).toBe(e.provisional ? 'p' : e.revised ? 'r' : null)
              sqlTotal += e.total!
            } else {
              expect(row).toMatchObject({ value: null, qualifier: ':' })
            }
            exportTotal += row!.value ?? 0
          }
          expect(exportTotal).toBe(sqlTotal)
          checked += rows.length
          grains.add(grain)
        },
      ),
      { numRuns: 15, seed: 20261122 },
    )
    // The random filters did reach real figures at every grain.
    expect(checked).toBeGreaterThan(500)
    expect([...grains].sort()).toEqual(['fq', 'fy', 'month'])
  })

  test('the demo has figures of every kind: provisional, revised, not available', async () => {
    const rows = await exportRows(`from=${addMonths(latest, -23)}&to=${latest}&sdc=off`)
    const qualifiers = new Set(rows.map((r) => r.qualifier))
    expect([...qualifiers].sort()).toEqual([':', null, 'p', 'r'].sort())
  })

  describe('with disclosure control', () => {
    const from = '2023-04'
    const to = '2025-03'
    const exports: Record<'month' | 'fq' | 'fy', { on: Row[]; off: Row[] }> = {} as never
    const lastYear: { on: Row[]; off: Row[] } = { on: [], off: [] }
    beforeAll(async () => {
      for (const grain of ['month', 'fq', 'fy'] as const) {
        exports[grain] = {
          on: await exportRows(`grain=${grain}&from=${from}&to=${to}`),
          off: await exportRows(`grain=${grain}&from=${from}&to=${to}&sdc=off`),
        }
      }
      // The export of the issue that found the gap: the last 12 months, every board, by month.
      const recent = `grain=month&from=${addMonths(latest, -11)}&to=${latest}`
      lastYear.on = await exportRows(recent)
      lastYear.off = await exportRows(`${recent}&sdc=off`)
    }, 180_000)

    /** Every whole and its part both published as numbers: their difference, by board, service and period. */
    function publishedDifferences(rows: Row[]) {
      const byKey = new Map(rows.map((r) => [key(r), r]))
      const shown = (r: Row | undefined) =>
        r !== undefined && r.value !== null && r.qualifier !== 'c' && r.qualifier !== ':'
      const differences: Array<{ at: string; difference: number }> = []
      for (const whole of rows) {
        for (const pair of PART_OF_WHOLE.filter((p) => p.whole === whole.measure)) {
          const part = byKey.get(key({ ...whole, measure: pair.part }))
          if (!shown(whole) || !shown(part)) continue
          differences.push({ at: `${key(whole)} - ${pair.part}`, difference: whole.value! - part!.value! })
        }
      }
      return differences
    }

    test('a whole and its part, both published, differ by 0 or by more than the threshold, at every grain', () => {
      for (const { on, off } of [exports.month, exports.fq, exports.fy, lastYear]) {
        const differences = publishedDifferences(on)
        const small = differences.filter((d) => d.difference >= 1 && d.difference <= THRESHOLD)
        expect(small.slice(0, 5)).toEqual([])
        // Pairs remain published, zeros among them (everyone within 18 weeks).
        expect(differences.length).toBeGreaterThan(100)
        expect(differences.some((d) => d.difference === 0)).toBe(true)
        // Control: without disclosure control the same check finds small differences.
        expect(
          publishedDifferences(off).filter((d) => d.difference >= 1 && d.difference <= THRESHOLD).length,
        ).toBeGreaterThan(0)
      }
    })

    test('publishes no count from 1 to the threshold at any grain, and only hides figures', () => {
      for (const grain of ['month', 'fq', 'fy'] as const) {
        const { on, off } = exports[grain]
        expect(on.map(key)).toEqual(off.map(key))
        on.forEach((row, i) => {
          const unsuppressed = off[i]!
          if (row.qualifier === 'c') expect(row.value).toBeNull()
          else expect(row).toEqual(unsuppressed)
          if (row.value !== null && !row.measure.includes('rate') && Number.isInteger(row.value)) {
            expect(row.value === 0 || row.value > THRESHOLD, `${key(row)} = ${row.value}`).toBe(true)
          }
        })
        expect(on.some((r) => r.qualifier === 'c')).toBe(true)
      }
    })

    test('months, quarters, years and Scotland published together give no suppressed count away', () => {
      // Rebuild each service, measure and financial year as one table from the unsuppressed
      // monthly figures; what the attacker sees is every figure published at any grain.
      const monthly = exports.month.off
      const published = new Map<string, Row>()
      for (const grain of ['month', 'fq', 'fy'] as const) for (const r of exports[grain].on) published.set(key(r), r)
      const tables = new Map<string, Row[]>()
      for (const r of monthly) {
        const id = `${r.service}|${r.measure}|${r.financial_year}`
        tables.set(id, [...(tables.get(id) ?? []), r])
      }
      // The tables with the most suppression, and a spread of the rest.
      const ranked = [...tables.entries()]
        .map(([id, rows]) => ({
          id,
          rows,
          hidden: rows.filter((r) => published.get(key(r))?.qualifier === 'c').length,
        }))
        .filter((x) => x.hidden > 0)
        .sort((a, b) => b.hidden - a.hidden || a.id.localeCompare(b.id))
      expect(ranked.length).toBeGreaterThan(10)
      const sample = [...ranked.slice(0, 3), ...ranked.filter((_, i) => i % 12 === 5)]
      let primaries = 0
      for (const { id, rows } of sample) primaries += checkTable(id, rows, published)
      expect(primaries).toBeGreaterThan(50)
    }, 120_000)

    test('a whole, its part and their rest published together at every grain give no small rest away', () => {
      // The attacker sees every figure of both measures published at any grain, knows that a
      // part never exceeds its whole, and works on each service, pair and financial year as one
      // table: the three with the fewest small rests that have any (the attacker solves two
      // linear programmes per small rest, so a whole year's table of an island-heavy service takes
      // minutes; the random tables of tests/disclosure cover the hard cases).
      const published = new Map<string, Row>()
      for (const grain of ['month', 'fq', 'fy'] as const) for (const r of exports[grain].on) published.set(key(r), r)
      const byTable = new Map<string, Row[]>()
      for (const r of exports.month.off) {
        const id = `${r.service}|${r.measure}|${r.financial_year}`
        byTable.set(id, [...(byTable.get(id) ?? []), r])
      }
      const candidates: Array<{ service: string; fy: string; part: string; whole: string; small: number }> = []
      for (const id of byTable.keys()) {
        const [service, measure, fy] = id.split('|') as [string, string, string]
        for (const pair of PART_OF_WHOLE.filter((p) => p.whole === measure)) {
          const parts = byTable.get(`${service}|${pair.part}|${fy}`)
          if (!parts) continue
          const partOf = new Map(parts.map((r) => [`${r.board_code}|${r.period}`, r.value]))
          const small = byTable.get(id)!.filter((r) => {
            const p = partOf.get(`${r.board_code}|${r.period}`)
            return r.value !== null && p !== null && p !== undefined && r.value - p >= 1 && r.value - p <= THRESHOLD
          }).length
          candidates.push({ service, fy, part: pair.part, whole: measure, small })
        }
      }
      candidates.sort(
        (a, b) => a.small - b.small || `${a.service}${a.fy}${a.part}`.localeCompare(`${b.service}${b.fy}${b.part}`),
      )
      const sample = candidates.filter((c) => c.small > 0).slice(0, 3)
      let protectedRests = 0
      for (const c of sample) {
        protectedRests += checkRelatedTable(
          c,
          byTable.get(`${c.service}|${c.whole}|${c.fy}`)!,
          byTable.get(`${c.service}|${c.part}|${c.fy}`)!,
          published,
        )
      }
      expect(protectedRests).toBeGreaterThan(0)
    }, 240_000)
  })
})

/** Builds the table of one service, measure and year and lets the attacker loose on it. */
function checkTable(id: string, monthRows: Row[], published: Map<string, Row>) {
  const [service, measure, fy] = id.split('|') as [string, string, string]
  const startYear = Number(fy.slice(0, 4))
  const months = monthRange(`${startYear}-04`, `${startYear + 1}-03`)
  const quarters = [1, 2, 3, 4].map((q) => `Q${q} ${fy}`)
  const units = [...new Set(monthRows.map((r) => r.board_code))]
  const boards = units.filter((u) => u !== 'S92000003')
  const hasTotal = units.includes('S92000003') && boards.length > 0
  const values: (number | null)[] = []
  const hidden: boolean[] = []
  const primary: number[] = []
  const unknown: boolean[] = []
  const index = new Map<string, number>()
  const monthValue = (code: string, month: string) =>
    monthRows.find((r) => r.board_code === code && r.period === month)?.value ?? null
  const sumOf = (list: (number | null)[]) =>
    list.some((v) => v !== null) ? list.reduce<number>((s, v) => s + (v ?? 0), 0) : null
  const add = (code: string, period: string, value: number | null) => {
    const row = published.get(`${period}|${code}|${service}|${measure}`)
    index.set(`${code}|${period}`, values.length)
    values.push(value)
    // The attacker does not know suppressed (c) or unavailable (:) figures, nor any not published.
    const notShown = !row || row.qualifier === 'c' || row.qualifier === ':'
    hidden.push(value !== null && notShown)
    unknown.push(row?.qualifier === ':' || !row)
    if (row?.qualifier === 'c' && value !== null && value >= 1 && value <= THRESHOLD) primary.push(values.length - 1)
  }
  const rowsOf = hasTotal ? [...boards, 'S92000003'] : units
  for (const code of rowsOf) {
    const monthValues = months.map((m) =>
      code === 'S92000003' && hasTotal ? sumOf(boards.map((b) => monthValue(b, m))) : monthValue(code, m),
    )
    months.forEach((m, i) => add(code, m, monthValues[i]!))
    quarters.forEach((q, i) => add(code, q, sumOf(monthValues.slice(i * 3, i * 3 + 3))))
    add(code, fy, sumOf(monthValues))
  }
  const relations: SdcRelation[] = []
  for (const code of rowsOf) {
    quarters.forEach((q, i) =>
      relations.push({
        total: index.get(`${code}|${q}`)!,
        parts: months.slice(i * 3, i * 3 + 3).map((m) => index.get(`${code}|${m}`)!),
      }),
    )
    relations.push({ total: index.get(`${code}|${fy}`)!, parts: quarters.map((q) => index.get(`${code}|${q}`)!) })
  }
  if (hasTotal) {
    for (const period of [...months, ...quarters, fy]) {
      relations.push({
        total: index.get(`S92000003|${period}`)!,
        parts: boards.map((b) => index.get(`${b}|${period}`)!),
      })
    }
  }
  const table = {
    values,
    relations,
    hidden,
    // A suppressed count is at least 1; a figure not available may be 0.
    lowerBound: (cell: number) => (unknown[cell] ? 0 : 1),
  }
  expect(
    exactlyRecoverable(table).filter((c) => primary.includes(c)),
    id,
  ).toEqual([])
  const bounds = suppressedBounds(table, primary)
  for (const cell of primary) {
    const { min, max } = bounds.get(cell)!
    expect(max - min, `${id}: cell ${cell} (${values[cell]}) is pinned to [${min}, ${max}]`).toBeGreaterThanOrEqual(
      1 - 1e-6,
    )
  }
  return primary.length
}

/**
 * A whole, its part and their rest (never published) for one service and financial year: every
 * board and Scotland, months, quarters and the year, with the relations within each measure and
 * whole = part + rest in each cell. The attacker knows a suppressed count is at least 1, a rest
 * and a figure not available at least 0. Returns how many small rests it had to leave unknown.
 */
function checkRelatedTable(
  { service, fy, part, whole }: { service: string; fy: string; part: string; whole: string },
  wholeRows: Row[],
  partRows: Row[],
  published: Map<string, Row>,
) {
  const startYear = Number(fy.slice(0, 4))
  const months = monthRange(`${startYear}-04`, `${startYear + 1}-03`)
  const quarters = [1, 2, 3, 4].map((q) => `Q${q} ${fy}`)
  const units = [...new Set(wholeRows.map((r) => r.board_code))]
  const boards = units.filter((u) => u !== 'S92000003')
  const rowsOf = units.includes('S92000003') && boards.length > 0 ? [...boards, 'S92000003'] : units
  const values: (number | null)[] = []
  const hidden: boolean[] = []
  const low: number[] = []
  const toProtect: number[] = []
  const index = new Map<string, number>()
  const sumOf = (list: (number | null)[]) =>
    list.some((v) => v !== null) ? list.reduce<number>((s, v) => s + (v ?? 0), 0) : null
  const monthOf = (rows: Row[]) => (code: string, month: string) =>
    rows.find((r) => r.board_code === code && r.period === month)?.value ?? null
  const wholeOf = monthOf(wholeRows)
  const partOf = monthOf(partRows)
  const restOf = (code: string, month: string) => {
    const w = wholeOf(code, month)
    const p = partOf(code, month)
    return w === null || p === null ? null : w - p
  }
  const measures = [
    { name: whole, month: wholeOf, rest: false },
    { name: part, month: partOf, rest: false },
    { name: 'rest', month: restOf, rest: true },
  ]
  for (const measure of measures) {
    const add = (code: string, period: string, value: number | null) => {
      index.set(`${measure.name}|${code}|${period}`, values.length)
      values.push(value)
      const row = measure.rest ? undefined : published.get(`${period}|${code}|${service}|${measure.name}`)
      const notShown = measure.rest || !row || row.qualifier === 'c' || row.qualifier === ':'
      hidden.push(value !== null && notShown)
      low.push(measure.rest || !row || row.qualifier === ':' ? 0 : 1)
      const small = value !== null && value >= 1 && value <= THRESHOLD
      if (small && (measure.rest || row?.qualifier === 'c')) toProtect.push(values.length - 1)
    }
    for (const code of rowsOf) {
      const monthValues = months.map((m) =>
        code === 'S92000003' && rowsOf.length > 1
          ? sumOf(boards.map((b) => measure.month(b, m)))
          : measure.month(code, m),
      )
      months.forEach((m, i) => add(code, m, monthValues[i]!))
      quarters.forEach((q, i) => add(code, q, sumOf(monthValues.slice(i * 3, i * 3 + 3))))
      add(code, fy, sumOf(monthValues))
    }
  }
  const at = (measure: string, code: string, period: string) => index.get(`${measure}|${code}|${period}`)!
  const relations: SdcRelation[] = []
  for (const { name } of measures) {
    for (const code of rowsOf) {
      quarters.forEach((q, i) =>
        relations.push({
          total: at(name, code, q),
          parts: months.slice(i * 3, i * 3 + 3).map((m) => at(name, code, m)),
        }),
      )
      relations.push({ total: at(name, code, fy), parts: quarters.map((q) => at(name, code, q)) })
    }
    if (rowsOf.length > 1 && rowsOf.includes('S92000003')) {
      for (const period of [...months, ...quarters, fy])
        relations.push({ total: at(name, 'S92000003', period), parts: boards.map((b) => at(name, b, period)) })
    }
  }
  for (const code of rowsOf) {
    for (const period of [...months, ...quarters, fy]) {
      const [w, p, r] = [at(whole, code, period), at(part, code, period), at('rest', code, period)]
      if (values[w] === null || values[p] === null || values[r] === null) continue
      if (values[w] !== values[p]! + values[r]!) continue
      relations.push({ total: w, parts: [p, r] })
    }
  }
  const table = { values, relations, hidden, lowerBound: (cell: number) => low[cell]! }
  const id = `${service} ${whole}/${part} ${fy}`
  expect(
    exactlyRecoverable(table).filter((c) => toProtect.includes(c)),
    id,
  ).toEqual([])
  const bounds = suppressedBounds(table, toProtect)
  for (const cell of toProtect) {
    const { min, max } = bounds.get(cell)!
    expect(max - min, `${id}: cell ${cell} (${values[cell]}) is pinned to [${min}, ${max}]`).toBeGreaterThanOrEqual(
      1 - 1e-6,
    )
  }
  return toProtect.filter((c) => c >= values.length * (2 / 3)).length
}
