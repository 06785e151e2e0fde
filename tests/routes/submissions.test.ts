// POST /api/v1/returns through the real server, with real tokens: the upload's checks and writes,
// all or nothing, dry runs, Idempotency-Key, scopes, boards and locked months.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { submitReturns } from '#app/api/submissions.server.ts'
import { createApiToken, findApiToken } from '#app/models/api-tokens.server.ts'
import { findReturnUnit, saveReturn } from '#app/models/returns.server.ts'
import { previewUpload } from '#app/models/uploads.server.ts'
import { parseUploadFile } from '#app/returns/upload-parse.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { createTestActor, TestClient } from '#tests/setup/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

const t = useTestDatabase()
let server: Awaited<ReturnType<typeof startTestServer>>
let national: Actor
let lothianLead: Actor
const tokens = { nationalSubmit: '', nationalRead: '', lothianSubmit: '', analystRead: '' }

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.close())

beforeEach(async () => {
  await resetData(t.db)
  const lothian = await findReturnUnit({ code: 'S08000024' })
  national = await createTestActor('national@example.scot', 'national_lead')
  lothianLead = await createTestActor('lothian@example.scot', 'board_lead', lothian.id)
  const analyst: Actor = await createTestActor('analyst@example.scot', 'analyst')
  tokens.nationalSubmit = await createApiToken({
    actor: national,
    name: 'National loader',
    scope: 'submit',
    expiresAt: null,
  })
  tokens.nationalRead = await createApiToken({ actor: national, name: 'National reader', expiresAt: null })
  tokens.lothianSubmit = await createApiToken({
    actor: lothianLead,
    name: 'Lothian PAS feed',
    scope: 'submit',
    expiresAt: null,
  })
  tokens.analystRead = await createApiToken({ actor: analyst, name: 'Briefing script', expiresAt: null })
})

const HEADER = 'month,board_code,service,measure,value,comment'
const csv = (lines: string[]) => [HEADER, ...lines].join('\r\n')

async function post(
  token: string,
  body: string | unknown[],
  { query = '', key }: { query?: string; key?: string } = {},
) {
  const response = await fetch(`${server.url}/api/v1/returns${query}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': typeof body === 'string' ? 'text/csv' : 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { response, body: (await response.json()) as Record<string, unknown> }
}

/** Everything a submission could change. */
const state = async () => ({
  values: await queryRows(t.db, sql`select * from return_values order by id`),
  returns: await queryRows(t.db, sql`select * from returns order by org_unit_id, month`),
  events: await queryRows(t.db, sql`select * from return_events order by id`),
  breakdowns: await queryRows(t.db, sql`select * from breakdown_values order by id`),
  requests: await queryRows(t.db, sql`select * from submission_requests order by id`),
})

const figure = async (code: string, month: string, service: string, measure: string) =>
  (
    await queryRows<{ value: number | null }>(
      t.db,
      sql`select v.value from return_values v join org_units o on o.id = v.org_unit_id
          join services s on s.id = v.service_id join measures m on m.id = v.measure_id
          where o.code = ${code} and v.month = ${`${month}-01`} and s.slug = ${service} and m.name = ${measure}
            and v.valid_to is null`,
    )
  )[0]?.value

const BAD_ROWS = [
  '2025-06,S08000024,ccbt-adults,referrals,40,',
  '2025-06,S99999999,ccbt-adults,referrals,40,',
  '2025-06,S08000024,ccbt-adults,started,forty,',
  '2025-06,S08000024,video-1to1,referrals,3,',
  '2025-06,S08000024,ccbt-adults,self_referrals,50,',
]

describe(`POST /api/v1/returns on ${ENGINE}`, () => {
  test('a dry run changes nothing and answers the problems the upload preview shows for the same rows', async () => {
    const before = await state()
    const { response, body } = await post(tokens.nationalSubmit, csv(BAD_ROWS), { query: '?dryRun=true' })
    expect(response.status).toBe(422)
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const bytes = new TextEncoder().encode(csv(BAD_ROWS))
    const preview = await previewUpload({
      actor: national,
      fileName: 'same.csv',
      bytes,
      rows: (await parseUploadFile(bytes)).rows,
    })
    expect(preview.problems).toHaveLength(4)
    expect(body).toMatchObject({ status: 422, title: 'Unprocessable Content' })
    expect(body.errors).toEqual(preview.problems.map((p) => ({ row: p.row, field: p.column, message: p.message })))
    // Worked by hand: rows 3 to 6 of the file, each by its field.
    expect((body.errors as Array<{ row: number; field: string }>).map((e) => [e.row, e.field])).toEqual([
      [3, 'board_code'],
      [4, 'value'],
      [5, 'measure'],
      [6, 'value'],
    ])
    // The same rows as JSON: the same problems, numbered by their place in the array.
    const json = BAD_ROWS.map((line) => {
      const [month, board_code, service, measure, value] = line.split(',')
      return { month, board_code, service, measure, value: /^\d+$/.test(value!) ? Number(value) : value }
    })
    const asJson = await post(tokens.nationalSubmit, json, { query: '?dryRun=true' })
    expect(asJson.response.status).toBe(422)
    expect((asJson.body.errors as Array<{ row: number; field: string }>).map((e) => [e.row, e.field])).toEqual([
      [3, 'value'],
    ])
    expect(await state()).toEqual(before)
  })

  test('a dry run of good rows answers what would change, and changes nothing', async () => {
    await post(tokens.nationalSubmit, csv(['2025-06,S08000024,ccbt-adults,referrals,40,']))
    const before = await state()
    const { response, body } = await post(
      tokens.nationalSubmit,
      csv([
        '2025-06,S08000024,ccbt-adults,referrals,40,',
        '2025-06,S08000024,ccbt-adults,self_referrals,12,',
        '2025-05,S08000029,iecbt,sessions,300,From the new system',
      ]),
      { query: '?dryRun=true&submit=true' },
    )
    expect(response.status).toBe(200)
    expect(body).toMatchObject({
      dryRun: true,
      submit: true,
      rows: 3,
      figures: { created: 2, changed: 0, unchanged: 1 },
      errors: [],
      returns: [
        { board_code: 'S08000029', month: '2025-05', status_before: null, status: 'submitted', created: 1 },
        { board_code: 'S08000024', month: '2025-06', status_before: 'draft', status: 'submitted', created: 1 },
      ],
    })
    expect(await state()).toEqual(before)
  })

  test('a commit writes every figure, submits when asked, and records the token’s name', async () => {
    const { response, body } = await post(
      tokens.lothianSubmit,
      [
        { month: '2025-06', board_code: 'S08000024', service: 'ccbt-adults', measure: 'referrals', value: 40 },
        { month: '2025-06', board_code: 'S08000024', service: 'ccbt-adults', measure: 'self_referrals', value: 12 },
      ],
      { query: '?submit=true' },
    )
    expect(response.status).toBe(200)
    expect(body).toMatchObject({ dryRun: false, figures: { created: 2, changed: 0, unchanged: 0 } })
    expect(await figure('S08000024', '2025-06', 'ccbt-adults', 'self_referrals')).toBe(12)
    const [ret] = await queryRows<{ status: string }>(t.db, sql`select status::text as status from returns`)
    expect(ret!.status).toBe('submitted')
    const events = await queryRows<{ action: string; subject: string; details: { token?: string; source?: string } }>(
      t.db,
      sql`select action, subject, details from audit_events where action like 'return.%' order by id`,
    )
    expect(events.map((e) => e.action)).toEqual(['return.figures_changed', 'return.submitted', 'return.api_submission'])
    expect(events[0]!.details.source).toBe('api')
    expect(events[2]).toMatchObject({ subject: 'Lothian PAS feed', details: { token: 'Lothian PAS feed' } })
  })

  test('a commit with one bad row changes nothing', async () => {
    const before = await state()
    const { response, body } = await post(
      tokens.nationalSubmit,
      csv([
        '2025-06,S08000024,ccbt-adults,referrals,40,',
        '2025-06,S08000029,ccbt-adults,referrals,30,',
        '2025-05,S08000024,ccbt-adults,referrals,20,',
        '2025-05,S08000024,ccbt-adults,self_referrals,25,',
      ]),
    )
    expect(response.status).toBe(422)
    expect(body.errors).toEqual([
      {
        row: 5,
        field: 'value',
        message: expect.stringMatching(/Self-referrals \(25\) cannot be more than referrals \(20\)/),
      },
    ])
    expect(await state()).toEqual(before)
  })

  test('the same Idempotency-Key twice changes the figures once; with another body it is refused', async () => {
    const rows = csv(['2025-06,S08000024,ccbt-adults,referrals,40,'])
    const first = await post(tokens.nationalSubmit, rows, { key: 'lothian-2025-06-run-1' })
    expect(first.response.status).toBe(200)
    expect(first.body).toMatchObject({ figures: { created: 1 } })
    // Meanwhile the board corrects the figure on the form.
    const lothian = await findReturnUnit({ code: 'S08000024' })
    await saveReturn({
      actor: lothianLead,
      unit: lothian,
      month: '2025-06',
      expectedVersion: null,
      figures: [{ service: 'ccbt-adults', measure: 'referrals', value: 41 }],
      submit: false,
      reason: null,
    })
    const before = await state()
    const again = await post(tokens.nationalSubmit, rows, { key: 'lothian-2025-06-run-1' })
    expect(again.response.status).toBe(200)
    expect(again.response.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body).toEqual(first.body)
    expect(await state()).toEqual(before)
    expect(await figure('S08000024', '2025-06', 'ccbt-adults', 'referrals')).toBe(41)

    const other = await post(tokens.nationalSubmit, csv(['2025-06,S08000024,ccbt-adults,referrals,39,']), {
      key: 'lothian-2025-06-run-1',
    })
    expect(other.response.status).toBe(422)
    expect(other.body.detail).toMatch(/Idempotency-Key was used before for a different request/)
    expect(await state()).toEqual(before)
    // Keys are the token's own: another token may use the same key.
    const lead = await post(tokens.lothianSubmit, csv(['2025-06,S08000024,ccbt-adults,referrals,42,']), {
      key: 'lothian-2025-06-run-1',
    })
    expect(lead.response.status).toBe(200)
    expect(await figure('S08000024', '2025-06', 'ccbt-adults', 'referrals')).toBe(42)
  })

  test('a read token gets 403 and changes nothing', async () => {
    const before = await state()
    for (const token of [tokens.nationalRead, tokens.analystRead]) {
      const { response, body } = await post(token, csv(['2025-06,S08000024,ccbt-adults,referrals,40,']))
      expect(response.status).toBe(403)
      expect(body.detail).toMatch(/has the read scope/)
    }
    expect(await state()).toEqual(before)
    // It still reads.
    const read = await fetch(`${server.url}/api/v1/boards`, {
      headers: { authorization: `Bearer ${tokens.nationalRead}` },
    })
    expect(read.status).toBe(200)
  })

  test('a board lead’s token naming another board gets 403 and changes nothing', async () => {
    const before = await state()
    for (const lines of [
      ['2025-06,S08000029,ccbt-adults,referrals,40,'],
      // Its own board too: still all or nothing.
      ['2025-06,S08000024,ccbt-adults,referrals,40,', '2025-06,S08000029,ccbt-adults,referrals,40,'],
      // Fife by its superseded code.
      ['2025-06,S08000018,ccbt-adults,referrals,40,'],
    ]) {
      const { response, body } = await post(tokens.lothianSubmit, csv(lines), { query: '?dryRun=false' })
      expect(response.status, lines.join(' ')).toBe(403)
      expect(body.detail).toMatch(/own board’s returns only/)
    }
    expect(await state()).toEqual(before)
    const refused = await queryRows<{ outcome: string; subject: string; details: { status: number } }>(
      t.db,
      sql`select outcome, subject, details from audit_events where action = 'return.api_submission'`,
    )
    expect(refused).toEqual(
      Array.from({ length: 3 }, () => ({
        outcome: 'refused',
        subject: 'Lothian PAS feed',
        details: expect.objectContaining({ status: 403 }),
      })),
    )
  })

  test('the query refuses another board too, behind the guard', async () => {
    // The model's own check, without the route's guard: the rows reach the check and are refused there.
    const { submitFigures } = await import('#app/models/submissions.server.ts')
    const found = await findApiToken({ token: tokens.lothianSubmit })
    const before = await state()
    const outcome = await submitFigures({
      actor: lothianLead,
      token: found!.token,
      rows: [
        {
          row: 2,
          values: {
            month: '2025-06',
            board_code: 'S08000029',
            service: 'ccbt-adults',
            measure: 'referrals',
            value: '4',
          },
        },
      ],
      dryRun: false,
      submit: false,
      reason: null,
      idempotency: null,
    })
    expect(outcome).toMatchObject({
      kind: 'refused',
      status: 403,
      errors: [{ row: 2, field: 'board_code', message: 'You can only upload your own board’s figures, not Fife’s' }],
    })
    expect(await state()).toEqual(before)
  })

  test('a locked month is refused with the reason; the national lead revises it with a reason', async () => {
    await post(tokens.lothianSubmit, csv(['2025-05,S08000024,ccbt-adults,referrals,40,']), { query: '?submit=true' })
    await t.db.execute(
      sql`update returns set status = 'approved', approved_at = now(), first_approved_at = now(), approved_by = ${national.id}`,
    )
    const before = await state()
    const lead = await post(tokens.lothianSubmit, csv(['2025-05,S08000024,ccbt-adults,referrals,41,']))
    expect(lead.response.status).toBe(422)
    expect(lead.body.errors).toEqual([
      {
        row: 2,
        field: 'board_code',
        message: 'Lothian’s return for 2025-05 is approved and locked: ask the national programme team to reopen it',
      },
    ])
    const withoutReason = await post(tokens.nationalSubmit, csv(['2025-05,S08000024,ccbt-adults,referrals,41,']))
    expect(withoutReason.response.status).toBe(422)
    expect(withoutReason.body.errors).toEqual([
      {
        row: 0,
        field: 'reason',
        message: 'Lothian, 2025-05: These figures were approved before: give the reason for changing them',
      },
    ])
    expect(await state()).toEqual(before)
    const revised = await post(tokens.nationalSubmit, csv(['2025-05,S08000024,ccbt-adults,referrals,41,']), {
      query: `?reason=${encodeURIComponent('Corrected from the platform report')}`,
    })
    expect(revised.response.status).toBe(200)
    expect(await figure('S08000024', '2025-05', 'ccbt-adults', 'referrals')).toBe(41)
  })

  test('requests the API cannot take are refused with a problem document', async () => {
    const bad = await post(tokens.nationalSubmit, csv(['2025-06,S08000024,ccbt-adults,referrals,40,']), {
      query: '?dryRun=yes&grain=fq',
    })
    expect(bad.response.status).toBe(400)
    expect(bad.body.problems).toHaveLength(2)
    expect(bad.body.problems).toEqual(
      expect.arrayContaining([
        { parameter: 'grain', message: expect.stringMatching(/is not a parameter/) },
        { parameter: 'dryRun', message: 'must be one of true, false' },
      ]),
    )
    const json = await post(tokens.nationalSubmit, [
      { month: '2025-06', board_code: 'S08000024', service: 'ccbt-adults', measure: 'referrals', value: '40', size: 1 },
      'not a figure',
    ])
    expect(json.response.status).toBe(422)
    expect(json.body.errors).toEqual([
      { row: 1, field: 'value', message: 'The value must be a number (or null for not reported), not text' },
      { row: 1, field: 'size', message: expect.stringMatching(/size is not a field/) },
      { row: 2, field: '(whole row)', message: expect.stringMatching(/must be an object/) },
    ])
    const xml = await fetch(`${server.url}/api/v1/returns`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.nationalSubmit}`, 'content-type': 'application/xml' },
      body: '<figures/>',
    })
    expect(xml.status).toBe(415)
    const session = await fetch(`${server.url}/api/v1/returns`, { method: 'POST', body: 'x' })
    expect(session.status).toBe(403)
    const unsigned = await fetch(`${server.url}/api/v1/returns`, {
      method: 'POST',
      headers: { authorization: 'Bearer dtd_not-a-token', 'content-type': 'text/csv' },
      body: 'x',
    })
    expect(unsigned.status).toBe(401)
  })

  test('/account/tokens offers the scopes of the role, and a board lead’s new token submits', async () => {
    const lead = new TestClient(server.url)
    expect((await lead.signIn('lothian@example.scot')).status).toBe(302)
    const page = await (await lead.get('/account/tokens')).text()
    expect(page).toContain('This token may: <strong>submit returns</strong>')
    expect(page).not.toMatch(/type="radio"/)
    const refused = await lead.post('/account/tokens', {
      intent: 'create',
      name: 'Feed',
      expiresIn: '90',
      scope: 'read',
    })
    expect(refused.status).toBe(400)
    const created = await lead.post('/account/tokens', {
      intent: 'create',
      name: 'Lothian feed',
      expiresIn: '90',
      scope: 'submit',
    })
    expect(created.status).toBe(200)
    const token = /(dtd_[A-Za-z0-9_-]{43})/.exec(await created.text())![1]!
    const { response } = await post(token, csv(['2025-06,S08000024,ccbt-adults,referrals,40,']), {
      query: '?dryRun=true',
    })
    expect(response.status).toBe(200)

    const nationalClient = new TestClient(server.url)
    expect((await nationalClient.signIn('national@example.scot')).status).toBe(302)
    const choices = await (await nationalClient.get('/account/tokens')).text()
    expect(choices).toMatch(/<legend[^>]*>What the token may do<\/legend>/)
    const radios = [...choices.matchAll(/<input[^>]*>/g)].map((m) => m[0]).filter((tag) => tag.includes('type="radio"'))
    expect(radios.map((tag) => /value="(\w+)"/.exec(tag)![1])).toEqual(['read', 'submit'])
  })

  test('too many requests from one token answer 429 with Retry-After', async () => {
    const found = await findApiToken({ token: tokens.nationalSubmit })
    const request = () =>
      new Request('http://localhost/api/v1/returns?dryRun=true', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: csv(['2025-06,S08000024,ccbt-adults,referrals,40,']),
      })
    const limit = { points: 2, duration: 60 }
    for (let i = 0; i < 2; i++) {
      const response = await submitReturns({ request: request(), actor: national, token: found!.token, limit })
      expect(response.status).toBe(200)
    }
    const refused = await submitReturns({ request: request(), actor: national, token: found!.token, limit })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(await refused.json()).toMatchObject({ status: 429, title: 'Too Many Requests' })
  })
})
