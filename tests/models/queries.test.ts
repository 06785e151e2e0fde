import { sql } from 'drizzle-orm'
import { beforeAll, beforeEach, describe, expect, test } from 'vitest'
import {
  answerQuery,
  closeQuery,
  countQueriesAwaiting,
  listQueries,
  listReturnQueries,
  raiseQuery,
  reopenQuery,
  UNRESOLVED_STATUSES,
} from '#app/models/queries.server.ts'
import { approveReturn, findReturnUnit, type ReturnUnit, saveReturn } from '#app/models/returns.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { createTestActor } from '#tests/setup/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()
let lothian: ReturnUnit
let fife: ReturnUnit
let scotland: ReturnUnit
let national: Actor
let lothianLead: Actor
let fifeLead: Actor
let analyst: Actor

const MONTH = '2025-06'
const NOW = new Date('2025-07-10T09:00:00Z')
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000)
const REFERRALS = { service: 'ccbt-adults', measure: 'referrals' }

beforeAll(async () => {
  lothian = await findReturnUnit({ code: 'S08000024' })
  fife = await findReturnUnit({ code: 'S08000029' })
  scotland = await findReturnUnit({ code: 'S92000003' })
})
beforeEach(async () => {
  await resetData(t.db)
  national = await createTestActor('national@example.scot', 'national_lead')
  lothianLead = await createTestActor('lothian@example.scot', 'board_lead', lothian.id)
  fifeLead = await createTestActor('fife@example.scot', 'board_lead', fife.id)
  analyst = await createTestActor('analyst@example.scot', 'analyst')
  for (const [lead, unit] of [
    [lothianLead, lothian],
    [fifeLead, fife],
  ] as const) {
    const saved = await saveReturn({
      actor: lead,
      unit,
      month: MONTH,
      expectedVersion: 0,
      figures: [
        { ...REFERRALS, value: 40 },
        { service: 'ccbt-adults', measure: 'self_referrals', value: 10 },
      ],
      submit: true,
      reason: null,
      now: NOW,
    })
    expect(saved).toMatchObject({ ok: true, status: 'submitted' })
  }
})

const raiseOnReferrals = (unit = lothian, body = 'Referrals fell by half: is a week missing?') =>
  raiseQuery({ actor: national, unit, month: MONTH, figure: REFERRALS, body, now: later(1) })

async function raised(unit = lothian) {
  const outcome = await raiseOnReferrals(unit)
  if (!outcome.ok) throw new Error(`not raised: ${JSON.stringify(outcome)}`)
  return outcome.id
}

/** The query's row and messages, read with SQL written apart from the model. */
async function stored(id: number) {
  const [query] = await queryRows<{ status: string; closed: boolean; org_unit_id: number }>(
    t.db,
    sql`select status::text, closed_at is not null as closed, org_unit_id from data_queries where id = ${id}`,
  )
  const messages = await queryRows<{ kind: string; body: string; correction_id: number | null }>(
    t.db,
    sql`select kind::text, body, correction_id from query_messages where query_id = ${id} order by id`,
  )
  return {
    ...query!,
    org_unit_id: Number(query!.org_unit_id),
    messages: messages.map((m) => ({ ...m, correction_id: m.correction_id === null ? null : Number(m.correction_id) })),
  }
}

const auditActions = async () =>
  (await queryRows<{ action: string }>(t.db, sql`select action from audit_events order by id`)).map((r) => r.action)

/** Every row a refused change must leave alone. */
const fingerprint = async () =>
  queryRows(
    t.db,
    sql`select (select count(*)::int from data_queries) as queries, (select count(*)::int from query_messages) as messages,
               (select string_agg(status::text, ',' order by id) from data_queries) as statuses,
               (select count(*)::int from return_values) as versions, (select count(*)::int from audit_events) as audit`,
  )

describe(`data queries on ${ENGINE}`, () => {
  test('the national lead raises a query on a figure: open, with its question, in the audit trail', async () => {
    const id = await raised()
    expect(await stored(id)).toEqual({
      status: 'open',
      closed: false,
      org_unit_id: lothian.id,
      messages: [{ kind: 'question', body: 'Referrals fell by half: is a week missing?', correction_id: null }],
    })
    expect(await auditActions()).toContain('query.raised')
    const [query] = await listReturnQueries({ actor: lothianLead, orgUnitId: lothian.id, month: MONTH })
    expect(query).toMatchObject({
      id,
      status: 'open',
      month: MONTH,
      figure: { service: 'ccbt-adults', measure: 'referrals', serviceName: 'cCBT Adults', label: 'Referrals' },
    })
  })

  test('a query on the whole return has no figure', async () => {
    const outcome = await raiseQuery({
      actor: national,
      unit: lothian,
      month: MONTH,
      figure: null,
      body: 'Late again?',
    })
    expect(outcome.ok).toBe(true)
    const [query] = await listReturnQueries({ actor: national, orgUnitId: lothian.id, month: MONTH })
    expect(query!.figure).toBeNull()
  })

  test('only the national lead raises; not on a month with no return, a measure that does not apply, or the national return', async () => {
    const before = await fingerprint()
    for (const actor of [lothianLead, analyst])
      await expect(raiseQuery({ actor, unit: lothian, month: MONTH, figure: null, body: 'x' })).rejects.toMatchObject({
        status: 403,
      })
    expect(await raiseQuery({ actor: national, unit: lothian, month: '2025-05', figure: null, body: 'x' })).toEqual({
      ok: false,
      kind: 'refused',
      field: 'return',
      problem: 'no-return',
    })
    expect(
      await raiseQuery({
        actor: national,
        unit: lothian,
        month: MONTH,
        figure: { service: 'video-1to1', measure: 'referrals' },
        body: 'x',
      }),
    ).toMatchObject({ ok: false, field: 'figure', problem: 'not-applicable' })
    expect(await raiseQuery({ actor: national, unit: scotland, month: MONTH, figure: null, body: 'x' })).toMatchObject({
      ok: false,
      problem: 'not-a-board',
    })
    expect(await fingerprint()).toEqual(before)
  })

  test('the board lead answers and corrects: a new version through the return’s save, linked from the answer', async () => {
    const id = await raised()
    const outcome = await answerQuery({
      actor: lothianLead,
      queryId: id,
      body: 'Yes: the last week was missing. Corrected to 46.',
      correction: { value: 46, expectedVersion: 1 },
      now: later(2),
    })
    expect(outcome).toEqual({ ok: true, id })
    const versions = await queryRows<{ id: number; value: number; current: boolean }>(
      t.db,
      sql`select v.id, v.value, v.valid_to is null as current from return_values v
          join services s on s.id = v.service_id join measures m on m.id = v.measure_id
          where v.org_unit_id = ${lothian.id} and s.slug = 'ccbt-adults' and m.name = 'referrals' order by v.id`,
    )
    expect(versions.map((v) => [v.value, v.current])).toEqual([
      [40, false],
      [46, true],
    ])
    const query = await stored(id)
    expect(query.status).toBe('answered')
    expect(query.messages[1]).toEqual({
      kind: 'answer',
      body: 'Yes: the last week was missing. Corrected to 46.',
      correction_id: Number(versions[1]!.id),
    })
    // The return’s version moved on and the figure change is audited like any other.
    const [ret] = await queryRows<{ version: number; status: string }>(
      t.db,
      sql`select version, status::text from returns where org_unit_id = ${lothian.id} and month = '2025-06-01'`,
    )
    expect(ret).toEqual({ version: 2, status: 'submitted' })
    expect(await auditActions()).toEqual(expect.arrayContaining(['return.figures_changed', 'query.answered']))
    const [listed] = await listReturnQueries({ actor: national, orgUnitId: lothian.id, month: MONTH })
    expect(listed!.messages[1]).toMatchObject({ kind: 'answer', correctedValue: 46, authorRole: 'board_lead' })
  })

  test('a correction that breaks a rule, or quotes an old version, writes nothing at all', async () => {
    const id = await raised()
    const before = await fingerprint()
    const broken = await answerQuery({
      actor: lothianLead,
      queryId: id,
      body: 'Corrected',
      correction: { value: 5, expectedVersion: 1 }, // fewer referrals than the 10 self-referrals
      now: later(2),
    })
    expect(broken).toMatchObject({
      ok: false,
      kind: 'correction',
      outcome: { kind: 'invalid', problems: [{ rule: 'part-of-whole' }] },
    })
    const stale = await answerQuery({
      actor: lothianLead,
      queryId: id,
      body: 'Corrected',
      correction: { value: 50, expectedVersion: 0 },
      now: later(2),
    })
    expect(stale).toMatchObject({ ok: false, kind: 'correction', outcome: { kind: 'conflict' } })
    expect(await fingerprint()).toEqual(before)
  })

  test('another board’s lead can neither answer nor see the query, whatever they ask for', async () => {
    const id = await raised()
    const before = await fingerprint()
    await expect(answerQuery({ actor: fifeLead, queryId: id, body: 'Not mine' })).rejects.toMatchObject({
      status: 404,
    })
    await expect(
      answerQuery({ actor: fifeLead, queryId: id, body: 'x', correction: { value: 1, expectedVersion: 1 } }),
    ).rejects.toMatchObject({ status: 404 })
    await expect(answerQuery({ actor: national, queryId: id, body: 'x' })).rejects.toMatchObject({ status: 403 })
    expect(await fingerprint()).toEqual(before)

    expect((await listQueries({ actor: fifeLead, filters: { orgUnitId: lothian.id } })).queries).toEqual([])
    expect((await listQueries({ actor: fifeLead })).queries).toEqual([])
    await expect(listReturnQueries({ actor: fifeLead, orgUnitId: lothian.id, month: MONTH })).rejects.toMatchObject({
      status: 403,
    })
    // Asking for every board's month (the national report's call) gives a board lead their own.
    const fifeId = await raised(fife)
    expect((await listReturnQueries({ actor: fifeLead, month: MONTH })).map((q) => q.id)).toEqual([fifeId])
    expect((await listReturnQueries({ actor: national, month: MONTH })).map((q) => q.id).sort()).toEqual(
      [id, fifeId].sort(),
    )
    await expect(listQueries({ actor: analyst })).rejects.toMatchObject({ status: 403 })
    expect((await listQueries({ actor: national })).queries.map((q) => q.id).sort()).toEqual([id, fifeId].sort())
  })

  test('closed by the national lead, a query takes no answer until reopened', async () => {
    const id = await raised()
    await answerQuery({ actor: lothianLead, queryId: id, body: 'The figure is right', now: later(2) })
    await expect(closeQuery({ actor: lothianLead, queryId: id, body: 'x' })).rejects.toMatchObject({ status: 403 })
    expect(await closeQuery({ actor: national, queryId: id, body: 'Thanks: agreed', now: later(3) })).toEqual({
      ok: true,
      id,
    })
    expect(await stored(id)).toMatchObject({ status: 'closed', closed: true })
    expect(await closeQuery({ actor: national, queryId: id, body: 'again' })).toMatchObject({
      ok: false,
      problem: 'already-closed',
    })
    expect(await answerQuery({ actor: lothianLead, queryId: id, body: 'More' })).toMatchObject({
      ok: false,
      problem: 'closed',
    })
    expect(
      await reopenQuery({ actor: national, queryId: id, body: 'New figures from the supplier', now: later(4) }),
    ).toEqual({ ok: true, id })
    const query = await stored(id)
    expect(query).toMatchObject({ status: 'open', closed: false })
    expect(query.messages.map((m) => m.kind)).toEqual(['question', 'answer', 'closing', 'reopening'])
    expect(await auditActions()).toEqual(
      expect.arrayContaining(['query.raised', 'query.answered', 'query.closed', 'query.reopened']),
    )
  })

  test('the messages cannot be changed or removed: the conversation is append-only', async () => {
    const id = await raised()
    await expect(t.db.execute(sql`update query_messages set body = 'changed' where query_id = ${id}`)).rejects.toThrow()
    await expect(t.db.execute(sql`delete from query_messages where query_id = ${id}`)).rejects.toThrow()
  })

  test('approving with queries not closed needs confirming; closed queries need nothing', async () => {
    const id = await raised()
    await answerQuery({ actor: lothianLead, queryId: id, body: 'Right as it is', now: later(2) })
    // Answered is not closed: the national lead has not yet read and closed it.
    expect(await approveReturn({ actor: national, unit: lothian, month: MONTH, expectedVersion: 1 })).toEqual({
      ok: false,
      version: 1,
      unresolvedQueries: 1,
    })
    expect(
      await approveReturn({
        actor: national,
        unit: lothian,
        month: MONTH,
        expectedVersion: 1,
        confirmUnresolvedQueries: true,
      }),
    ).toEqual({ ok: true, version: 2 })
    const [event] = await queryRows<{ details: { unresolvedQueries?: number } }>(
      t.db,
      sql`select details from audit_events where action = 'return.approved'`,
    )
    expect(event!.details.unresolvedQueries).toBe(1)

    await raised(fife)
    const [fifeQuery] = await listReturnQueries({ actor: national, orgUnitId: fife.id, month: MONTH })
    await closeQuery({ actor: national, queryId: fifeQuery!.id, body: 'Raised in error' })
    expect(await approveReturn({ actor: national, unit: fife, month: MONTH, expectedVersion: 1 })).toEqual({
      ok: true,
      version: 2,
    })
  })

  test('once the month is approved, the board lead may answer but not correct the figure', async () => {
    const id = await raised()
    await approveReturn({
      actor: national,
      unit: lothian,
      month: MONTH,
      expectedVersion: 1,
      confirmUnresolvedQueries: true,
    })
    const before = await fingerprint()
    await expect(
      answerQuery({ actor: lothianLead, queryId: id, body: 'x', correction: { value: 41, expectedVersion: 2 } }),
    ).rejects.toMatchObject({ status: 403 })
    expect(await fingerprint()).toEqual(before)
    expect(await answerQuery({ actor: lothianLead, queryId: id, body: 'Right as it is' })).toEqual({ ok: true, id })
  })

  test('what waits for whom: the board lead’s open queries, the national lead’s answered ones', async () => {
    const first = await raised()
    await raised()
    await raised(fife)
    expect(await countQueriesAwaiting({ actor: lothianLead })).toBe(2)
    expect(await countQueriesAwaiting({ actor: fifeLead })).toBe(1)
    expect(await countQueriesAwaiting({ actor: national })).toBe(0)
    expect(await countQueriesAwaiting({ actor: analyst })).toBe(0)
    await answerQuery({ actor: lothianLead, queryId: first, body: 'Checked' })
    expect(await countQueriesAwaiting({ actor: lothianLead })).toBe(1)
    expect(await countQueriesAwaiting({ actor: national })).toBe(1)
    // The report lists a month's queries not yet closed.
    expect((await listReturnQueries({ actor: national, month: MONTH, statuses: UNRESOLVED_STATUSES })).length).toBe(3)
    await closeQuery({ actor: national, queryId: first, body: 'Thanks' })
    expect((await listReturnQueries({ actor: national, month: MONTH, statuses: UNRESOLVED_STATUSES })).length).toBe(2)
    expect((await listQueries({ actor: national, filters: { status: 'closed' } })).queries.map((q) => q.id)).toEqual([
      first,
    ])
    expect(
      (await listQueries({ actor: national, filters: { status: 'unresolved', orgUnitId: fife.id } })).queries,
    ).toHaveLength(1)
    expect((await listQueries({ actor: national, filters: { month: '2025-05' } })).queries).toEqual([])
  })
})
