// The upload's commit and the submission API write many board-months in a few set-based
// statements. What they write must be exactly what the return form's own save (saveReturn)
// writes for each board-month in turn: the same versions, return states, events, audit trail and
// figure totals, all or nothing, and without deadlocking against boards saving at the same time.
import { sql } from 'drizzle-orm'
import { beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { approveReturn, findReturnUnit, reopenReturn, type ReturnUnit, saveReturn } from '#app/models/returns.server.ts'
import { commitUpload, previewUpload, UploadCommitError, writeUploadedFigures } from '#app/models/uploads.server.ts'
import { parseUploadFile } from '#app/returns/upload-parse.server.ts'
import { inTransaction } from '#app/utils/db.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import type { UploadedFigure } from '#db/schema/index.ts'
import { createTestActor, createTestUser } from '#tests/setup/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'

// Connections enough for an upload and 14 boards' saves at once on PostgreSQL.
const t = useTestDatabase({ maxConnections: 16 })
const NOW = new Date('2025-07-10T09:00:00Z')
const LATER = new Date('2025-07-11T09:00:00Z')
let national: Actor
let lothian: ReturnUnit
let orkney: ReturnUnit

beforeAll(async () => {
  lothian = await findReturnUnit({ code: 'S08000024' })
  orkney = await findReturnUnit({ code: 'S08000025' })
})
beforeEach(async () => {
  await resetData(t.db)
  national = await createTestActor('national@example.scot', 'national_lead')
})

const adults = (referrals: number | null, started: number | null, comment: string | null = null) => [
  { service: 'ccbt-adults', measure: 'referrals', value: referrals, comment },
  { service: 'ccbt-adults', measure: 'started', value: started, comment: null },
]

/**
 * Returns in every state an upload meets: Lothian April approved then reopened (a revision needs
 * a reason), Lothian May submitted with a breakdown, Orkney May a draft, Orkney April absent.
 */
async function arrange() {
  const save = (unit: ReturnUnit, month: string, figures: ReturnType<typeof adults>, submit: boolean, extra = {}) =>
    saveReturn({
      actor: national,
      unit,
      month,
      expectedVersion: null,
      figures,
      submit,
      reason: null,
      now: NOW,
      ...extra,
    })
  expect((await save(lothian, '2025-04', adults(40, 30), true)).ok).toBe(true)
  const approved = await approveReturn({
    actor: national,
    unit: lothian,
    month: '2025-04',
    expectedVersion: 1,
    now: NOW,
  })
  expect(approved.ok).toBe(true)
  await reopenReturn({
    actor: national,
    unit: lothian,
    month: '2025-04',
    expectedVersion: 2,
    reason: 'Late data',
    now: NOW,
  })
  const split = [
    { service: 'ccbt-adults', measure: 'referrals', dimension: 'sex', category: 'female', value: 30 },
    { service: 'ccbt-adults', measure: 'referrals', dimension: 'sex', category: 'male', value: 19 },
    { service: 'ccbt-adults', measure: 'referrals', dimension: 'sex', category: 'unknown', value: 1 },
  ]
  expect((await save(lothian, '2025-05', adults(50, 35), true, { breakdowns: split })).ok).toBe(true)
  expect((await save(orkney, '2025-05', adults(8, 6), false)).ok).toBe(true)
}

const figure = (
  row: number,
  code: string,
  month: string,
  measure: string,
  value: number | null,
  extra: Partial<UploadedFigure> = {},
): UploadedFigure => ({ row, code, month, service: 'ccbt-adults', measure, value, comment: null, ...extra })

/** New, changed, unchanged and cleared figures, a comment, and a breakdown replaced, over four board-months. */
const UPLOAD: UploadedFigure[] = [
  figure(2, 'S08000024', '2025-04', 'referrals', 44),
  figure(3, 'S08000024', '2025-04', 'started', 30),
  figure(4, 'S08000024', '2025-05', 'referrals', 52, { comment: 'A campaign in May' }),
  figure(5, 'S08000024', '2025-05', 'started', null),
  figure(6, 'S08000024', '2025-05', 'referrals', 31, { breakdown: { dimension: 'sex', category: 'female' } }),
  figure(7, 'S08000024', '2025-05', 'referrals', 20, { breakdown: { dimension: 'sex', category: 'male' } }),
  figure(8, 'S08000024', '2025-05', 'referrals', 1, { breakdown: { dimension: 'sex', category: 'unknown' } }),
  figure(9, 'S08000025', '2025-04', 'referrals', 9),
  figure(10, 'S08000025', '2025-04', 'completed', 2),
  figure(11, 'S08000025', '2025-05', 'referrals', 8),
  figure(12, 'S08000025', '2025-05', 'started', 6),
]

/** Everything a save writes, without the ids the database numbers. */
async function written() {
  return {
    values: await queryRows(
      t.db,
      sql`select org_unit_id, service_id, month::text, measure_id, value, comment, valid_from, valid_to, changed_by, change_reason
        from return_values order by org_unit_id, month, service_id, measure_id, valid_from`,
    ),
    breakdowns: await queryRows(
      t.db,
      sql`select org_unit_id, service_id, month::text, measure_id, dimension_id, category_id, value, valid_from, valid_to, changed_by, change_reason
        from breakdown_values order by org_unit_id, month, service_id, measure_id, category_id, valid_from`,
    ),
    returns: await queryRows(t.db, sql`select * from returns order by org_unit_id, month`),
    events: await queryRows(
      t.db,
      sql`select org_unit_id, month::text, action, at, user_id, reason from return_events order by id`,
    ),
    audit: await queryRows(
      t.db,
      sql`select action, outcome, user_id, user_email, org_unit_id, subject, details from audit_events order by id`,
    ),
    totals: await queryRows(
      t.db,
      sql`select 'service' as kind, month::text, service_id as id, null as family, measure_id, total::float8, reported from figure_totals_by_service
        union all
        select 'unit', month::text, org_unit_id, family::text, measure_id, total::float8, reported from figure_totals_by_unit
        order by 1, 2, 3, 4, 5`,
    ),
  }
}

/** The totals the triggers kept, beside the same totals counted again from the figures. */
async function totalsAndRecount() {
  const kept = await queryRows(
    t.db,
    sql`select month::text, service_id, measure_id, total::float8 as total, reported::int as reported
      from figure_totals_by_service where total <> 0 or reported <> 0 order by 1, 2, 3`,
  )
  const recounted = await queryRows(
    t.db,
    sql`select v.month::text, v.service_id, v.measure_id, coalesce(sum(v.value), 0)::float8 as total, count(v.value)::int as reported
      from return_values v join returns r on r.org_unit_id = v.org_unit_id and r.month = v.month
      where v.valid_to is null and r.first_submitted_at is not null
      group by 1, 2, 3 having coalesce(sum(v.value), 0) <> 0 or count(v.value) <> 0 order by 1, 2, 3`,
  )
  const keptByUnit = await queryRows(
    t.db,
    sql`select month::text, org_unit_id, family::text, measure_id, total::float8 as total, reported::int as reported
      from figure_totals_by_unit where total <> 0 or reported <> 0 order by 1, 2, 3, 4`,
  )
  const recountedByUnit = await queryRows(
    t.db,
    sql`select v.month::text, v.org_unit_id, s.family::text, v.measure_id, coalesce(sum(v.value), 0)::float8 as total, count(v.value)::int as reported
      from return_values v join returns r on r.org_unit_id = v.org_unit_id and r.month = v.month
      join services s on s.id = v.service_id
      where v.valid_to is null and r.first_submitted_at is not null
      group by 1, 2, 3, 4 having coalesce(sum(v.value), 0) <> 0 or count(v.value) <> 0 order by 1, 2, 3, 4`,
  )
  return { kept: { service: kept, unit: keptByUnit }, recounted: { service: recounted, unit: recountedByUnit } }
}

/** The same figures saved board-month by board-month through the return form's save, in month order. */
async function saveOneByOne(figures: UploadedFigure[], submit: boolean, reason: string | null) {
  const keys = [...new Set(figures.map((f) => `${f.month}|${f.code}`))].sort()
  let changed = 0
  const returns: Array<{ code: string; month: string; status: string; changed: number }> = []
  await inTransaction(async (tx) => {
    for (const key of keys) {
      const [month, code] = key.split('|') as [string, string]
      const group = figures.filter((f) => f.month === month && f.code === code)
      const outcome = await saveReturn({
        actor: national,
        unit: code === lothian.code ? lothian : orkney,
        month,
        expectedVersion: null,
        figures: group
          .filter((f) => !f.breakdown)
          .map((f) => ({ service: f.service, measure: f.measure, value: f.value, comment: f.comment })),
        breakdowns: group
          .filter((f) => f.breakdown)
          .map((f) => ({ service: f.service, measure: f.measure, ...f.breakdown!, value: f.value })),
        submit,
        reason,
        source: 'upload',
        now: LATER,
        executor: tx,
      })
      if (!outcome.ok) throw new Error(`${key} was refused: ${JSON.stringify(outcome)}`)
      changed += outcome.changed
      returns.push({ code, month, status: outcome.status, changed: outcome.changed })
    }
  })
  return { changed, returns }
}

describe(`a set-based upload on ${ENGINE}`, () => {
  for (const submit of [false, true])
    test(`writes what the form's save writes for each board-month (${submit ? 'submitting, as the API may' : 'as an upload'})`, async () => {
      await arrange()
      const reference = await saveOneByOne(UPLOAD, submit, 'Corrected by the board')
      const expected = await written()

      await resetData(t.db)
      national.id = await createTestUser('national@example.scot', 'national_lead')
      await arrange()
      const result = await inTransaction((tx) =>
        writeUploadedFigures({
          actor: national,
          figures: UPLOAD,
          reason: 'Corrected by the board',
          submit,
          source: 'upload',
          now: LATER,
          tx,
        }),
      )
      expect(result.problems).toEqual([])
      expect(result.changedFigures).toBe(reference.changed)
      expect(result.returns).toEqual(reference.returns)
      const actual = await written()
      expect(actual.values).toEqual(expected.values)
      expect(actual.breakdowns).toEqual(expected.breakdowns)
      expect(actual.returns).toEqual(expected.returns)
      expect(actual.events).toEqual(expected.events)
      expect(actual.audit).toEqual(expected.audit)
      expect(actual.totals).toEqual(expected.totals)
    })

  test('replacing figures keeps each previous version, closed at the moment of the upload', async () => {
    await arrange()
    await inTransaction((tx) =>
      writeUploadedFigures({
        actor: national,
        figures: UPLOAD,
        reason: 'Corrected by the board',
        submit: false,
        source: 'upload',
        now: LATER,
        tx,
      }),
    )
    const versions = await queryRows<{ value: number | null; valid_to: string | null; change_reason: string | null }>(
      t.db,
      sql`select v.value, to_char(v.valid_to at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as valid_to, v.change_reason from return_values v join measures m on m.id = v.measure_id
        where v.org_unit_id = ${lothian.id} and v.month = '2025-04-01' and m.name = 'referrals' order by v.valid_from`,
    )
    // April was approved before: the new version carries the reason; the old one is closed, not changed.
    expect(versions).toEqual([
      { value: 40, valid_to: '2025-07-11T09:00:00Z', change_reason: null },
      { value: 44, valid_to: null, change_reason: 'Corrected by the board' },
    ])
    // Started in April was uploaded unchanged (30): still its one first version.
    const [started] = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from return_values v join measures m on m.id = v.measure_id
        where v.org_unit_id = ${lothian.id} and v.month = '2025-04-01' and m.name = 'started'`,
    )
    expect(started!.n).toBe(1)
    // Lothian May: referrals 50 -> 52 and started 35 -> cleared: 4 versions, 2 current.
    const may = await queryRows<{ measure: string; value: number | null; current: boolean }>(
      t.db,
      sql`select m.name as measure, v.value, v.valid_to is null as current from return_values v join measures m on m.id = v.measure_id
        where v.org_unit_id = ${lothian.id} and v.month = '2025-05-01' order by m.name, v.valid_from`,
    )
    expect(may).toEqual([
      { measure: 'referrals', value: 50, current: false },
      { measure: 'referrals', value: 52, current: true },
      { measure: 'started', value: 35, current: false },
      { measure: 'started', value: null, current: true },
    ])
  })

  test('the totals equal a recount, and the audit has one row for each board-month changed', async () => {
    await arrange()
    const auditBefore = await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from audit_events`)
    await inTransaction((tx) =>
      writeUploadedFigures({
        actor: national,
        figures: UPLOAD,
        reason: 'Corrected by the board',
        submit: true,
        source: 'api',
        now: LATER,
        tx,
      }),
    )
    const { kept, recounted } = await totalsAndRecount()
    expect(kept).toEqual(recounted)
    // Worked by hand: Lothian April referrals 44 and Orkney April referrals 9 both count now.
    const april = await queryRows<{ total: number }>(
      t.db,
      sql`select t.total::float8 as total from figure_totals_by_service t join measures m on m.id = t.measure_id
        join services s on s.id = t.service_id
        where t.month = '2025-04-01' and m.name = 'referrals' and s.slug = 'ccbt-adults'`,
    )
    expect(april).toEqual([{ total: 53 }])
    const audit = await queryRows<{ action: string; subject: string; details: Record<string, unknown> }>(
      t.db,
      sql`select action, subject, details from audit_events where id > ${auditBefore[0]!.n} order by id`,
    )
    expect(audit.map((a) => `${a.action} ${a.subject}`)).toEqual([
      'return.figures_changed Lothian, 2025-04',
      'return.submitted Lothian, 2025-04',
      'return.figures_changed Orkney, 2025-04',
      'return.submitted Orkney, 2025-04',
      'return.figures_changed Lothian, 2025-05',
      'return.submitted Orkney, 2025-05',
    ])
    expect(audit[0]!.details).toMatchObject({
      changed: 1,
      revision: true,
      reason: 'Corrected by the board',
      source: 'api',
    })
    expect(audit[4]!.details).toMatchObject({ changed: 2, breakdownsChanged: 2, revision: false })
  })

  test('a rule broken under lock at commit leaves nothing written, in any board-month', async () => {
    await arrange()
    const lines = [
      'month,board_code,service,measure,value,comment',
      '2025-04,S08000025,ccbt-adults,referrals,9,',
      '2025-05,S08000025,ccbt-adults,self_referrals,7,',
      '2025-06,S08000024,ccbt-adults,referrals,12,',
    ]
    const bytes = new TextEncoder().encode(lines.join('\r\n'))
    const { rows } = await parseUploadFile(bytes)
    const preview = await previewUpload({ actor: national, fileName: 'figures.csv', bytes, rows, now: NOW })
    expect(preview.problems).toEqual([])
    // Between the preview and the commit, Orkney's May referrals fall below the self-referrals uploaded.
    expect(
      (
        await saveReturn({
          actor: national,
          unit: orkney,
          month: '2025-05',
          expectedVersion: null,
          figures: [{ service: 'ccbt-adults', measure: 'referrals', value: 5 }],
          submit: false,
          reason: null,
          now: NOW,
        })
      ).ok,
    ).toBe(true)
    const before = await written()
    const commit = commitUpload({ actor: national, uploadId: preview.uploadId!, reason: null, now: NOW })
    await expect(commit).rejects.toBeInstanceOf(UploadCommitError)
    const error = await commit.catch((e: UploadCommitError) => e)
    expect((error as UploadCommitError).problems).toEqual([
      {
        row: 3,
        column: 'value',
        message: expect.stringMatching(/^Orkney, 2025-05: Self-referrals \(7\) cannot be more than referrals \(5\)/),
      },
    ])
    expect(await written()).toEqual(before)
  })
})

describe(`an upload beside boards saving on ${ENGINE}`, () => {
  test('an upload over many months, committed while every board saves, neither deadlocks nor miscounts', async () => {
    const boards = await queryRows<{ code: string }>(
      t.db,
      sql`select code from org_units where kind = 'board' order by code`,
    )
    const units = await Promise.all(boards.map(({ code }) => findReturnUnit({ code })))
    const months = [
      '2024-07',
      '2024-08',
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
      '2025-03',
      '2025-04',
      '2025-05',
      '2025-06',
    ]
    // Every return exists and is submitted, so every write moves the totals of its month.
    for (const unit of units)
      for (const month of months)
        expect(
          (
            await saveReturn({
              actor: national,
              unit,
              month,
              expectedVersion: null,
              figures: adults(20, 10),
              submit: true,
              reason: null,
              now: NOW,
            })
          ).ok,
        ).toBe(true)
    for (let round = 0; round < 3; round++) {
      // The upload: every board, every month, referrals and started.
      const upload = units.flatMap((unit, b) =>
        months.flatMap((month, m) => [
          figure(2 + (b * 12 + m) * 2, unit.code, month, 'referrals', 30 + round + b),
          figure(3 + (b * 12 + m) * 2, unit.code, month, 'started', 15 + round),
        ]),
      )
      // Each board saves a month of its own, in the other direction through the year.
      const saves = units.map((unit, b) =>
        saveReturn({
          actor: national,
          unit,
          month: months[(months.length - 1 - ((b + round) % months.length)) % months.length]!,
          expectedVersion: null,
          figures: [{ service: 'ccbt-adults', measure: 'completed', value: round + b }],
          submit: false,
          reason: null,
          now: NOW,
        }),
      )
      const uploaded = inTransaction((tx) =>
        writeUploadedFigures({
          actor: national,
          figures: upload,
          reason: null,
          submit: false,
          source: 'upload',
          now: NOW,
          tx,
        }),
      )
      const [written, ...saved] = await Promise.all([uploaded, ...saves])
      expect(written.problems).toEqual([])
      expect(saved.filter((s) => !s.ok)).toEqual([])
    }
    const current = await queryRows<{ measure: string; values: number[] }>(
      t.db,
      sql`select m.name as measure, array_agg(distinct v.value order by v.value) as values
        from return_values v join measures m on m.id = v.measure_id
        where v.valid_to is null group by m.name order by m.name`,
    )
    expect(current).toEqual([
      { measure: 'completed', values: [...new Set(units.flatMap((_, b) => [b, 1 + b, 2 + b]))].sort((a, b) => a - b) },
      { measure: 'referrals', values: units.map((_, b) => 32 + b) },
      { measure: 'started', values: [17] },
    ])
    const { kept, recounted } = await totalsAndRecount()
    expect(kept).toEqual(recounted)
  }, 300_000)
})
