import { sql } from 'drizzle-orm'
import { beforeAll, beforeEach, describe, expect, test } from 'vitest'
import {
  approveReturn,
  findReturnUnit,
  getReturnForm,
  reopenReturn,
  type ReturnUnit,
  saveReturn,
} from '#app/models/returns.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { createTestActor } from '#tests/setup/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()
let lothian: ReturnUnit
let fife: ReturnUnit
let national: Actor
let lothianLead: Actor
let fifeLead: Actor

const MONTH = '2025-06'
// June 2025's return is due by the end of 15 July 2025 (BST).
const BEFORE_DEADLINE = new Date('2025-07-10T09:00:00Z')
const AFTER_DEADLINE = new Date('2025-07-20T09:00:00Z')
const at = (iso: string) => new Date(iso)

beforeAll(async () => {
  lothian = await findReturnUnit({ code: 'S08000024' })
  fife = await findReturnUnit({ code: 'S08000029' })
})
beforeEach(async () => {
  await resetData(t.db)
  national = await createTestActor('national@example.scot', 'national_lead')
  lothianLead = await createTestActor('lothian@example.scot', 'board_lead', lothian.id)
  fifeLead = await createTestActor('fife@example.scot', 'board_lead', fife.id)
})

const save = (
  options: Partial<Parameters<typeof saveReturn>[0]> & { figures: Parameters<typeof saveReturn>[0]['figures'] },
) =>
  saveReturn({
    actor: lothianLead,
    unit: lothian,
    month: MONTH,
    expectedVersion: 0,
    submit: false,
    reason: null,
    now: BEFORE_DEADLINE,
    ...options,
  })

const referrals = (value: number | null) => ({ service: 'ccbt-adults', measure: 'referrals', value })

async function snapshot() {
  return queryRows(t.db, sql`select * from return_values order by id`).then(async (values) => ({
    values,
    returns: await queryRows(t.db, sql`select * from returns order by org_unit_id, month`),
    events: await queryRows(t.db, sql`select * from return_events order by id`),
  }))
}

/** The figures "as at" a moment, by the definition in DESIGN.md, written without the model code. */
async function asAt(moment: Date) {
  return queryRows<{ measure: string; value: number | null }>(
    t.db,
    sql`select m.name as measure, v.value from return_values v join measures m on m.id = v.measure_id
        where v.org_unit_id = ${lothian.id} and v.month = '2025-06-01'
          and v.valid_from <= ${moment} and ${moment} < coalesce(v.valid_to, 'infinity')
        order by m.name`,
  )
}

describe(`saving a return on ${ENGINE}`, () => {
  test('the first save creates the return at version 1; each later save quotes it and bumps it', async () => {
    expect(await save({ figures: [referrals(40)] })).toEqual({ ok: true, version: 1, changed: 1, status: 'draft' })
    expect(await save({ expectedVersion: 1, figures: [referrals(42)] })).toEqual({
      ok: true,
      version: 2,
      changed: 1,
      status: 'draft',
    })
    // Saving the same figures again changes no figure but still moves the version on.
    expect(await save({ expectedVersion: 2, figures: [referrals(42)] })).toMatchObject({ ok: true, changed: 0 })
  })

  test('two saves of the same version at once: one succeeds, the other is a conflict showing the saved figures', async () => {
    await save({ figures: [referrals(40)] })
    const [a, b] = await Promise.all([
      save({ expectedVersion: 1, figures: [referrals(41)] }),
      saveReturn({
        actor: national,
        unit: lothian,
        month: MONTH,
        expectedVersion: 1,
        figures: [referrals(99)],
        submit: false,
        reason: null,
        now: BEFORE_DEADLINE,
      }),
    ])
    const outcomes = [a, b]
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1)
    const conflict = outcomes.find((o) => !o.ok)
    expect(conflict).toMatchObject({ ok: false, kind: 'conflict', version: 2 })
    const winner = a.ok ? 41 : 99
    expect(conflict && !conflict.ok && conflict.kind === 'conflict' ? conflict.current : []).toContainEqual({
      service: 'ccbt-adults',
      measure: 'referrals',
      value: winner,
      comment: null,
    })
    expect(await asAt(new Date('2100-01-01'))).toEqual([{ measure: 'referrals', value: winner }])
  })

  test('every edit keeps the previous version, and the figures as at any past moment are reconstructed exactly', async () => {
    await save({
      figures: [referrals(40), { service: 'ccbt-adults', measure: 'self_referrals', value: 10 }],
      now: at('2025-07-01T10:00:00Z'),
    })
    await save({ expectedVersion: 1, figures: [referrals(45)], now: at('2025-07-02T10:00:00Z') })
    await save({
      expectedVersion: 2,
      figures: [referrals(null), { service: 'ccbt-adults', measure: 'self_referrals', value: null }],
      now: at('2025-07-03T10:00:00Z'),
    })
    await save({
      expectedVersion: 3,
      figures: [referrals(50), { service: 'ccbt-adults', measure: 'self_referrals', value: 12 }],
      now: at('2025-07-04T10:00:00Z'),
    })

    expect(await asAt(at('2025-06-30T23:00:00Z'))).toEqual([])
    expect(await asAt(at('2025-07-01T10:00:00Z'))).toEqual([
      { measure: 'referrals', value: 40 },
      { measure: 'self_referrals', value: 10 },
    ])
    expect(await asAt(at('2025-07-02T09:59:59Z'))).toEqual([
      { measure: 'referrals', value: 40 },
      { measure: 'self_referrals', value: 10 },
    ])
    expect(await asAt(at('2025-07-02T10:00:00Z'))).toEqual([
      { measure: 'referrals', value: 45 },
      { measure: 'self_referrals', value: 10 },
    ])
    expect(await asAt(at('2025-07-03T12:00:00Z'))).toEqual([
      { measure: 'referrals', value: null },
      { measure: 'self_referrals', value: null },
    ])
    expect(await asAt(at('2025-07-05T00:00:00Z'))).toEqual([
      { measure: 'referrals', value: 50 },
      { measure: 'self_referrals', value: 12 },
    ])

    const versions = await queryRows<{ value: number | null; closed: boolean }>(
      t.db,
      sql`select v.value, v.valid_to is not null as closed from return_values v join measures m on m.id = v.measure_id
          where m.name = 'referrals' order by v.valid_from`,
    )
    expect(versions).toEqual([
      { value: 40, closed: true },
      { value: 45, closed: true },
      { value: null, closed: true },
      { value: 50, closed: false },
    ])
  })

  test('a rule broken leaves the database untouched and names the figure', async () => {
    await save({ figures: [referrals(40)] })
    const before = await snapshot()
    const outcome = await save({
      expectedVersion: 1,
      figures: [referrals(5), { service: 'ccbt-adults', measure: 'self_referrals', value: 6 }],
    })
    expect(outcome).toMatchObject({
      ok: false,
      kind: 'invalid',
      problems: [{ service: 'ccbt-adults', measure: 'self_referrals', rule: 'part-of-whole' }],
    })
    expect(await snapshot()).toEqual(before)
  })

  test('a month not yet ended, or before the programme, is refused', async () => {
    const future = await save({ month: '2025-07', figures: [referrals(1)] })
    expect(future).toMatchObject({ ok: false, kind: 'invalid', problems: [{ rule: 'month-range' }] })
    const early = await save({ month: '2021-03', figures: [referrals(1)] })
    expect(early).toMatchObject({ ok: false, kind: 'invalid', problems: [{ rule: 'month-range' }] })
    expect((await snapshot()).returns).toEqual([])
  })

  test('a measure that does not apply is refused', async () => {
    const outcome = await save({ figures: [{ service: 'video-1to1', measure: 'referrals', value: 3 }] })
    expect(outcome).toMatchObject({ ok: false, kind: 'invalid', problems: [{ rule: 'not-applicable' }] })
  })
})

describe(`who may save on ${ENGINE}`, () => {
  test('a board lead cannot save another board’s return, and nothing changes', async () => {
    const before = await snapshot()
    await expect(
      saveReturn({
        actor: fifeLead,
        unit: lothian,
        month: MONTH,
        expectedVersion: 0,
        figures: [referrals(1)],
        submit: false,
        reason: null,
        now: BEFORE_DEADLINE,
      }),
    ).rejects.toMatchObject({ status: 403 })
    expect(await snapshot()).toEqual(before)
  })

  test('an analyst cannot save at all', async () => {
    const analyst: Actor = { id: national.id, email: 'a@example.scot', role: 'analyst', orgUnitId: null }
    await expect(
      saveReturn({
        actor: analyst,
        unit: lothian,
        month: MONTH,
        expectedVersion: 0,
        figures: [referrals(1)],
        submit: false,
        reason: null,
        now: BEFORE_DEADLINE,
      }),
    ).rejects.toMatchObject({ status: 403 })
  })
})

describe(`the workflow on ${ENGINE}`, () => {
  test('submit, approve (locks), reopen with a reason, correct with a reason, approve again', async () => {
    expect(await save({ figures: [referrals(40)], submit: true })).toMatchObject({
      ok: true,
      status: 'submitted',
      version: 1,
    })
    expect(
      await approveReturn({
        actor: national,
        unit: lothian,
        month: MONTH,
        expectedVersion: 1,
        now: at('2025-07-12T09:00:00Z'),
      }),
    ).toEqual({ ok: true, version: 2 })

    // Locked: the board lead can no longer change it.
    await expect(save({ expectedVersion: 2, figures: [referrals(41)] })).rejects.toMatchObject({ status: 403 })

    await expect(
      reopenReturn({ actor: lothianLead, unit: lothian, month: MONTH, expectedVersion: 2, reason: 'x' }),
    ).rejects.toMatchObject({ status: 403 })
    expect(
      await reopenReturn({
        actor: national,
        unit: lothian,
        month: MONTH,
        expectedVersion: 2,
        reason: 'Late referrals found',
        now: at('2025-08-01T09:00:00Z'),
      }),
    ).toEqual({ ok: true, version: 3 })

    // A change after approval needs a reason, which is kept with the new version.
    expect(await save({ expectedVersion: 3, figures: [referrals(44)], now: at('2025-08-02T09:00:00Z') })).toMatchObject(
      { ok: false, kind: 'invalid', problems: [{ rule: 'reason-required' }] },
    )
    expect(
      await save({
        expectedVersion: 3,
        figures: [referrals(44)],
        reason: 'Four late referrals',
        submit: true,
        now: at('2025-08-02T09:00:00Z'),
      }),
    ).toMatchObject({ ok: true, status: 'submitted' })
    expect(
      await approveReturn({
        actor: national,
        unit: lothian,
        month: MONTH,
        expectedVersion: 4,
        now: at('2025-08-03T09:00:00Z'),
      }),
    ).toEqual({ ok: true, version: 5 })

    const [row] = await queryRows<{
      status: string
      first_submitted_at: string
      first_approved_at: string
      approved_at: string
    }>(
      t.db,
      sql`select status::text, first_submitted_at::text, first_approved_at::text, approved_at::text from returns`,
    )
    expect(row!.status).toBe('approved')
    expect(new Date(row!.first_submitted_at)).toEqual(BEFORE_DEADLINE)
    expect(new Date(row!.first_approved_at)).toEqual(at('2025-07-12T09:00:00Z'))
    expect(new Date(row!.approved_at)).toEqual(at('2025-08-03T09:00:00Z'))
    const events = await queryRows<{ action: string; reason: string | null }>(
      t.db,
      sql`select action::text, reason from return_events order by at`,
    )
    expect(events).toEqual([
      { action: 'submitted', reason: null },
      { action: 'approved', reason: null },
      { action: 'reopened', reason: 'Late referrals found' },
      { action: 'submitted', reason: null },
      { action: 'approved', reason: null },
    ])
    const [latest] = await queryRows<{ change_reason: string }>(
      t.db,
      sql`select change_reason from return_values where valid_to is null`,
    )
    expect(latest!.change_reason).toBe('Four late referrals')
    const audit = await queryRows<{ action: string }>(
      t.db,
      sql`select action from audit_events where action like 'return.%' order by id`,
    )
    expect(audit.map((a) => a.action)).toEqual([
      'return.figures_changed',
      'return.submitted',
      'return.approved',
      'return.reopened',
      'return.figures_changed',
      'return.submitted',
      'return.approved',
    ])
  })

  test('a late submission is recorded as late', async () => {
    await save({ figures: [referrals(40)], submit: true, now: AFTER_DEADLINE })
    const [event] = await queryRows<{ details: { late: boolean } }>(
      t.db,
      sql`select details from audit_events where action = 'return.submitted'`,
    )
    expect(event!.details.late).toBe(true)
  })

  test('an unusual value is flagged on the return page and needs a comment before the return can be submitted', async () => {
    // Twelve months of history around 100, then 400.
    const history = [100, 104, 96, 101, 99, 103, 97, 100, 102, 98, 101, 99]
    let month = '2024-06'
    for (const value of history) {
      await saveReturn({
        actor: lothianLead,
        unit: lothian,
        month,
        expectedVersion: null,
        figures: [referrals(value)],
        submit: true,
        reason: null,
        now: BEFORE_DEADLINE,
      })
      month = `${Number(month.slice(0, 4)) + (month.endsWith('12') ? 1 : 0)}-${String((Number(month.slice(5)) % 12) + 1).padStart(2, '0')}`
    }
    expect(month).toBe(MONTH)
    expect(await save({ figures: [referrals(400)] })).toMatchObject({ ok: true })
    // The return page shows it beside last month (May 2025) and the same month last year (June
    // 2024), flagged against the twelve months before.
    const form = await getReturnForm({ actor: lothianLead, unit: lothian, month: MONTH, now: BEFORE_DEADLINE })
    const cells = form.groups.flatMap((g) => g.services).find((s) => s.slug === 'ccbt-adults')!.cells
    expect(cells.find((c) => c.measure === 'referrals')).toMatchObject({ value: 400, lastMonth: 99, lastYear: 100 })
    expect(cells.find((c) => c.measure === 'referrals')!.warning).not.toBeNull()
    expect(cells.find((c) => c.measure === 'started')).toMatchObject({ value: null, lastMonth: null, warning: null })
    const refused = await save({ expectedVersion: 1, figures: [referrals(400)], submit: true })
    expect(refused).toMatchObject({ ok: false, kind: 'invalid', problems: [{ measure: 'referrals', rule: 'unusual' }] })
    expect(!refused.ok && refused.kind === 'invalid' ? refused.problems[0]!.message : '').toMatch(/Add a comment/)
    const withComment = await save({
      expectedVersion: 1,
      figures: [{ ...referrals(400), comment: 'New GP referral pathway opened' }],
      submit: true,
    })
    expect(withComment).toMatchObject({ ok: true, status: 'submitted' })
  })
})
