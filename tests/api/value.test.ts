// GET /api/v1/value against a year worked by hand, and against the activity API: cost per
// completed course is the costs over the completed courses the activity API gives for the same
// financial year.
import { sql } from 'drizzle-orm'
import { beforeAll, describe, expect, test } from 'vitest'
import { exportActivity } from '#app/api/handlers.server.ts'
import { OPENAPI_DOCUMENT } from '#app/api/openapi.ts'
import { ValueParamsSchema } from '#app/api/value-parameters.ts'
import { exportValue, VALUE_COLUMNS } from '#app/api/value.server.ts'
import { queryRows } from '#db/client.ts'
import { actor } from '#tests/models/actors.ts'
import { useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()
// Returns of 2025/26 fall due by 15 April 2026; a month later every month of both years is due.
const NOW = new Date('2026-05-20T12:00:00Z')
const national = actor(1, 'national_lead')
let lothianLead: ReturnType<typeof actor>

type Row = {
  financial_year: string
  board_code: string
  service: string
  measure: string
  value: number | null
  qualifier: string | null
}

async function value(query: string, who = national) {
  const response = await exportValue({
    params: new URLSearchParams(query),
    actor: who,
    now: NOW,
    threshold: 4,
    deadlineDay: 15,
  })
  return {
    response,
    body:
      response.status === 200 && !/format=(csv|xlsx)/.test(query)
        ? ((await response.json()) as { metadata: { notes: string[] }; rows: Row[] })
        : null,
  }
}

function pick(rows: Row[], year: string, board: string, measure: string, service = 'ccbt-adults') {
  return rows.find(
    (r) => r.financial_year === year && r.board_code === board && r.service === service && r.measure === measure,
  )
}

beforeAll(async () => {
  const db = t.db
  // Every board submits every month of 2024/25 and 2025/26, except Fife's May 2025, never sent.
  // Each month: 10 completed courses a board (Lothian 20), three referrals and two starts for
  // each, and half of those completing recovered.
  await db.execute(sql`
    insert into returns (org_unit_id, month, status, submitted_at, first_submitted_at, version)
    select o.id, m::date, 'submitted', m + interval '1 month 5 days', m + interval '1 month 5 days', 2
    from org_units o, generate_series('2024-04-01'::date, '2026-03-01'::date, interval '1 month') m
    where o.kind = 'board' and not (o.code = 'S08000029' and m = '2025-05-01')`)
  await db.execute(sql`
    insert into return_values (org_unit_id, service_id, month, measure_id, value, valid_from)
    select r.org_unit_id, s.id, r.month, ms.id,
      (case when o.code = 'S08000024' then 20 else 10 end) *
      (case ms.name when 'referrals' then 6 when 'started' then 4 when 'completed' then 2 else 1 end) / 2,
      '2024-01-01T00:00:00Z'
    from returns r join org_units o on o.id = r.org_unit_id, services s, measures ms
    where s.slug = 'ccbt-adults' and ms.name in ('referrals', 'started', 'completed', 'proms_recovered')`)
  // Costs of each year: a national licence of £180,000; £6,000 of supporter staff in each board,
  // £36,000 in Lothian.
  await db.execute(sql`
    insert into costs (financial_year, org_unit_id, service_id, kind, amount)
    select y, o.id, s.id, case when o.kind = 'national' then 'licence'::cost_kind else 'staff'::cost_kind end,
      case when o.kind = 'national' then 180000 when o.code = 'S08000024' then 36000 else 6000 end
    from org_units o, services s, (values ('2024/25'), ('2025/26')) as y(y)
    where s.slug = 'ccbt-adults'`)
  const [lothian] = await queryRows<{ id: number }>(db, sql`select id from org_units where code = 'S08000024'`)
  lothianLead = actor(2, 'board_lead', Number(lothian!.id))
})

describe('GET /api/v1/value', () => {
  test('unit costs of a whole year, worked by hand', async () => {
    const { body } = await value('from=2024/25&to=2024/25&service=ccbt-adults&sdc=off')
    const rows = body!.rows
    // Scotland: £180,000 + 13 x £6,000 + £36,000 = £294,000.
    expect(pick(rows, '2024/25', 'S92000003', 'total_cost')?.value).toBe(294_000)
    // Completed: 13 boards x 12 months x 10 + Lothian 12 x 20 = 1,800; 294,000 / 1,800 = £163.33.
    expect(pick(rows, '2024/25', 'S92000003', 'cost_per_completed')?.value).toBe(163.33)
    // Referrals 3 x 1,800 = 5,400: £54.44; started 3,600: £81.67; recovered 900: £326.67.
    expect(pick(rows, '2024/25', 'S92000003', 'cost_per_referral')?.value).toBe(54.44)
    expect(pick(rows, '2024/25', 'S92000003', 'cost_per_started')?.value).toBe(81.67)
    expect(pick(rows, '2024/25', 'S92000003', 'cost_per_recovered')?.value).toBe(326.67)
    // Lothian made 720 of the 5,400 referrals, so bears 720/5,400 of the licence: £24,000, plus
    // its own £36,000 = £60,000, over its 240 completed courses = £250.
    expect(pick(rows, '2024/25', 'S08000024', 'total_cost')?.value).toBe(60_000)
    expect(pick(rows, '2024/25', 'S08000024', 'cost_per_completed')?.value).toBe(250)
  })

  test('cost per completed course equals the costs over the completed courses of the activity API', async () => {
    const activity = await exportActivity({
      params: new URLSearchParams(
        'from=2024-04&to=2025-03&grain=fy&service=ccbt-adults&measure=completed&board=S92000003,S08000024&sdc=off',
      ),
      actor: national,
      now: NOW,
      threshold: 4,
      deadlineDay: 15,
    })
    expect(activity.status).toBe(200)
    const completed = ((await activity.json()) as { rows: { board_code: string; value: number }[] }).rows
    const { body } = await value('from=2024/25&to=2024/25&service=ccbt-adults&sdc=off')
    for (const code of ['S92000003', 'S08000024']) {
      const courses = completed.find((r) => r.board_code === code)!.value
      const cost = pick(body!.rows, '2024/25', code, 'total_cost')!.value!
      expect(pick(body!.rows, '2024/25', code, 'cost_per_completed')!.value).toBeCloseTo(cost / courses, 2)
    }
  })

  test('a year with a month not reported says so instead of giving a falsely high unit cost', async () => {
    const { body } = await value('from=2025/26&to=2025/26&service=ccbt-adults&sdc=off')
    const rows = body!.rows
    // Fife's 11 months of activity would put its £6,000 and share over too few courses.
    expect(pick(rows, '2025/26', 'S08000029', 'cost_per_completed')).toMatchObject({ value: null, qualifier: ':' })
    expect(body!.metadata.notes.join('\n')).toMatch(/Fife: 1 of 12 months of 2025\/26 not reported \(2025-05\)/)
    // Scotland's is of the 13 boards that reported every month. The licence is shared by the
    // referrals of the 11 months every board reported: 30 a month a board, 60 in Lothian, so
    // 4,950 in all; each of the 12 other boards bears 330/4,950 (£12,000), Lothian 660/4,950
    // (£24,000). Their costs: 12 x (£6,000 + £12,000) + £36,000 + £24,000 = £276,000, over
    // 12 x 120 + 240 = 1,680 completed courses: £164.29.
    const scotland = pick(rows, '2025/26', 'S92000003', 'cost_per_completed')!
    expect(scotland).toMatchObject({ value: 164.29, qualifier: null })
    expect(body!.metadata.notes.join('\n')).toMatch(/Unit costs of 2025\/26 are of the 13 of 14 boards that reported every month/)
  })

  test('a year not yet over gives no unit costs', async () => {
    const early = await exportValue({
      params: new URLSearchParams('from=2025/26&to=2025/26&service=ccbt-adults&sdc=off'),
      actor: national,
      now: new Date('2025-11-20T12:00:00Z'),
      threshold: 4,
      deadlineDay: 15,
    })
    const rows = ((await early.json()) as { rows: Row[] }).rows
    expect(pick(rows, '2025/26', 'S92000003', 'cost_per_completed')).toMatchObject({ value: null, qualifier: ':' })
    expect(pick(rows, '2025/26', 'S08000024', 'cost_per_completed')).toMatchObject({ value: null, qualifier: ':' })
    // The year's costs are known.
    expect(pick(rows, '2025/26', 'S92000003', 'total_cost')?.value).toBe(294_000)
  })

  test("board leads cannot read other boards' cost amounts", async () => {
    const refused = await value('from=2024/25&to=2024/25&board=S08000029', lothianLead)
    expect(refused.response.status).toBe(403)
    const own = await value('from=2024/25&to=2024/25&service=ccbt-adults', lothianLead)
    const boards = new Set(own.body!.rows.map((r) => r.board_code))
    expect([...boards].sort()).toEqual(['S08000024', 'S92000003'])
  })

  test('CSV and XLSX carry the interface columns; a bad parameter is a 400 naming it', async () => {
    const csv = await value('from=2024/25&to=2024/25&service=therapies&format=csv')
    const text = await csv.response.text()
    expect(text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'financial_year,board_code,board_name,service,measure,value,qualifier',
    )
    const xlsx = await value('from=2024/25&to=2024/25&format=xlsx')
    expect(xlsx.response.headers.get('content-type')).toMatch(/spreadsheetml/)
    const bad = await value('from=2024-25&colour=blue')
    expect(bad.response.status).toBe(400)
    const problems = ((await bad.response.json()) as { problems: { parameter: string }[] }).problems
    expect(problems.map((p) => p.parameter).sort()).toEqual(['colour', 'from'])
  })

  test('the OpenAPI description lists exactly its parameters and columns', () => {
    const operation = OPENAPI_DOCUMENT.paths['/api/v1/value'].get
    expect(operation.parameters.map((p) => p.name)).toEqual(Object.keys(ValueParamsSchema.shape))
    expect(OPENAPI_DOCUMENT.components.schemas.ValueRow.required).toEqual([...VALUE_COLUMNS])
    expect(VALUE_COLUMNS).toEqual([
      'financial_year',
      'board_code',
      'board_name',
      'service',
      'measure',
      'value',
      'qualifier',
    ])
  })
})
