import { sql } from 'drizzle-orm'
import { beforeAll, beforeEach, describe, expect, test } from 'vitest'
import {
  createAnnotation,
  deleteAnnotation,
  getAnnotationFor,
  listAnnotationChoices,
  listAnnotationsFor,
  listAnnotationsForTrend,
  updateAnnotation,
} from '#app/models/annotations.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { createTestActor } from '#tests/setup/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()
let ids: { lothian: number; fife: number; adults: number; perinatal: number }
let national: Actor
let lothianLead: Actor
let fifeLead: Actor
let analyst: Actor

beforeAll(async () => {
  ;[ids] = (await queryRows(
    t.db,
    sql`select (select id from org_units where code = 'S08000024') as lothian, (select id from org_units where code = 'S08000029') as fife,
               (select id from services where slug = 'ccbt-adults') as adults, (select id from services where slug = 'ccbt-perinatal') as perinatal`,
  )) as [typeof ids]
})

beforeEach(async () => {
  await resetData(t.db)
  national = await createTestActor('national@example.scot', 'national_lead', null)
  lothianLead = await createTestActor('lead.lothian@example.scot', 'board_lead', ids.lothian)
  fifeLead = await createTestActor('lead.fife@example.scot', 'board_lead', ids.fife)
  analyst = await createTestActor('analyst@example.scot', 'analyst', null)
})

const event = (over: Partial<Parameters<typeof createAnnotation>[0]['annotation']> = {}) => ({
  eventDate: '2024-03-15',
  orgUnitId: ids.lothian as number | null,
  serviceId: null as number | null,
  text: 'Platform changed',
  rebase: true,
  ...over,
})

const audit = () =>
  queryRows<{ action: string; user_email: string; org_unit_id: number | null; subject: string }>(
    t.db,
    sql`select action, user_email, org_unit_id, subject from audit_events where action like 'annotation.%' order by id`,
  )

const forbiddenStatus = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (error) {
    if (error instanceof Response) return error.status
    throw error
  }
  return 'allowed'
}

describe(`annotations on ${ENGINE}`, () => {
  test('the national lead adds, changes and removes any board’s or a national event, each in the audit trail', async () => {
    const id = await createAnnotation({ actor: national, annotation: event(), ip: '192.0.2.1' })
    const nationalId = await createAnnotation({
      actor: national,
      annotation: event({
        orgUnitId: null,
        serviceId: ids.perinatal,
        eventDate: '2023-10-01',
        text: 'cCBT Perinatal went live',
        rebase: false,
      }),
    })
    expect(await updateAnnotation({ actor: national, id, annotation: event({ text: 'Platform changed to v2' }) })).toBe(
      true,
    )
    const listed = await listAnnotationsFor({ actor: national })
    expect(
      listed.map((a) => [a.eventDate, a.orgUnitName, a.serviceSlug, a.text, a.rebase, a.createdBy, a.updatedBy]),
    ).toEqual([
      ['2024-03-15', 'Lothian', null, 'Platform changed to v2', true, 'national@example.scot', 'national@example.scot'],
      [
        '2023-10-01',
        null,
        'ccbt-perinatal',
        'cCBT Perinatal went live',
        false,
        'national@example.scot',
        'national@example.scot',
      ],
    ])
    expect(await deleteAnnotation({ actor: national, id: nationalId })).toBe(true)
    expect((await listAnnotationsFor({ actor: national })).map((a) => a.id)).toEqual([id])
    expect(await audit()).toEqual([
      {
        action: 'annotation.created',
        user_email: 'national@example.scot',
        org_unit_id: ids.lothian,
        subject: 'Lothian, 2024-03-15',
      },
      {
        action: 'annotation.created',
        user_email: 'national@example.scot',
        org_unit_id: null,
        subject: 'National: ccbt-perinatal, 2023-10-01',
      },
      {
        action: 'annotation.changed',
        user_email: 'national@example.scot',
        org_unit_id: ids.lothian,
        subject: 'Lothian, 2024-03-15',
      },
      {
        action: 'annotation.deleted',
        user_email: 'national@example.scot',
        org_unit_id: null,
        subject: 'National: ccbt-perinatal, 2023-10-01',
      },
    ])
    const [changed] = await queryRows<{ details: { before: { text: string }; after: { text: string } } }>(
      t.db,
      sql`select details from audit_events where action = 'annotation.changed'`,
    )
    expect(changed!.details.before.text).toBe('Platform changed')
    expect(changed!.details.after.text).toBe('Platform changed to v2')
  })

  test('a board lead writes only their own board’s events; the query keeps the others out', async () => {
    const own = await createAnnotation({ actor: lothianLead, annotation: event() })
    const fifes = await createAnnotation({
      actor: national,
      annotation: event({ orgUnitId: ids.fife, text: 'Fife event' }),
    })
    const nationalEvent = await createAnnotation({
      actor: national,
      annotation: event({ orgUnitId: null, text: 'National event' }),
    })

    // Creating for another board or nationally is refused before anything is written.
    expect(
      await forbiddenStatus(createAnnotation({ actor: lothianLead, annotation: event({ orgUnitId: ids.fife }) })),
    ).toBe(403)
    expect(
      await forbiddenStatus(createAnnotation({ actor: lothianLead, annotation: event({ orgUnitId: null }) })),
    ).toBe(403)
    expect(await forbiddenStatus(createAnnotation({ actor: analyst, annotation: event() }))).toBe(403)
    // Moving their own event to another board is refused too.
    expect(
      await forbiddenStatus(
        updateAnnotation({ actor: lothianLead, id: own, annotation: event({ orgUnitId: ids.fife }) }),
      ),
    ).toBe(403)

    // Another board's or a national event is not theirs: not found, unchanged, not removed.
    expect(await getAnnotationFor({ actor: lothianLead, id: fifes })).toBeNull()
    expect(await updateAnnotation({ actor: lothianLead, id: fifes, annotation: event({ text: 'taken over' }) })).toBe(
      false,
    )
    expect(
      await updateAnnotation({ actor: lothianLead, id: nationalEvent, annotation: event({ text: 'taken over' }) }),
    ).toBe(false)
    expect(await deleteAnnotation({ actor: lothianLead, id: fifes })).toBe(false)
    expect(await deleteAnnotation({ actor: fifeLead, id: own })).toBe(false)
    expect(await deleteAnnotation({ actor: analyst, id: own })).toBe(false)

    expect((await listAnnotationsFor({ actor: lothianLead })).map((a) => a.id)).toEqual([own])
    expect((await listAnnotationsFor({ actor: analyst })).map((a) => a.id)).toEqual([])
    const texts = await queryRows<{ text: string }>(t.db, sql`select text from annotations order by id`)
    expect(texts.map((r) => r.text)).toEqual(['Platform changed', 'Fife event', 'National event'])

    expect(
      await updateAnnotation({
        actor: lothianLead,
        id: own,
        annotation: event({ text: 'Own, changed', rebase: false }),
      }),
    ).toBe(true)
    expect(await deleteAnnotation({ actor: lothianLead, id: own })).toBe(true)
    expect((await audit()).map((a) => [a.action, a.user_email])).toEqual([
      ['annotation.created', 'lead.lothian@example.scot'],
      ['annotation.created', 'national@example.scot'],
      ['annotation.created', 'national@example.scot'],
      ['annotation.changed', 'lead.lothian@example.scot'],
      ['annotation.deleted', 'lead.lothian@example.scot'],
    ])
  })

  test('a trend lists national events and its board’s, for its service, within the period', async () => {
    const add = (over: Parameters<typeof event>[0]) => createAnnotation({ actor: national, annotation: event(over) })
    await add({ orgUnitId: null, eventDate: '2024-01-01', text: 'national, all services' })
    await add({ orgUnitId: null, serviceId: ids.perinatal, eventDate: '2024-02-10', text: 'national, perinatal' })
    await add({ orgUnitId: ids.lothian, eventDate: '2024-03-31', text: 'Lothian, all services' })
    await add({ orgUnitId: ids.lothian, serviceId: ids.adults, eventDate: '2024-04-01', text: 'Lothian, adults' })
    await add({ orgUnitId: ids.fife, eventDate: '2024-02-01', text: 'Fife' })
    await add({ orgUnitId: null, eventDate: '2023-12-31', text: 'before the period' })

    const texts = async (scope: Parameters<typeof listAnnotationsForTrend>[0]) =>
      (await listAnnotationsForTrend(scope)).map((a) => a.text)
    // Period January to April 2024 (the whole of April: 2024-04-01 is in, 2023-12-31 out).
    expect(await texts({ orgUnitId: null, from: '2024-01', to: '2024-04' })).toEqual([
      'national, all services',
      'national, perinatal',
    ])
    expect(await texts({ orgUnitId: ids.lothian, from: '2024-01', to: '2024-04' })).toEqual([
      'national, all services',
      'national, perinatal',
      'Lothian, all services',
      'Lothian, adults',
    ])
    expect(await texts({ orgUnitId: ids.lothian, serviceId: ids.adults, from: '2024-01', to: '2024-04' })).toEqual([
      'national, all services',
      'Lothian, all services',
      'Lothian, adults',
    ])
    expect(await texts({ orgUnitId: ids.lothian, from: '2024-01', to: '2024-03' })).toEqual([
      'national, all services',
      'national, perinatal',
      'Lothian, all services',
    ])
  })

  test('the text must say something, 500 characters at most (the database checks it too)', async () => {
    await expect(createAnnotation({ actor: national, annotation: event({ text: '' }) })).rejects.toThrow()
    await expect(createAnnotation({ actor: national, annotation: event({ text: 'x'.repeat(501) }) })).rejects.toThrow()
    expect(await audit()).toEqual([])
  })

  test('form choices: every board for the national lead, their own for a board lead', async () => {
    expect((await listAnnotationChoices({ actor: national })).units).toHaveLength(14)
    expect((await listAnnotationChoices({ actor: lothianLead })).units).toEqual([{ id: ids.lothian, name: 'Lothian' }])
  })
})
