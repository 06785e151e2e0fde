// /admin/annotations over HTTP, as a browser without JavaScript uses it: plain form posts,
// redirects and server-rendered pages.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { queryRows } from '#db/client.ts'
import { createTestUser, TestClient } from '#tests/setup/client.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

const t = useTestDatabase()
let server: Awaited<ReturnType<typeof startTestServer>>
let national: TestClient
let lothianLead: TestClient
let ids: { lothian: number; fife: number; perinatal: number }

beforeAll(async () => {
  server = await startTestServer()
  ;[ids] = (await queryRows(
    t.db,
    sql`select (select id from org_units where code = 'S08000024') as lothian, (select id from org_units where code = 'S08000029') as fife,
               (select id from services where slug = 'ccbt-perinatal') as perinatal`,
  )) as [typeof ids]
  await createTestUser('national@example.scot', 'national_lead')
  await createTestUser('lead.lothian@example.scot', 'board_lead', ids.lothian)
  national = new TestClient(server.url)
  lothianLead = new TestClient(server.url)
  expect((await national.signIn('national@example.scot')).status).toBe(302)
  expect((await lothianLead.signIn('lead.lothian@example.scot')).status).toBe(302)
}, 120_000)
afterAll(() => server.close())

const rows = () =>
  queryRows<{
    id: number
    event_date: string
    org_unit_id: number | null
    service_id: number | null
    text: string
    rebase: boolean
  }>(
    t.db,
    sql`select id, to_char(event_date, 'YYYY-MM-DD') as event_date, org_unit_id, service_id, text, rebase from annotations order by id`,
  )

describe(`/admin/annotations on ${ENGINE}`, () => {
  test('add, change and remove an event with plain form posts', async () => {
    const added = await national.post('/admin/annotations', {
      intent: 'create',
      eventDate: '2023-10-02',
      orgUnitId: '',
      serviceId: String(ids.perinatal),
      text: 'cCBT Perinatal went live',
    })
    expect(added.status).toBe(302)
    expect(added.headers.get('location')).toBe('/admin/annotations?done=added')
    const [row] = await rows()
    expect(row).toMatchObject({ event_date: '2023-10-02', org_unit_id: null, service_id: ids.perinatal, rebase: false })

    const page = await (await national.get('/admin/annotations?done=added')).text()
    expect(page).toContain('Event added')
    expect(page).toContain('cCBT Perinatal went live')
    expect(page).toContain('National')

    const editPage = await (await national.get(`/admin/annotations?edit=${row!.id}`)).text()
    expect(editPage).toContain('Change an event')
    expect(editPage).toContain('value="cCBT Perinatal went live"')

    const changed = await national.post('/admin/annotations', {
      intent: 'update',
      id: String(row!.id),
      eventDate: '2023-10-02',
      orgUnitId: String(ids.fife),
      text: 'Platform changed',
      rebase: 'on',
    })
    expect(changed.status).toBe(302)
    expect((await rows())[0]).toMatchObject({
      org_unit_id: ids.fife,
      service_id: null,
      text: 'Platform changed',
      rebase: true,
    })

    expect((await national.post('/admin/annotations', { intent: 'delete', id: String(row!.id) })).status).toBe(302)
    expect(await rows()).toEqual([])
  })

  test('a mistake is shown beside its field and nothing is saved', async () => {
    const response = await national.post('/admin/annotations', {
      intent: 'create',
      eventDate: '2023-02-30',
      text: '',
    })
    expect(response.status).toBe(400)
    const html = await response.text()
    expect(html).toContain('There is a problem')
    expect(html).toContain('Enter the date as year, month and day, like 2024-03-15')
    expect(html).toContain('Enter what happened')
    expect(await rows()).toEqual([])
  })

  test('a board lead sees and changes only their own board’s events', async () => {
    await national.post('/admin/annotations', {
      intent: 'create',
      eventDate: '2024-01-10',
      orgUnitId: String(ids.fife),
      text: 'Fife only',
    })
    expect(
      (
        await lothianLead.post('/admin/annotations', {
          intent: 'create',
          eventDate: '2024-01-11',
          orgUnitId: String(ids.lothian),
          text: 'Lothian only',
        })
      ).status,
    ).toBe(302)
    const page = await (await lothianLead.get('/admin/annotations')).text()
    expect(page).toContain('Lothian only')
    expect(page).not.toContain('Fife only')
    // The board choice offers their own board only.
    expect(page).not.toContain('>Fife<')
    const fife = (await rows()).find((r) => r.text === 'Fife only')!
    expect((await lothianLead.get(`/admin/annotations?edit=${fife.id}`)).status).toBe(404)
    expect((await lothianLead.post('/admin/annotations', { intent: 'delete', id: String(fife.id) })).status).toBe(403)
    expect(
      (
        await lothianLead.post('/admin/annotations', {
          intent: 'create',
          eventDate: '2024-01-12',
          orgUnitId: String(ids.fife),
          text: 'Not mine',
        })
      ).status,
    ).toBe(403)
    expect((await rows()).map((r) => r.text)).toEqual(['Fife only', 'Lothian only'])
  })
})
