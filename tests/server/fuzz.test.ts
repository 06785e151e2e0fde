// A fuzz pass over everything that crosses a trust boundary: the search parameters of every page,
// every form action, the upload parser and the API parameters. Nothing may answer 500; every
// refusal is a 4xx that says something.
import { fc } from '@fast-check/vitest'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parseUploadFile, UploadRejected } from '#app/returns/upload-parse.server.ts'
import { queryRows } from '#db/client.ts'
import { createTestUser, TestClient } from '#tests/setup/client.ts'
import { useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

const t = useTestDatabase()
let server: Awaited<ReturnType<typeof startTestServer>>
let national: TestClient
let lead: TestClient
let userId: number

beforeAll(async () => {
  server = await startTestServer()
  await createTestUser('national@example.scot', 'national_lead')
  const [lothian] = await queryRows<{ id: number }>(t.db, sql`select id from org_units where code = 'S08000024'`)
  userId = await createTestUser('lothian@example.scot', 'board_lead', lothian!.id)
  national = new TestClient(server.url)
  await national.signIn('national@example.scot')
  lead = new TestClient(server.url)
  await lead.signIn('lothian@example.scot')
})
afterAll(() => server.close())

/** Text as an attacker or a clumsy paste would send it. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '-1',
    '0',
    '1e309',
    'NaN',
    '2026-13',
    '2026-00',
    '9999-12',
    '0000-01',
    '2021-03',
    '../../etc/passwd',
    '<script>',
    "' or 1=1 --",
    '%00',
    '\u0000',
    '=1+1',
    'S08000024',
    'ccbt-adults',
    'referrals',
    'national_lead',
    'true',
    '[]',
    '{}',
  ),
  fc.integer().map(String),
)
const PARAM_NAMES = [
  'from',
  'to',
  'preset',
  'grain',
  'board',
  'service',
  'measure',
  'month',
  'until',
  'page',
  'who',
  'action',
  'sort',
  'dir',
  'indicator',
  'format',
  'layout',
  'sdc',
  'asAt',
  'done',
  'redirectTo',
  'x',
]
const query = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...PARAM_NAMES), fc.string({ maxLength: 10 })), nasty), { maxLength: 6 })
  .map((pairs) => {
    const params = new URLSearchParams()
    for (const [k, v] of pairs) params.append(k, v)
    return params.toString()
  })

const PAGES = [
  '/',
  '/returns',
  '/returns/S08000024/2025-06',
  '/returns/S08000024/2025-06/history',
  '/returns/upload',
  '/completeness',
  '/exports',
  '/audit',
  '/account',
  '/account/tokens',
  '/admin/users',
  '/admin/users/new',
  '/admin/catalogue',
  '/admin/catalogue/ccbt-adults',
  '/admin/coverage',
  '/login',
]

async function expectHandled(response: Response, where: string) {
  expect(response.status, where).toBeLessThan(500)
  if (response.status >= 400) expect((await response.text()).length, where).toBeGreaterThan(0)
}

describe('search parameters of every page', () => {
  test('never give a server error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PAGES), query, fc.boolean(), async (page, search, asLead) => {
        const client = asLead ? lead : national
        await expectHandled(await client.get(`${page}?${search}`), `${page}?${search}`)
      }),
      { numRuns: 150 },
    )
  })

  test('odd paths never give a server error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/returns/', '/admin/users/', '/admin/catalogue/', '/api/v1/'),
        nasty,
        async (base, tail) => {
          await expectHandled(await national.get(`${base}${encodeURIComponent(tail)}`), `${base}${tail}`)
        },
      ),
      { numRuns: 60 },
    )
  })
})

const FORMS = [
  '/login',
  '/admin/users/new',
  '/admin/catalogue',
  '/admin/catalogue/ccbt-adults',
  '/admin/coverage',
  '/returns/S08000024/2025-06',
  '/returns/upload',
  '/account',
  '/account/tokens',
]
const FIELD_NAMES = [
  'intent',
  'version',
  'email',
  'password',
  'name',
  'role',
  'orgUnitId',
  'disabled',
  'slug',
  'family',
  'delivery',
  'description',
  'measureIds',
  'treatmentName',
  'treatmentId',
  'serviceId',
  'status',
  'fromMonth',
  'note',
  'reason',
  'uploadId',
  'currentPassword',
  'confirmPassword',
  'expiresIn',
  'id',
  'redirectTo',
  'v.ccbt-adults.referrals',
  'c.ccbt-adults.referrals',
  'v.x.y',
]
const INTENTS = [
  'save',
  'submit',
  'approve',
  'reopen',
  'change',
  'reset-password',
  'service',
  'add-treatment',
  'retire-treatment',
  'create',
  'revoke',
]
const form = fc.array(fc.tuple(fc.constantFrom(...FIELD_NAMES), fc.oneof(nasty, fc.constantFrom(...INTENTS))), {
  maxLength: 8,
})

describe('every form action', () => {
  test('answers random fields with a redirect or a 4xx, never a server error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FORMS, `/admin/users/${0}`),
        form,
        fc.boolean(),
        async (path, fields, asLead) => {
          const client = asLead ? lead : national
          const target = path === '/admin/users/0' ? `/admin/users/${userId}` : path
          const body: Record<string, string[]> = {}
          for (const [k, v] of fields) (body[k] ??= []).push(v)
          const response = await client.post(target, body)
          await expectHandled(response, `${target} ${JSON.stringify(body)}`)
          // Keep the sessions for the next run: re-sign in if a random form signed one out.
          if (target === '/login' || response.headers.get('location') === '/login') {
            await national.signIn('national@example.scot')
            await lead.signIn('lothian@example.scot')
          }
        },
      ),
      { numRuns: 120 },
    )
  })
})

describe('the upload parser', () => {
  test('random bytes are refused with problems, never an unexpected error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2_000 }), async (bytes) => {
        await parseUploadFile(bytes).catch((error: unknown) => {
          expect(error).toBeInstanceOf(UploadRejected)
          expect((error as UploadRejected).problems.length).toBeGreaterThan(0)
        })
      }),
      { numRuns: 300 },
    )
  })

  test('random CSV text parses or is refused with rows and columns named', async () => {
    const cell = fc.oneof(nasty, fc.constantFrom('"', '""', ',', '\r\n', '\n'))
    const csv = fc
      .array(fc.array(cell, { maxLength: 7 }), { maxLength: 8 })
      .map((rows) => ['month,board_code,service,measure,value,comment', ...rows.map((r) => r.join(','))].join('\r\n'))
    await fc.assert(
      fc.asyncProperty(csv, async (text) => {
        await parseUploadFile(new TextEncoder().encode(text)).catch((error: unknown) => {
          expect(error).toBeInstanceOf(UploadRejected)
          for (const p of (error as UploadRejected).problems) expect(p.message.length).toBeGreaterThan(0)
        })
      }),
      { numRuns: 300 },
    )
  })
})

describe('the API parameters', () => {
  test('give data, a 400 naming the problems, or a 403, never a server error', async () => {
    await fc.assert(
      fc.asyncProperty(
        query,
        fc.constantFrom(
          '/api/v1/activity',
          '/api/v1/activity/metadata',
          '/api/v1/boards',
          '/api/v1/services',
          '/api/v1/coverage',
        ),
        async (search, path) => {
          const response = await lead.get(`${path}?${search}`)
          expect(response.status, `${path}?${search}`).toBeLessThan(500)
          if (response.status === 400) {
            const body = (await response.json()) as { problems: Array<{ parameter: string; message: string }> }
            expect(body.problems.length).toBeGreaterThan(0)
          } else {
            await response.arrayBuffer()
          }
        },
      ),
      { numRuns: 150 },
    )
  })
})
