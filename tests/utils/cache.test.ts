import { sql } from 'drizzle-orm'
import { beforeEach, describe, expect, test } from 'vitest'
import { getDataVersion } from '#app/models/data-version.server.ts'
import { loadExportReference } from '#app/models/exports.server.ts'
import { findReturnUnit, loadRuleCatalogue, saveReturn } from '#app/models/returns.server.ts'
import { cachedAtVersion, clearCache, BoundedCache } from '#app/utils/cache.server.ts'
import { createTestUser } from '#tests/setup/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'
import { queryRows } from '#db/client.ts'
import { AUDIT_ACTIONS_READ_ONLY, AUDIT_CHANGES_DATA } from '#db/schema/index.ts'

const t = useTestDatabase()
beforeEach(async () => {
  clearCache()
  await resetData(t.db)
})

describe('the figures cache', () => {
  test('computes once per version, shares a computation in progress, and recomputes when the version moves', async () => {
    let runs = 0
    const compute = async () => ++runs
    const [a, b] = await Promise.all([cachedAtVersion('k', 'v1', compute), cachedAtVersion('k', 'v1', compute)])
    expect([a, b, runs]).toEqual([1, 1, 1])
    expect(await cachedAtVersion('k', 'v1', compute)).toBe(1)
    expect(await cachedAtVersion('k', 'v2', compute)).toBe(2)
    expect(await cachedAtVersion('other', 'v2', compute)).toBe(3)
  })

  test('keeps at most its bound, dropping the least recently used first', () => {
    const cache = new BoundedCache<number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    expect(cache.get('a')).toBe(1) // a is now the most recently used
    cache.set('c', 3)
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([1, undefined, 3, 2])
  })

  test('a failed computation is not kept', async () => {
    await expect(cachedAtVersion('k', 'v1', () => Promise.reject(new Error('database gone')))).rejects.toThrowError()
    expect(await cachedAtVersion('k', 'v1', async () => 'fine')).toBe('fine')
  })
})

describe(`the data version on ${ENGINE}`, () => {
  test('moves on with a saved figure, a submission, a coverage change and any audited change', async () => {
    const unit = await findReturnUnit({ code: 'S08000024' })
    const id = await createTestUser('national@example.scot', 'national_lead')
    const actor = { id, email: 'national@example.scot', role: 'national_lead' as const, orgUnitId: null }
    const now = new Date('2025-07-10T09:00:00Z')
    const seen = new Set([await getDataVersion()])
    const moved = async () => {
      const version = await getDataVersion()
      expect(seen.has(version), version).toBe(false)
      seen.add(version)
    }
    await saveReturn({
      actor,
      unit,
      month: '2025-06',
      expectedVersion: null,
      figures: [{ service: 'ccbt-adults', measure: 'referrals', value: 4 }],
      submit: false,
      reason: null,
      now,
    })
    await moved()
    await saveReturn({
      actor,
      unit,
      month: '2025-06',
      expectedVersion: null,
      figures: [],
      submit: true,
      reason: null,
      now,
    })
    await moved()
    await t.db.execute(
      sql`insert into service_availability (org_unit_id, service_id, status, live_from) values (${unit.id}, 1, 'live', '2030-01-01')`,
    )
    await moved()
    await t.db.execute(sql`insert into audit_events (action) values ('catalogue.service_changed')`)
    await moved()
  })

  test('stays the same when someone only reads or signs in: the dashboards keep their figures', async () => {
    const before = await getDataVersion()
    for (const action of AUDIT_ACTIONS_READ_ONLY) {
      await t.db.execute(sql`insert into audit_events (action) values (${action})`)
    }
    expect(await getDataVersion()).toBe(before)
    await t.db.execute(sql`insert into audit_events (action) values ('costs.changed')`)
    expect(await getDataVersion()).not.toBe(before)
  })

  test('finds the newest change in the audit trail through its index, not by reading the trail', async () => {
    const plan = await queryRows<{ 'QUERY PLAN': string }>(
      t.db,
      sql`explain select max(id) from audit_events where ${AUDIT_CHANGES_DATA}`,
    )
    expect(plan.map((line) => line['QUERY PLAN']).join('\n')).toContain('audit_events_data_changes')
  })
})

describe(`the export reference data on ${ENGINE}`, () => {
  test('is read once while it stays the same, and again as soon as a change to it commits', async () => {
    const first = await loadExportReference()
    expect(await loadExportReference()).toBe(first)
    // A saved figure or an export changes no reference data.
    await t.db.execute(sql`insert into audit_events (action) values ('export')`)
    expect(await loadExportReference()).toBe(first)

    await t.db.execute(sql`update services set name = 'Renamed service' where slug = 'ccbt-adults'`)
    const renamed = await loadExportReference()
    expect(renamed.services.find((s) => s.slug === 'ccbt-adults')?.name).toBe('Renamed service')

    // A change rolled back leaves what was kept right: its number is never used again.
    await t.db
      .transaction(async (tx) => {
        await tx.execute(sql`update measures set label = 'Rolled back' where name = 'referrals'`)
        tx.rollback()
      })
      .catch(() => {})
    const after = await loadExportReference()
    expect(after.measures.find((m) => m.name === 'referrals')?.label).not.toBe('Rolled back')
    await t.db.execute(
      sql`update service_availability set note = 'moved' where id = (select min(id) from service_availability)`,
    )
    expect(await loadExportReference()).not.toBe(after)
  })
})

describe(`the rules' catalogue on ${ENGINE}`, () => {
  const referenceVersion = async () =>
    (await queryRows<{ version: string }>(t.db, sql`select version::text as version from reference_version`))[0]!
      .version
  const label = (catalogue: Awaited<ReturnType<typeof loadRuleCatalogue>>) =>
    catalogue.breakdowns.dimensions.get('sex')?.label

  test('is read once while the reference data stays the same, and again when the breakdown catalogue changes', async () => {
    const first = await loadRuleCatalogue(t.db)
    expect(await loadRuleCatalogue(t.db)).toBe(first)
    await t.db.execute(sql`update breakdown_dimensions set label = 'Sex (renamed)' where name = 'sex'`)
    expect(label(await loadRuleCatalogue(t.db))).toBe('Sex (renamed)')
  })

  test('a transaction uses what is worked out, sees its own changes, and leaves nothing of them kept', async () => {
    const kept = await loadRuleCatalogue(t.db)
    await t.db
      .transaction(async (tx) => {
        expect(await loadRuleCatalogue(tx)).toBe(kept)
        await tx.execute(sql`update breakdown_dimensions set label = 'Rolled back' where name = 'sex'`)
        expect(label(await loadRuleCatalogue(tx))).toBe('Rolled back')
        tx.rollback()
      })
      .catch(() => {})
    expect(await loadRuleCatalogue(t.db)).toBe(kept)
  })

  test('a transaction never waits on a read still in progress, which may be waiting for its connection', async () => {
    // A read at this version that never finishes, as one queued behind the transaction would.
    void cachedAtVersion('rule-catalogue', await referenceVersion(), () => new Promise(() => {}))
    const catalogue = await t.db.transaction((tx) => loadRuleCatalogue(tx))
    expect(catalogue.measures.has('referrals')).toBe(true)
  })
})
