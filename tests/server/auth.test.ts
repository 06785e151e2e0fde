// Accounts and sessions through the real server: each test is able to fail if the protection
// it names is removed.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { queryRows } from '#db/client.ts'
import { createTestUser, TEST_PASSWORD, TestClient } from '#tests/setup/client.ts'
import { resetData, useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

const t = useTestDatabase()
let server: Awaited<ReturnType<typeof startTestServer>>
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.close())

let lothian: number
beforeEach(async () => {
  await resetData(t.db)
  await t.db.execute(sql`truncate rate_limits`)
  lothian = (await queryRows<{ id: number }>(t.db, sql`select id from org_units where code = 'S08000024'`))[0]!.id
  await createTestUser('lead@example.scot', 'national_lead')
  await createTestUser('lothian@example.scot', 'board_lead', lothian)
  await createTestUser('analyst@example.scot', 'analyst')
})

const sessionCount = async () =>
  (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from sessions where revoked_at is null`))[0]!.n

describe('signing in', () => {
  test('every page but sign-in and health checks needs a session', async () => {
    const client = new TestClient(server.url)
    for (const path of ['/', '/admin/users', '/audit', '/admin/catalogue', '/admin/coverage']) {
      const response = await client.get(path)
      expect(response.status, path).toBe(302)
      expect(response.headers.get('location'), path).toMatch(/^\/login/)
    }
    expect((await client.get('/login')).status).toBe(200)
    expect((await client.get('/healthz')).status).toBe(200)
    expect((await client.get('/readyz')).status).toBe(200)
  })

  test('the session cookie is __Host-, Secure, HttpOnly and SameSite=Lax, and the header names the user', async () => {
    const client = new TestClient(server.url)
    const response = await client.signIn('lothian@example.scot')
    expect(response.status).toBe(302)
    const cookie = response.headers.get('set-cookie')!
    expect(cookie).toMatch(/^__Host-session=/)
    expect(cookie).toMatch(/; Secure/i)
    expect(cookie).toMatch(/; HttpOnly/i)
    expect(cookie).toMatch(/; SameSite=Lax/i)
    expect(cookie).toMatch(/; Path=\//i)
    expect(cookie).not.toMatch(/Domain=/i)
    const page = await client.get('/')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('lothian')
    expect(html).toContain('Board digital therapy lead, Lothian')
    expect(html).toContain('Sign out')
  })

  test('the email is not case-sensitive', async () => {
    const client = new TestClient(server.url)
    expect((await client.signIn('Lothian@Example.SCOT')).status).toBe(302)
  })

  test('an unknown account and a wrong password get the same answer', async () => {
    const unknown = await new TestClient(server.url).signIn('nobody@example.scot')
    const wrong = await new TestClient(server.url).signIn('lothian@example.scot', 'not the right password')
    expect(unknown.status).toBe(400)
    expect(wrong.status).toBe(400)
    const message = (html: string) => /ds_error-summary__list"><li><a[^>]*>([^<]+)</.exec(html)?.[1]
    const [a, b] = [message(await unknown.text()), message(await wrong.text())]
    expect(a).toBe('The email address or password is not right')
    expect(b).toBe(a)
  })

  test('a disabled account cannot sign in, with the same answer', async () => {
    await t.db.execute(sql`update users set disabled = true where email = 'analyst@example.scot'`)
    const response = await new TestClient(server.url).signIn('analyst@example.scot')
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('The email address or password is not right')
  })

  test('passwords are stored as argon2id hashes', async () => {
    const rows = await queryRows<{ password_hash: string }>(t.db, sql`select password_hash from users`)
    for (const row of rows) expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  })
})

describe('sessions', () => {
  test('signing in gives a new session id, and the one held before stops working (fixation)', async () => {
    const client = new TestClient(server.url)
    await client.signIn('analyst@example.scot')
    const before = client.cookie
    await client.signIn('analyst@example.scot')
    expect(client.cookie).not.toBe(before)
    const old = new TestClient(server.url)
    old.cookie = before
    expect((await old.get('/')).status).toBe(302)
    expect((await client.get('/')).status).toBe(200)
  })

  test('after signing out, replaying the old cookie is refused', async () => {
    const client = new TestClient(server.url)
    await client.signIn('analyst@example.scot')
    const cookie = client.cookie
    const out = await client.post('/logout', {})
    expect(out.status).toBe(302)
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/)
    const replay = new TestClient(server.url)
    replay.cookie = cookie
    expect((await replay.get('/')).status).toBe(302)
  })

  test('a session idle for 30 minutes ends', async () => {
    const client = new TestClient(server.url)
    await client.signIn('analyst@example.scot')
    await t.db.execute(sql`update sessions set last_seen_at = now() - interval '29 minutes'`)
    expect((await client.get('/')).status).toBe(200)
    await t.db.execute(sql`update sessions set last_seen_at = now() - interval '31 minutes'`)
    expect((await client.get('/')).status).toBe(302)
  })

  test('a session ends 12 hours after sign-in however active', async () => {
    const client = new TestClient(server.url)
    await client.signIn('analyst@example.scot')
    await t.db.execute(sql`update sessions set expires_at = now() - interval '1 second', last_seen_at = now()`)
    expect((await client.get('/')).status).toBe(302)
  })

  test('a disabled user is out at once', async () => {
    const analyst = new TestClient(server.url)
    await analyst.signIn('analyst@example.scot')
    expect((await analyst.get('/')).status).toBe(200)
    const lead = new TestClient(server.url)
    await lead.signIn('lead@example.scot')
    const id = (
      await queryRows<{ id: number }>(t.db, sql`select id from users where email = 'analyst@example.scot'`)
    )[0]!.id
    const response = await lead.post(`/admin/users/${id}`, {
      intent: 'change',
      name: 'Analyst',
      role: 'analyst',
      disabled: 'on',
    })
    expect(response.status).toBe(302)
    expect((await analyst.get('/')).status).toBe(302)
  })
})

/** The messages of a page's error summary, as a person reads them. */
function errorSummary(html: string) {
  const list = /ds_error-summary__list">(.*?)<\/ul>/s.exec(html)?.[1] ?? ''
  return [...list.matchAll(/<a[^>]*>([^<]+)<\/a>/g)].map((m) =>
    m[1]!
      .replaceAll('&#x27;', "'")
      .replaceAll('&quot;', '"')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&'),
  )
}

const userId = async (email: string) =>
  (await queryRows<{ id: number }>(t.db, sql`select id from users where email = ${email}`))[0]?.id

describe('passwords people can guess are refused, saying why', () => {
  test('creating an account with P@55w0rd2026 is refused and creates nothing; a strong one works', async () => {
    const lead = new TestClient(server.url)
    await lead.signIn('lead@example.scot')
    const form = { email: 'new.lead@example.scot', name: 'Morag Campbell', role: 'analyst' }
    const refused = await lead.post('/admin/users/new', { ...form, password: 'P@55w0rd2026' })
    expect(refused.status).toBe(400)
    const html = await refused.text()
    const [message] = errorSummary(html)
    expect(message).toMatch(/^Password is too easy to guess\. This is similar to a commonly used password\. /)
    expect(message).toContain("Avoid predictable letter substitutions like '@' for 'a'.")
    // The refused password is not sent back in the page.
    expect(html).not.toContain('P@55w0rd2026')
    expect(await userId('new.lead@example.scot')).toBeUndefined()

    const created = await lead.post('/admin/users/new', { ...form, password: 'heather kettle lighthouse' })
    expect(created.status).toBe(302)
    expect(await userId('new.lead@example.scot')).toBeGreaterThan(0)
  })

  test('creating an account whose password is a board’s name and a year is refused', async () => {
    const lead = new TestClient(server.url)
    await lead.signIn('lead@example.scot')
    const refused = await lead.post('/admin/users/new', {
      email: 'fife.lead@example.scot',
      name: 'Fife Lead',
      role: 'analyst',
      password: 'Grampian2026!',
    })
    expect(refused.status).toBe(400)
    expect(errorSummary(await refused.text())[0]).toContain(
      'It contains a name, an email address or a board’s name, which are easy to guess.',
    )
  })

  test('resetting a password to Qwerty123456! is refused and the old password still works', async () => {
    const lead = new TestClient(server.url)
    await lead.signIn('lead@example.scot')
    const id = await userId('analyst@example.scot')
    const refused = await lead.post(`/admin/users/${id}`, { intent: 'reset-password', password: 'Qwerty123456!' })
    expect(refused.status).toBe(400)
    expect(errorSummary(await refused.text())).toEqual([
      expect.stringMatching(/^Password is too easy to guess\. This is similar to a commonly used password\./),
    ])
    expect((await new TestClient(server.url).signIn('analyst@example.scot')).status).toBe(302)
  })

  test('changing one’s own password to Passw0rd!234 is refused and the old password still works', async () => {
    const analyst = new TestClient(server.url)
    await analyst.signIn('analyst@example.scot')
    const refused = await analyst.post('/account', {
      currentPassword: TEST_PASSWORD,
      password: 'Passw0rd!234',
      confirmPassword: 'Passw0rd!234',
    })
    expect(refused.status).toBe(400)
    expect(errorSummary(await refused.text())).toEqual([
      expect.stringMatching(/^Password is too easy to guess\. This is similar to a commonly used password\./),
    ])
    expect((await new TestClient(server.url).signIn('analyst@example.scot')).status).toBe(302)
  })
})

describe('someone can always administer the service', () => {
  test('a national lead removing their own role sees the reason as a form error, and nothing changes', async () => {
    const lead = new TestClient(server.url)
    await lead.signIn('lead@example.scot')
    const id = await userId('lead@example.scot')
    const before = await queryRows(t.db, sql`select role, disabled from users where id = ${id}`)
    const response = await lead.post(`/admin/users/${id}`, { intent: 'change', name: 'Lead', role: 'analyst' })
    expect(response.status).toBe(400)
    expect(errorSummary(await response.text())).toEqual([
      'You cannot disable your own account or remove your own national lead role. Ask another national lead.',
    ])
    expect(await queryRows(t.db, sql`select role, disabled from users where id = ${id}`)).toEqual(before)
  })
})

describe('after signing in, only same-site paths', () => {
  test.each(['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)'])(
    '%s lands on /',
    async (redirectTo) => {
      const response = await new TestClient(server.url).signIn('analyst@example.scot', undefined, redirectTo)
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toBe('/')
    },
  )

  test('a same-site path is kept', async () => {
    const response = await new TestClient(server.url).signIn('lead@example.scot', undefined, '/admin/users?x=1')
    expect(response.headers.get('location')).toBe('/admin/users?x=1')
  })
})

describe('throttling', () => {
  test('after 5 failures for one account the 6th attempt is refused, even with the right password, and other accounts still sign in', async () => {
    const client = new TestClient(server.url, '198.51.100.7')
    for (let i = 0; i < 5; i++)
      expect((await client.signIn('analyst@example.scot', 'wrong password here')).status).toBe(400)
    const blocked = await client.signIn('analyst@example.scot')
    expect(blocked.status).toBe(429)
    expect(await blocked.text()).toContain('Too many attempts')
    // Another account from the same address is not locked out...
    expect((await new TestClient(server.url, '198.51.100.7').signIn('lead@example.scot')).status).toBe(302)
    // ...nor the same account from another address.
    expect((await new TestClient(server.url, '198.51.100.8').signIn('analyst@example.scot')).status).toBe(302)
  })

  test('an address failing across many accounts is slowed down', async () => {
    for (let account = 0; account < 10; account++) {
      for (let i = 0; i < 5; i++)
        await new TestClient(server.url, '192.0.2.50').signIn(`someone${account}@example.scot`, 'guess guess guess')
    }
    expect((await new TestClient(server.url, '192.0.2.50').signIn('lead@example.scot')).status).toBe(429)
    expect((await new TestClient(server.url, '192.0.2.51').signIn('lead@example.scot')).status).toBe(302)
  })
})

describe('requests from other sites', () => {
  test('a cross-origin sign-in is refused with 403 and creates no session', async () => {
    const response = await new TestClient(server.url).post(
      '/login',
      { email: 'analyst@example.scot', password: 'a long test pass phrase' },
      { origin: 'https://evil.example' },
    )
    expect(response.status).toBe(403)
    expect(await sessionCount()).toBe(0)
  })

  test('a cross-origin account change is refused with 403 and changes nothing', async () => {
    const lead = new TestClient(server.url)
    await lead.signIn('lead@example.scot')
    const before = await queryRows(t.db, sql`select * from users order by id`)
    const id = (
      await queryRows<{ id: number }>(t.db, sql`select id from users where email = 'analyst@example.scot'`)
    )[0]!.id
    const response = await lead.post(
      `/admin/users/${id}`,
      { intent: 'change', name: 'X', role: 'national_lead' },
      { origin: 'https://evil.example' },
    )
    expect(response.status).toBe(403)
    expect(await queryRows(t.db, sql`select * from users order by id`)).toEqual(before)
  })
})

describe('headers on every HTML response', () => {
  test('sign-in page, an authenticated page, an admin page and a 404 all carry them', async () => {
    const lead = new TestClient(server.url)
    await lead.signIn('lead@example.scot')
    const responses = [
      await new TestClient(server.url).get('/login'),
      await lead.get('/'),
      await lead.get('/admin/users'),
      await lead.get('/nowhere'),
    ]
    for (const response of responses) {
      const csp = response.headers.get('content-security-policy') ?? ''
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/)
      expect(csp).toContain("object-src 'none'")
      expect(csp).toContain("base-uri 'none'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(response.headers.get('strict-transport-security')).toContain('max-age=')
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('x-powered-by')).toBeNull()
      expect(response.headers.get('cache-control')).toBe('no-store')
    }
  })
})
