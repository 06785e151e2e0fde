// The rule that someone must always be able to administer the service: at least one active
// national lead remains, even when two changes that would remove one arrive at the same moment.
import { sql } from 'drizzle-orm'
import { beforeEach, describe, expect, test } from 'vitest'
import { AccountChangeError, updateUser } from '#app/models/users.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { queryRows } from '#db/client.ts'
import { createTestActor, createTestUser } from '#tests/setup/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()
let ailsa: Actor
let bruce: Actor

beforeEach(async () => {
  await resetData(t.db)
  const lead = async (email: string): Promise<Actor> => await createTestActor(email, 'national_lead')
  ailsa = await lead('ailsa@example.scot')
  bruce = await lead('bruce@example.scot')
})

const activeNationalLeads = async () =>
  (
    await queryRows<{ email: string }>(
      t.db,
      sql`select email from users where role = 'national_lead' and not disabled order by email`,
    )
  ).map((r) => r.email)

const demote = (actor: Actor, target: Actor) =>
  updateUser({
    actor,
    id: target.id,
    changes: { name: target.email, role: 'analyst', orgUnitId: null, disabled: false },
  })
const disable = (actor: Actor, target: Actor) =>
  updateUser({
    actor,
    id: target.id,
    changes: { name: target.email, role: 'national_lead', orgUnitId: null, disabled: true },
  })

const LAST_LEAD = /last active national lead account: keep it, or make another national lead first/

/**
 * Runs two changes at the same moment. On PostgreSQL a third transaction first locks every
 * account, both changes start and wait behind it (seen in pg_stat_activity), then it commits
 * and lets both go at once: without the rule's locks, each would see two national leads and
 * both would succeed. The embedded database runs one transaction at a time.
 */
async function atTheSameMoment(first: () => Promise<void>, second: () => Promise<void>) {
  if (ENGINE !== 'postgres') return Promise.allSettled([first(), second()])
  let results: Promise<PromiseSettledResult<void>[]> | undefined
  await t.db.transaction(async (blocker) => {
    await blocker.execute(sql`select id from users for update`)
    results = Promise.allSettled([first(), second()])
    const deadline = Date.now() + 10_000
    for (;;) {
      const [row] = await queryRows<{ n: number }>(
        t.db,
        sql`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`,
      )
      if (row!.n >= 2) break
      if (Date.now() > deadline) throw new Error('The two changes never waited for the lock')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })
  return results!
}

function expectOneRefused(results: PromiseSettledResult<void>[]) {
  expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
  const refused = results.find((r) => r.status === 'rejected')!
  expect(refused.reason).toBeInstanceOf(AccountChangeError)
  expect((refused.reason as Error).message).toMatch(LAST_LEAD)
}

describe(`the last active national lead on ${ENGINE}`, () => {
  test('two national leads demoting each other at once: one is refused, one lead remains', async () => {
    const results = await atTheSameMoment(
      () => demote(ailsa, bruce),
      () => demote(bruce, ailsa),
    )
    expectOneRefused(results)
    // Whichever change won, exactly one of the two is still an active national lead.
    const remaining = await activeNationalLeads()
    expect(remaining).toHaveLength(1)
    expect(['ailsa@example.scot', 'bruce@example.scot']).toContain(remaining[0])
    // The refused change left no trace: one change in the audit trail.
    const [audit] = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from audit_events where action like 'account.%' and action <> 'account.created'`,
    )
    expect(audit!.n).toBe(1)
  })

  test('a demotion racing a disable: one is refused, one lead remains', async () => {
    const results = await atTheSameMoment(
      () => demote(ailsa, bruce),
      () => disable(bruce, ailsa),
    )
    expectOneRefused(results)
    expect(await activeNationalLeads()).toHaveLength(1)
  })

  test('with a third national lead, both changes go through', async () => {
    await createTestUser('catriona@example.scot', 'national_lead')
    const results = await atTheSameMoment(
      () => demote(ailsa, bruce),
      () => disable(bruce, ailsa),
    )
    // ailsa demotes bruce and bruce disables ailsa: 3 - 2 = 1 lead left, catriona.
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled'])
    expect(await activeNationalLeads()).toEqual(['catriona@example.scot'])
  })

  test('one at a time: the second change is refused with the reason, and nothing changes', async () => {
    await demote(ailsa, bruce)
    // bruce's old session would still name him a national lead: the rule reads the database.
    await expect(demote(bruce, ailsa)).rejects.toThrowError(LAST_LEAD)
    await expect(disable(bruce, ailsa)).rejects.toThrowError(AccountChangeError)
    expect(await activeNationalLeads()).toEqual(['ailsa@example.scot'])
  })

  test('nobody can demote or disable themselves', async () => {
    await expect(demote(ailsa, ailsa)).rejects.toThrowError(/You cannot disable your own account/)
    await expect(disable(ailsa, ailsa)).rejects.toThrowError(/remove your own national lead role/)
    expect(await activeNationalLeads()).toEqual(['ailsa@example.scot', 'bruce@example.scot'])
    // Renaming oneself is fine.
    await updateUser({
      actor: ailsa,
      id: ailsa.id,
      changes: { name: 'Ailsa Grant', role: 'national_lead', orgUnitId: null, disabled: false },
    })
    const [row] = await queryRows<{ name: string }>(t.db, sql`select name from users where id = ${ailsa.id}`)
    expect(row!.name).toBe('Ailsa Grant')
  })

  test('a change to an account that does not exist is a 404', async () => {
    await expect(
      updateUser({
        actor: ailsa,
        id: 999_999,
        changes: { name: 'Nobody', role: 'analyst', orgUnitId: null, disabled: false },
      }),
    ).rejects.toMatchObject({ status: 404 })
  })
})
