import { sql } from 'drizzle-orm'
import { beforeEach, describe, expect, test } from 'vitest'
import {
  createApiToken,
  findApiToken,
  findApiTokenUser,
  hashApiToken,
  revokeApiToken,
} from '#app/models/api-tokens.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { createTestActor } from '#tests/setup/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()
let analyst: Actor

beforeEach(async () => {
  await resetData(t.db)
  analyst = await createTestActor('analyst@example.scot', 'analyst')
})

describe(`API tokens on ${ENGINE}`, () => {
  test('a token is stored only as its SHA-256 and finds its owner', async () => {
    const token = await createApiToken({ actor: analyst, name: 'Briefing script', expiresAt: null })
    expect(token).toMatch(/^dtd_[A-Za-z0-9_-]{43}$/)
    const rows = await queryRows<Record<string, unknown>>(t.db, sql`select * from api_tokens`)
    expect(JSON.stringify(rows)).not.toContain(token.slice(4))
    expect(rows[0]!.token_hash).toBe(hashApiToken(token))
    expect(await findApiTokenUser({ token })).toMatchObject({ id: analyst.id, role: 'analyst' })
    expect(await findApiTokenUser({ token: `${token}x` })).toBeNull()
  })

  test('a revoked token is refused at once', async () => {
    const token = await createApiToken({ actor: analyst, name: 'To revoke', expiresAt: null })
    const [{ id }] = (await queryRows<{ id: number }>(t.db, sql`select id from api_tokens`)) as [{ id: number }]
    await revokeApiToken({ actor: analyst, id })
    expect(await findApiTokenUser({ token })).toBeNull()
  })

  test('an expired token, or one whose owner is disabled, is refused', async () => {
    const expired = await createApiToken({ actor: analyst, name: 'Short', expiresAt: new Date(Date.now() - 1000) })
    expect(await findApiTokenUser({ token: expired })).toBeNull()
    const live = await createApiToken({ actor: analyst, name: 'Live', expiresAt: null })
    await t.db.execute(sql`update users set disabled = true`)
    expect(await findApiTokenUser({ token: live })).toBeNull()
  })

  test('board leads create submit tokens only, analysts read tokens only; the scope is kept', async () => {
    const [lothian] = await queryRows<{ id: number }>(t.db, sql`select id from org_units where code = 'S08000024'`)
    const lead: Actor = await createTestActor('lead@example.scot', 'board_lead', lothian!.id)
    await expect(createApiToken({ actor: lead, name: 'x', expiresAt: null })).rejects.toMatchObject({ status: 403 })
    await expect(createApiToken({ actor: analyst, name: 'x', scope: 'submit', expiresAt: null })).rejects.toMatchObject(
      { status: 403 },
    )
    const feed = await createApiToken({ actor: lead, name: 'PAS feed', scope: 'submit', expiresAt: null })
    expect(await findApiToken({ token: feed })).toMatchObject({
      user: { id: lead.id, role: 'board_lead', orgUnitId: lothian!.id },
      token: { name: 'PAS feed', scope: 'submit' },
    })
    const read = await createApiToken({ actor: analyst, name: 'Briefing', expiresAt: null })
    expect(await findApiToken({ token: read })).toMatchObject({ token: { name: 'Briefing', scope: 'read' } })
    const [created] = await queryRows<{ details: { scope: string }; org_unit_id: number }>(
      t.db,
      sql`select details, org_unit_id from audit_events where action = 'token.created' and subject = 'PAS feed'`,
    )
    expect(created).toEqual({ details: { scope: 'submit' }, org_unit_id: lothian!.id })
  })
})
