// The roles table of DESIGN.md as a property: for random users, boards and actions, a request
// succeeds exactly when the table allows it, and a refused request changes no row.
import { fc } from '@fast-check/vitest'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createApiToken } from '#app/models/api-tokens.server.ts'
import type { Role } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { createTestUser, TestClient } from '#tests/setup/client.ts'
import { useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

const t = useTestDatabase()
let server: Awaited<ReturnType<typeof startTestServer>>

interface Member {
  role: Role
  boardId: number | null
  client: TestClient
  /** An API token of the widest scope the role may hold (submit, or read for analysts). */
  token: string
}
const members: Member[] = []
/** A member of each role equally often; board leads of any board. */
const anyMember = fc
  .tuple(fc.constantFrom<Role>('national_lead', 'board_lead', 'analyst'), fc.nat({ max: 1_000 }))
  .map(([role, n]) => {
    const candidates = members.filter((m) => m.role === role)
    return candidates[n % candidates.length]!
  })
let targetUserId: number
let serviceIds: number[]
let boardIds: number[]

beforeAll(async () => {
  server = await startTestServer()
  const boards = await queryRows<{ id: number; code: string }>(
    t.db,
    sql`select id, code from org_units where kind = 'board' order by code`,
  )
  boardIds = boards.map((b) => b.id)
  serviceIds = (await queryRows<{ id: number }>(t.db, sql`select id from services order by id`)).map((s) => s.id)
  const accounts: Array<{ email: string; role: Role; boardId: number | null }> = [
    { email: 'national@example.scot', role: 'national_lead', boardId: null },
    { email: 'analyst@example.scot', role: 'analyst', boardId: null },
    ...boards.map((b) => ({
      email: `lead.${b.code.toLowerCase()}@example.scot`,
      role: 'board_lead' as const,
      boardId: b.id,
    })),
  ]
  for (const account of accounts) {
    const id = await createTestUser(account.email, account.role, account.boardId)
    const client = new TestClient(server.url)
    expect((await client.signIn(account.email)).status).toBe(302)
    const token = await createApiToken({
      actor: { id, email: account.email, role: account.role, orgUnitId: account.boardId },
      name: `${account.email} script`,
      scope: account.role === 'analyst' ? 'read' : 'submit',
      expiresAt: null,
    })
    members.push({ role: account.role, boardId: account.boardId, client, token })
  }
  targetUserId = await createTestUser('target@example.scot', 'analyst')
}, 120_000)
afterAll(() => server.close())

/** What each request needs, straight from the roles table. */
type Rule =
  | 'everyone'
  | 'national_lead'
  | 'national_or_board_lead'
  | { ownBoard: number }
  | { exportBoard: number }
  | { boardLeadOf: number }
const allowed = (rule: Rule, member: Member) =>
  typeof rule === 'object' && 'boardLeadOf' in rule
    ? // Answering a query is the board's own lead's alone: not even the national lead's.
      member.role === 'board_lead' && member.boardId === rule.boardLeadOf
    : allowedByTable(rule, member)
const allowedByTable = (rule: Rule, member: Member) =>
  rule === 'everyone' ||
  (typeof rule === 'object' &&
    'exportBoard' in rule &&
    (member.role !== 'board_lead' || member.boardId === rule.exportBoard)) ||
  member.role === 'national_lead' ||
  (rule === 'national_or_board_lead' && member.role === 'board_lead') ||
  (typeof rule === 'object' && 'ownBoard' in rule && member.role === 'board_lead' && member.boardId === rule.ownBoard)

const PAGES: Array<{ path: () => string; rule: Rule }> = [
  { path: () => '/', rule: 'everyone' },
  { path: () => '/audit', rule: 'national_or_board_lead' },
  { path: () => '/admin', rule: 'national_lead' },
  { path: () => '/admin/users', rule: 'national_lead' },
  { path: () => '/admin/users/new', rule: 'national_lead' },
  { path: () => `/admin/users/${targetUserId}`, rule: 'national_lead' },
  { path: () => '/admin/catalogue', rule: 'national_lead' },
  { path: () => '/admin/catalogue/ccbt-adults', rule: 'national_lead' },
  { path: () => '/admin/coverage', rule: 'national_lead' },
  { path: () => '/admin/annotations', rule: 'national_or_board_lead' },
  { path: () => '/completeness', rule: 'everyone' },
  { path: () => '/returns', rule: 'national_or_board_lead' },
  { path: () => '/returns/upload', rule: 'national_or_board_lead' },
  { path: () => '/queries', rule: 'national_or_board_lead' },
  { path: () => '/queries?status=all&board=S08000024&month=2024-07', rule: 'national_or_board_lead' },
]

let counter = 0
const codeOf = async (board: number) =>
  (await queryRows<{ code: string }>(t.db, sql`select code from org_units where id = ${board}`))[0]!.code
const versionOf = async (board: number, month: string) =>
  (
    await queryRows<{ version: number }>(
      t.db,
      sql`select version from returns where org_unit_id = ${board} and month = ${`${month}-01`}`,
    )
  )[0]?.version ?? 0

/** A new event of the board's, written directly, for a change or removal to act on. */
const annotationOf = async (board: number) =>
  (
    await queryRows<{ id: number }>(
      t.db,
      sql`insert into annotations (event_date, org_unit_id, text, created_by, updated_by)
          values ('2024-02-01', ${board}, 'to act on', ${targetUserId}, ${targetUserId}) returning id`,
    )
  )[0]!.id

/** A board's return of July 2024, for queries to be about (written directly). */
const queryableReturn = async (board: number) => {
  await t.db.execute(sql`insert into returns (org_unit_id, month, status, submitted_at, first_submitted_at)
    values (${board}, '2024-07-01', 'submitted', now(), now()) on conflict (org_unit_id, month) do nothing`)
  return `/returns/${await codeOf(board)}/2024-07`
}
/** A new open query on that return, with its question, written directly. */
const queryOf = async (board: number) => {
  await queryableReturn(board)
  const [query] = await queryRows<{ id: number }>(
    t.db,
    sql`insert into data_queries (org_unit_id, month, raised_by) values (${board}, '2024-07-01', ${targetUserId}) returning id`,
  )
  await t.db.execute(
    sql`insert into query_messages (query_id, kind, body, author_id) values (${query!.id}, 'question', 'Is this right?', ${targetUserId})`,
  )
  return Number(query!.id)
}

const POSTS: Array<{
  name: string
  rule: (board: number) => Rule
  request: (board: number) => Promise<{ path: string; form: Record<string, string> }>
}> = [
  {
    // A board's own open month: its lead and the national lead may save figures into it.
    name: 'save a board’s return',
    rule: (board) => ({ ownBoard: board }),
    request: async (board) => ({
      path: `/returns/${await codeOf(board)}/2024-05`,
      form: {
        intent: 'save',
        version: String(await versionOf(board, '2024-05')),
        'v.ccbt-adults.referrals': String(++counter % 500),
      },
    }),
  },
  {
    name: 'approve a month',
    rule: () => 'national_lead',
    request: async (board) => {
      // Submitted first (directly), so approving is possible for whoever may do it.
      await t.db.execute(sql`insert into returns (org_unit_id, month, status, submitted_at, first_submitted_at)
        values (${board}, '2024-06-01', 'submitted', now(), now())
        on conflict (org_unit_id, month) do update set status = 'submitted', submitted_at = now()`)
      return {
        path: `/returns/${await codeOf(board)}/2024-06`,
        form: { intent: 'approve', version: String(await versionOf(board, '2024-06')) },
      }
    },
  },
  {
    name: 'raise a query on a board’s return',
    rule: () => 'national_lead',
    request: async (board) => ({
      path: await queryableReturn(board),
      form: { intent: 'raise-query', figure: 'ccbt-adults.referrals', body: `Query ${++counter}`, version: '0' },
    }),
  },
  {
    name: 'answer a board’s query',
    rule: (board) => ({ boardLeadOf: board }),
    request: async (board) => ({
      path: await queryableReturn(board),
      form: { intent: 'answer-query', queryId: String(await queryOf(board)), body: 'It is right', version: '0' },
    }),
  },
  {
    name: 'close a query',
    rule: () => 'national_lead',
    request: async (board) => ({
      path: await queryableReturn(board),
      form: { intent: 'close-query', queryId: String(await queryOf(board)), body: 'Settled' },
    }),
  },
  {
    name: 'create an account',
    rule: () => 'national_lead',
    request: async (board) => ({
      path: '/admin/users/new',
      form: {
        email: `new${++counter}@example.scot`,
        name: 'New person',
        role: 'board_lead',
        orgUnitId: String(board),
        password: 'another long pass phrase',
      },
    }),
  },
  {
    name: 'change an account',
    rule: () => 'national_lead',
    request: async (board) => ({
      path: `/admin/users/${targetUserId}`,
      form: { intent: 'change', name: `Target ${++counter}`, role: 'board_lead', orgUnitId: String(board) },
    }),
  },
  {
    name: 'record a coverage change',
    rule: () => 'national_lead',
    request: async (board) => {
      // A valid change: a later month than any recorded, and a status other than the current one.
      const serviceId = serviceIds[counter++ % serviceIds.length]!
      const [current] = await queryRows<{ status: string | null; next: string }>(
        t.db,
        sql`select (select status::text from service_availability where org_unit_id = ${board} and service_id = ${serviceId} and live_to is null) as status,
                   to_char(greatest(coalesce(max(live_from), '2030-01-01'), '2030-01-01') + interval '1 month', 'YYYY-MM') as next
            from service_availability where org_unit_id = ${board} and service_id = ${serviceId}`,
      )
      return {
        path: '/admin/coverage',
        form: {
          orgUnitId: String(board),
          serviceId: String(serviceId),
          status: current?.status === 'withdrawn' ? 'live' : 'withdrawn',
          fromMonth: current!.next,
          note: 'property test',
        },
      }
    },
  },
  {
    name: 'add an event to a board’s trends',
    rule: (board) => ({ ownBoard: board }),
    request: async (board) => ({
      path: '/admin/annotations',
      form: {
        intent: 'create',
        eventDate: '2024-03-15',
        orgUnitId: String(board),
        text: `Event ${++counter}`,
        rebase: 'on',
      },
    }),
  },
  {
    name: 'add a national event',
    rule: () => 'national_lead',
    request: async () => ({
      path: '/admin/annotations',
      form: { intent: 'create', eventDate: '2024-03-15', text: `National event ${++counter}` },
    }),
  },
  {
    name: 'change a board’s event',
    rule: (board) => ({ ownBoard: board }),
    request: async (board) => ({
      path: '/admin/annotations',
      form: {
        intent: 'update',
        id: String(await annotationOf(board)),
        eventDate: '2024-04-01',
        orgUnitId: String(board),
        text: `Changed ${++counter}`,
      },
    }),
  },
  {
    name: 'remove a board’s event',
    rule: (board) => ({ ownBoard: board }),
    request: async (board) => ({
      path: '/admin/annotations',
      form: { intent: 'delete', id: String(await annotationOf(board)) },
    }),
  },
  {
    name: 'add a treatment',
    rule: () => 'national_lead',
    request: async () => ({
      path: '/admin/catalogue/ccbt-adults',
      form: { intent: 'add-treatment', treatmentName: `Treatment ${++counter}` },
    }),
  },
  {
    name: 'add a service',
    rule: () => 'national_lead',
    request: async () => ({
      path: '/admin/catalogue',
      form: { slug: `new-service-${++counter}`, name: 'New service', family: 'ccbt', delivery: 'board' },
    }),
  },
]

/** A fingerprint of every table a refused request must leave alone. */
async function fingerprint({ withUse = true } = {}) {
  const tables = [
    'users',
    'services',
    'service_measures',
    'treatments',
    'service_availability',
    'org_unit_populations',
    'returns',
    'return_values',
    'audit_events',
    'api_tokens',
    'annotations',
    'data_queries',
    'query_messages',
    'submission_requests',
  ].filter((table) => withUse || (table !== 'audit_events' && table !== 'api_tokens'))
  const parts = await Promise.all(
    tables.map(async (table) => {
      const [row] = await queryRows<{ digest: string | null }>(
        t.db,
        sql`select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as digest from ${sql.identifier(table)} x`,
      )
      return `${table}:${row!.digest}`
    }),
  )
  return parts.join(',')
}

describe('the roles table, enforced on the server', () => {
  test('the API answers exactly the boards each role may read', async () => {
    await fc.assert(
      fc.asyncProperty(anyMember, fc.nat({ max: 1_000 }), async (member, boardIndex) => {
        const board = boardIds[boardIndex % boardIds.length]!
        const [unit] = await queryRows<{ code: string }>(t.db, sql`select code from org_units where id = ${board}`)
        const response = await member.client.get(
          `/api/v1/activity?from=2025-04&to=2025-06&board=${unit!.code}&format=json`,
        )
        expect(response.status).toBe(allowed({ exportBoard: board }, member) ? 200 : 403)
        expect((await member.client.get('/api/v1/boards')).status).toBe(200)
      }),
      { numRuns: 40 },
    )
  })

  test('pages open exactly to the roles allowed', async () => {
    await fc.assert(
      fc.asyncProperty(anyMember, fc.constantFrom(...PAGES), async (member, page) => {
        const response = await member.client.get(page.path())
        expect(response.status).toBe(allowed(page.rule, member) ? 200 : 403)
      }),
      { numRuns: 60 },
    )
  })

  test("monthly reports: the national one for everyone, a board's for all but other boards' leads", async () => {
    await fc.assert(
      fc.asyncProperty(anyMember, fc.nat({ max: 1_000 }), async (member, boardIndex) => {
        const board = boardIds[boardIndex % boardIds.length]!
        const response = await member.client.get(`/reports/2025-06?board=${await codeOf(board)}`)
        // A board's report follows what its figures may be exported by (the roles table's "own board").
        expect(response.status).toBe(allowed({ exportBoard: board }, member) ? 200 : 403)
        expect((await member.client.get('/reports/2025-06')).status).toBe(200)
      }),
      { numRuns: 20 },
    )
  })

  test('form posts succeed exactly when allowed, and a refused one changes no row', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyMember,
        fc.nat({ max: 1_000 }),
        fc.constantFrom(...POSTS),
        async (member, boardIndex, post) => {
          const board = boardIds[boardIndex % boardIds.length]!
          const { path, form } = await post.request(board)
          const before = await fingerprint()
          const response = await member.client.post(path, form)
          if (allowed(post.rule(board), member)) {
            expect(response.status, `${post.name} by ${member.role}`).toBe(302)
            expect(await fingerprint()).not.toBe(before)
          } else {
            expect(response.status, `${post.name} by ${member.role}`).toBe(403)
            expect(await fingerprint()).toBe(before)
          }
        },
      ),
      { numRuns: 80 },
    )
  })

  test('returns through the API are accepted exactly when the role may change the board, and a refused one changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(anyMember, fc.nat({ max: 1_000 }), async (member, boardIndex) => {
        const board = boardIds[boardIndex % boardIds.length]!
        // Not the record of the token's use: a refused submission is in the audit trail, as every
        // use of a token is, and the token's last-used time moves.
        const before = await fingerprint({ withUse: false })
        const response = await fetch(`${server.url}/api/v1/returns`, {
          method: 'POST',
          headers: { authorization: `Bearer ${member.token}`, 'content-type': 'text/csv' },
          body: `month,board_code,service,measure,value\r\n2024-05,${await codeOf(board)},ccbt-adults,referrals,${++counter % 500}`,
        })
        if (allowed({ ownBoard: board }, member)) {
          expect(response.status, `submission by ${member.role}`).toBe(200)
          expect(await fingerprint({ withUse: false })).not.toBe(before)
        } else {
          expect(response.status, `submission by ${member.role}`).toBe(403)
          expect(await fingerprint({ withUse: false })).toBe(before)
        }
      }),
      { numRuns: 40 },
    )
  })

  test('a board lead sees only their own board’s audit events', async () => {
    const lead = members.find((m) => m.role === 'board_lead')!
    const other = members.find((m) => m.role === 'board_lead' && m.boardId !== lead.boardId)!
    const [names] = await queryRows<{ own: string; other: string }>(
      t.db,
      sql`select (select name from org_units where id = ${lead.boardId}) as own, (select name from org_units where id = ${other.boardId}) as other`,
    )
    await t.db.execute(sql`insert into audit_events (action, org_unit_id, subject) values
      ('coverage.changed', ${lead.boardId}, 'own-board-event'), ('coverage.changed', ${other.boardId}, 'other-board-event')`)
    // Asking for the other board by URL changes nothing: the query keeps it out.
    const html = await (await lead.client.get(`/audit?board=${other.boardId}`)).text()
    expect(html).not.toContain('other-board-event')
    const own = await (await lead.client.get('/audit')).text()
    expect(own).toContain('own-board-event')
    expect(own).not.toContain('other-board-event')
    expect(own).toContain(names!.own)
  })

  test('a board lead sees only their own board’s queries, and cannot answer another board’s, whatever the address', async () => {
    const lead = members.find((m) => m.role === 'board_lead')!
    const other = members.find((m) => m.role === 'board_lead' && m.boardId !== lead.boardId)!
    const national = members.find((m) => m.role === 'national_lead')!
    const own = await queryOf(lead.boardId!)
    const theirs = await queryOf(other.boardId!)
    const [codes] = await queryRows<{ own: string; other: string }>(
      t.db,
      sql`select (select code from org_units where id = ${lead.boardId}) as own, (select code from org_units where id = ${other.boardId}) as other`,
    )
    const listed = async (member: Member, path: string) =>
      [...(await (await member.client.get(path)).text()).matchAll(/#query-(\d+)/g)].map((m) => Number(m[1]))
    // Asking for the other board by address changes nothing: the query keeps it out.
    for (const path of ['/queries?status=all', `/queries?status=all&board=${codes!.other}`]) {
      const ids = await listed(lead, path)
      expect(ids).toContain(own)
      expect(ids).not.toContain(theirs)
    }
    expect(await listed(national, '/queries?status=all')).toEqual(expect.arrayContaining([own, theirs]))
    expect((await lead.client.get(`/returns/${codes!.other}/2024-07`)).status).toBe(403)

    // The other board's query posted to the lead's own return: refused by the query's own where.
    const before = await fingerprint()
    const response = await lead.client.post(`/returns/${codes!.own}/2024-07`, {
      intent: 'answer-query',
      queryId: String(theirs),
      body: 'Not my board',
      version: '0',
    })
    expect(response.status).toBe(404)
    expect(await fingerprint()).toBe(before)
  })
})
