// /admin/costs and /value over HTTP, as a browser without JavaScript uses them, and the roles
// table: only the national lead records costs; board leads see other boards' unit costs, never
// the amounts they spend.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { queryRows } from '#db/client.ts'
import { createTestUser, TestClient } from '#tests/setup/client.ts'
import { ENGINE, useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

const t = useTestDatabase()
let server: Awaited<ReturnType<typeof startTestServer>>
let national: TestClient
let analyst: TestClient
let lothianLead: TestClient

beforeAll(async () => {
  server = await startTestServer()
  const [ids] = await queryRows<{ lothian: number }>(
    t.db,
    sql`select id as lothian from org_units where code = 'S08000024'`,
  )
  await createTestUser('national@example.scot', 'national_lead')
  await createTestUser('analyst@example.scot', 'analyst')
  await createTestUser('lead.lothian@example.scot', 'board_lead', Number(ids!.lothian))
  national = new TestClient(server.url)
  analyst = new TestClient(server.url)
  lothianLead = new TestClient(server.url)
  expect((await national.signIn('national@example.scot')).status).toBe(302)
  expect((await analyst.signIn('analyst@example.scot')).status).toBe(302)
  expect((await lothianLead.signIn('lead.lothian@example.scot')).status).toBe(302)
}, 120_000)
afterAll(() => server.close())

const current = () =>
  queryRows<{ financial_year: string; code: string; slug: string; kind: string; amount: number | null }>(
    t.db,
    sql`select c.financial_year, o.code, s.slug, c.kind::text as kind, c.amount from costs c
        join org_units o on o.id = c.org_unit_id join services s on s.id = c.service_id
        where c.valid_to is null order by o.code, s.slug`,
  )

function upload(client: TestClient, csv: string) {
  const body = new FormData()
  body.append('file', new Blob([csv], { type: 'text/csv' }), 'costs.csv')
  return fetch(`${server.url}/admin/costs`, {
    method: 'POST',
    headers: { cookie: client.cookie, origin: server.url, 'x-forwarded-for': client.ip },
    body,
    redirect: 'manual',
  })
}

describe(`/admin/costs and /value on ${ENGINE}`, () => {
  test('the national lead records a cost with the form, typed as people type money', async () => {
    const saved = await national.post('/admin/costs', {
      intent: 'save',
      financial_year: '2024/25',
      board_code: 'S08000029',
      service: 'ccbt-adults',
      kind: 'staff',
      amount: '£12,345',
      comment: 'Supporters',
    })
    expect(saved.status).toBe(302)
    expect(saved.headers.get('location')).toBe('/admin/costs?year=2024%2F25&done=added')
    expect(await current()).toEqual([
      { financial_year: '2024/25', code: 'S08000029', slug: 'ccbt-adults', kind: 'staff', amount: 12_345 },
    ])
    const page = await (await national.get('/admin/costs?year=2024/25')).text()
    expect(page).toContain('£12,345')

    const refused = await national.post('/admin/costs', {
      intent: 'save',
      financial_year: '2024/25',
      board_code: 'S08000029',
      service: 'ccbt-adults',
      kind: 'staff',
      amount: '12,345.50',
    })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('has pence: enter whole pounds')
  })

  test('an upload with a problem saves nothing and names each line; a good one saves every row', async () => {
    const bad = await upload(
      national,
      'financial_year,board_code,service,kind,amount,comment\n2024/25,S92000003,ccbt-adults,licence,"1,200,000",Licence\n2024/25,S99999999,ccbt-adults,staff,100,\n2024-25,S08000024,ccbt-adults,staff,12.34.5,\n',
    )
    expect(bad.status).toBe(400)
    const text = (await bad.text()).replaceAll('&quot;', '"').replaceAll('&#x27;', "'")
    expect(text).toContain('Line 3, board_code: S99999999 is not a board')
    expect(text).toContain('Line 4, financial_year: Enter the financial year like 2025/26')
    expect(text).toContain('Line 4, amount:')
    expect(await current()).toHaveLength(1)

    const good = await upload(
      national,
      'financial_year,board_code,service,kind,amount,comment\n2024/25,S92000003,ccbt-adults,licence,"1,200,000",Licence\n2024/25,S08000031,ccbt-adults,staff,80 000,\n',
    )
    expect(good.status).toBe(302)
    expect(good.headers.get('location')).toBe('/admin/costs?done=uploaded&created=2&changed=0&unchanged=0')
    expect((await current()).map((c) => [c.code, c.amount])).toEqual([
      ['S08000029', 12_345],
      ['S08000031', 80_000],
      ['S92000003', 1_200_000],
    ])
    const audit = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from audit_events where action = 'costs.changed'`,
    )
    expect(Number(audit[0]!.n)).toBe(2)
  })

  test('the upload template has the columns the upload reads, and its examples pass', async () => {
    const response = await national.get('/admin/costs/template')
    expect(response.headers.get('content-disposition')).toMatch(/costs-template\.csv/)
    const text = (await response.text()).replace(/^\uFEFF/, '')
    expect(text.split(/\r?\n/)[0]).toBe('financial_year,board_code,service,kind,amount,comment')
    const uploaded = await upload(national, text)
    expect(uploaded.status).toBe(302)
    expect(uploaded.headers.get('location')).toMatch(/done=uploaded&created=2&/)
    expect((await lothianLead.get('/admin/costs/template')).status).toBe(403)
  })

  test('only the national lead may record costs', async () => {
    expect((await lothianLead.get('/admin/costs')).status).toBe(403)
    expect((await analyst.get('/admin/costs')).status).toBe(403)
    const post = await lothianLead.post('/admin/costs', {
      intent: 'save',
      financial_year: '2024/25',
      board_code: 'S08000024',
      service: 'ccbt-adults',
      kind: 'staff',
      amount: '1',
    })
    expect(post.status).toBe(403)
    expect(
      (
        await upload(
          lothianLead,
          'financial_year,board_code,service,kind,amount\n2024/25,S08000024,ccbt-adults,staff,1\n',
        )
      ).status,
    ).toBe(403)
  })

  test("board leads see other boards' unit costs, not the amounts they spend (page, CSV and API)", async () => {
    // Fife spent £12,345 of its own; with no activity recorded the licence is shared equally
    // among the 14 boards: £1,200,000 / 14 = £85,714.29 each, so Fife's total is £98,059.
    const analystPage = await (await analyst.get('/value?year=2024/25&service=ccbt-adults')).text()
    expect(analystPage.includes('£98,059')).toBe(true)
    // Greater Glasgow and Clyde: £80,000 + £85,714.29 = £165,714.
    expect(analystPage.includes('£165,714')).toBe(true)
    const leadPage = await (await lothianLead.get('/value?year=2024/25&service=ccbt-adults')).text()
    expect(leadPage.includes('£98,059')).toBe(false)
    expect(leadPage.includes('165714') || leadPage.includes('£165,714')).toBe(false)
    expect(/Fife<\/t[hd]><td[^>]*>not shown/.test(leadPage)).toBe(true)
    // Lothian recorded no costs of its own: its cost is not available, not its share alone.
    expect(/Lothian<\/t[hd]><td[^>]*>not available/.test(leadPage)).toBe(true)
    const csv = await (await lothianLead.get('/value/figures/value-boards?year=2024/25&service=ccbt-adults')).text()
    expect(csv).toMatch(/S08000029,Fife,not shown/)
    expect(csv.includes('98059')).toBe(false)
    const api = await lothianLead.get('/api/v1/value?from=2024/25&to=2024/25&board=S08000029')
    expect(api.status).toBe(403)
  })
})
