// TRUST_PROXY decides who may name the client's address in X-Forwarded-For. The sign-in limits
// and the audit trail use that address: trusted, each user behind the load balancer is counted
// and recorded on their own; untrusted, a forged header changes nothing.
import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { readConfig } from '#app/utils/config.server.ts'
import { queryRows } from '#db/client.ts'
import { createTestUser, TestClient } from '#tests/setup/client.ts'
import { resetData, useTestDatabase } from '#tests/setup/database.ts'
import { startTestServer } from '#tests/setup/server.ts'

const t = useTestDatabase()
let server: Awaited<ReturnType<typeof startTestServer>> | undefined

beforeEach(async () => {
  await resetData(t.db)
  await t.db.execute(sql`truncate rate_limits`)
  await createTestUser('analyst@example.scot', 'analyst')
})
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** TRUST_PROXY as the environment would give it, parsed by the real configuration. */
async function serverTrusting(trustProxy: string | undefined) {
  const { TRUST_PROXY } = readConfig({
    NODE_ENV: 'test',
    DATA_DIR: '.data/test',
    SESSION_SECRET: 'x'.repeat(40),
    TRUST_PROXY: trustProxy,
  })
  server = await startTestServer({ config: { TRUST_PROXY } })
  return server.url
}

const failedSignInAddresses = async () =>
  (
    await queryRows<{ ip: string }>(t.db, sql`select ip from audit_events where action = 'signin.failed' order by id`)
  ).map((r) => r.ip)

const WRONG = 'not the right password'

describe('without TRUST_PROXY', () => {
  test('a forged X-Forwarded-For is ignored: the limit counts the real address and the audit records it', async () => {
    const url = await serverTrusting(undefined)
    // Five failures, each claiming another address: all come from 127.0.0.1, so they add up.
    for (let i = 1; i <= 5; i++) {
      expect((await new TestClient(url, `198.51.100.${i}`).signIn('analyst@example.scot', WRONG)).status).toBe(400)
    }
    // A sixth "new" address does not escape the account's limit (5 per account and address).
    const blocked = await new TestClient(url, '198.51.100.99').signIn('analyst@example.scot')
    expect(blocked.status).toBe(429)
    expect(await failedSignInAddresses()).toEqual(Array(5).fill('127.0.0.1'))
  })
})

describe('with TRUST_PROXY=loopback (a proxy on this machine)', () => {
  test('each client is limited and recorded under its own address', async () => {
    const url = await serverTrusting('loopback')
    for (let i = 0; i < 5; i++) {
      expect((await new TestClient(url, '198.51.100.7').signIn('analyst@example.scot', WRONG)).status).toBe(400)
    }
    expect((await new TestClient(url, '198.51.100.7').signIn('analyst@example.scot')).status).toBe(429)
    // Another user behind the same proxy is not locked out.
    expect((await new TestClient(url, '198.51.100.8').signIn('analyst@example.scot')).status).toBe(302)
    expect(await failedSignInAddresses()).toEqual(Array(5).fill('198.51.100.7'))
  })
})

describe('with TRUST_PROXY as a hop count', () => {
  test('1 hop: the address the load balancer saw, not what the client wrote before it', async () => {
    const url = await serverTrusting('1')
    // The client forged "203.0.113.66"; the balancer appended the address it really saw.
    await new TestClient(url, '203.0.113.66, 198.51.100.9').signIn('analyst@example.scot', WRONG)
    expect(await failedSignInAddresses()).toEqual(['198.51.100.9'])
  })
})

describe('with TRUST_PROXY as addresses', () => {
  test('a peer outside the trusted range cannot name an address', async () => {
    const url = await serverTrusting('10.0.0.0/8, 192.168.1.5')
    await new TestClient(url, '198.51.100.7').signIn('analyst@example.scot', WRONG)
    expect(await failedSignInAddresses()).toEqual(['127.0.0.1'])
  })

  test('a peer inside it can', async () => {
    const url = await serverTrusting('127.0.0.0/8')
    await new TestClient(url, '198.51.100.7').signIn('analyst@example.scot', WRONG)
    expect(await failedSignInAddresses()).toEqual(['198.51.100.7'])
  })
})
