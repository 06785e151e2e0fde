import { sql } from 'drizzle-orm'
import { beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { listCurrentBreakdowns } from '#app/models/breakdowns.server.ts'
import { findReturnUnit, type ReturnUnit, saveReturn } from '#app/models/returns.server.ts'
import type { BreakdownFigure } from '#app/returns/breakdowns.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { createTestActor } from '#tests/setup/client.ts'
import { resetData, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()
let lothian: ReturnUnit
let lead: Actor
const MONTH = '2025-06'
const NOW = new Date('2025-07-10T09:00:00Z')

const simd = (values: Array<number | null>, measure = 'referrals'): BreakdownFigure[] =>
  ['1', '2', '3', '4', '5', 'unknown'].map((category, i) => ({
    service: 'ccbt-adults',
    measure,
    dimension: 'simd',
    category,
    value: values[i] ?? null,
  }))

beforeAll(async () => {
  lothian = await findReturnUnit({ code: 'S08000024' })
})
beforeEach(async () => {
  await resetData(t.db)
  lead = await createTestActor('lothian@example.scot', 'board_lead', lothian.id)
})

const save = (options: {
  figures?: Parameters<typeof saveReturn>[0]['figures']
  breakdowns?: BreakdownFigure[]
  version?: number | null
}) =>
  saveReturn({
    actor: lead,
    unit: lothian,
    month: MONTH,
    expectedVersion: options.version ?? null,
    figures: options.figures ?? [],
    breakdowns: options.breakdowns,
    submit: false,
    reason: null,
    now: NOW,
  })

const counts = async () =>
  (
    await queryRows<{ values: number; breakdowns: number }>(
      t.db,
      sql`select (select count(*)::int from return_values) as values, (select count(*)::int from breakdown_values) as breakdowns`,
    )
  )[0]!

describe('breakdowns saved with a return', () => {
  test('a breakdown that adds up to the total is kept, as current versions', async () => {
    const outcome = await save({
      figures: [{ service: 'ccbt-adults', measure: 'referrals', value: 100 }],
      breakdowns: simd([30, 25, 20, 15, 8, 2]),
    })
    expect(outcome).toMatchObject({ ok: true, changed: 7 })
    const held = await listCurrentBreakdowns(t.db, lothian.id, MONTH)
    expect(held.map((b) => [b.category, b.value])).toEqual([
      ['1', 30],
      ['2', 25],
      ['3', 20],
      ['4', 15],
      ['5', 8],
      ['unknown', 2],
    ])
  })

  test('a breakdown that does not add up is refused whole, naming the total and the sum, and nothing changes', async () => {
    const outcome = await save({
      figures: [{ service: 'ccbt-adults', measure: 'referrals', value: 100 }],
      breakdowns: simd([30, 25, 20, 15, 8, 1]),
    })
    expect(outcome.ok).toBe(false)
    if (outcome.ok || outcome.kind !== 'invalid') throw new Error('expected invalid')
    expect(outcome.problems).toEqual([
      expect.objectContaining({
        rule: 'breakdown-sum',
        service: 'ccbt-adults',
        measure: 'referrals',
        dimension: 'simd',
        message:
          'Referrals for cCBT Adults by SIMD quintile: the categories add up to 99 but the total is 100: they must be equal',
      }),
    ])
    expect(await counts()).toEqual({ values: 0, breakdowns: 0 })
  })

  test('a breakdown with some categories missing is refused, naming them', async () => {
    const outcome = await save({
      figures: [{ service: 'ccbt-adults', measure: 'referrals', value: 100 }],
      breakdowns: simd([30, 25, 20, 25]),
    })
    if (outcome.ok || outcome.kind !== 'invalid') throw new Error('expected invalid')
    expect(outcome.problems[0]).toMatchObject({ rule: 'breakdown-incomplete', category: '5' })
    expect(outcome.problems[0]!.message).toContain('missing Quintile 5 (least deprived), Not known')
  })

  test('changing a total without its breakdown is refused while the old breakdown no longer adds up', async () => {
    await save({
      figures: [{ service: 'ccbt-adults', measure: 'referrals', value: 100 }],
      breakdowns: simd([30, 25, 20, 15, 8, 2]),
    })
    const outcome = await save({ figures: [{ service: 'ccbt-adults', measure: 'referrals', value: 101 }] })
    if (outcome.ok || outcome.kind !== 'invalid') throw new Error('expected invalid')
    expect(outcome.problems[0]!.message).toContain('add up to 100 but the total is 101')
    // With the breakdown changed too it goes through, and the old versions are kept closed.
    const fixed = await save({
      figures: [{ service: 'ccbt-adults', measure: 'referrals', value: 101 }],
      breakdowns: simd([31, 25, 20, 15, 8, 2]),
    })
    expect(fixed).toMatchObject({ ok: true, changed: 2 })
    const versions = await queryRows<{ value: number; current: boolean }>(
      t.db,
      sql`select v.value, v.valid_to is null as current from breakdown_values v
          join breakdown_categories c on c.id = v.category_id where c.name = '1' order by v.id`,
    )
    expect(versions).toEqual([
      { value: 30, current: false },
      { value: 31, current: true },
    ])
  })

  test('a breakdown can be cleared whole, and totals may stand without one', async () => {
    await save({
      figures: [{ service: 'ccbt-adults', measure: 'referrals', value: 100 }],
      breakdowns: simd([30, 25, 20, 15, 8, 2]),
    })
    const outcome = await save({ breakdowns: simd([]) })
    expect(outcome).toMatchObject({ ok: true, changed: 6 })
    expect(await listCurrentBreakdowns(t.db, lothian.id, MONTH)).toEqual([])
    expect(await counts()).toEqual({ values: 1, breakdowns: 6 })
  })

  test('a dimension that does not split the measure, or a category of another dimension, is refused', async () => {
    const outcome = await save({
      figures: [{ service: 'video-1to1', measure: 'sessions', value: 10 }],
      breakdowns: [
        { service: 'video-1to1', measure: 'sessions', dimension: 'sex', category: 'female', value: 10 },
        { service: 'ccbt-adults', measure: 'referrals', dimension: 'sex', category: '18-24', value: 10 },
      ],
    })
    if (outcome.ok || outcome.kind !== 'invalid') throw new Error('expected invalid')
    expect(outcome.problems.map((p) => p.message)).toEqual([
      'Sessions for Video-enabled 1:1 therapy is not broken down by sex',
      '18-24 is not a category of sex: use female, male, unknown',
    ])
  })
})

describe('the database itself', () => {
  test('refuses a category of another dimension, a dimension that does not apply, and any change or delete', async () => {
    await save({ figures: [{ service: 'ccbt-adults', measure: 'referrals', value: 10 }] })
    const ids = async (dimension: string, category: string) =>
      (
        await queryRows<{ dimension_id: number; category_id: number }>(
          t.db,
          sql`select d.id as dimension_id, c.id as category_id from breakdown_dimensions d, breakdown_categories c
              where d.name = ${dimension} and c.name = ${category}`,
        )
      )[0]!
    const insert = async (dimensionId: number, categoryId: number, service = 'ccbt-adults', measure = 'referrals') =>
      t.db
        .execute(sql`insert into breakdown_values (org_unit_id, service_id, month, measure_id, dimension_id, category_id, value)
        select ${lothian.id}, s.id, ${`${MONTH}-01`}::date, m.id, ${dimensionId}, ${categoryId}, 1
        from services s, measures m where s.slug = ${service} and m.name = ${measure}`)
    const failure = (write: Promise<unknown>) =>
      write.then(
        () => 'accepted',
        (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
      )
    const sex = await ids('sex', 'female')
    const age = await ids('age', '18-24')
    // "sex" with the category 18-24: refused by the (dimension, category) key.
    expect(await failure(insert(sex.dimension_id, age.category_id))).toMatch(/breakdown_values_category_fk/)
    // Sex does not split video sessions: refused by the (service, measure, dimension) key.
    expect(await failure(insert(sex.dimension_id, sex.category_id, 'video-1to1', 'sessions'))).toMatch(
      /breakdown_values_breakdown_measure_fk/,
    )
    await insert(sex.dimension_id, sex.category_id)
    expect(await failure(t.db.execute(sql`update breakdown_values set value = 2`))).toMatch(/append-only/)
    expect(await failure(t.db.execute(sql`delete from breakdown_values`))).toMatch(/append-only/)
  })
})
