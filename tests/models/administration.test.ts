import { sql } from 'drizzle-orm'
import { beforeAll, beforeEach, describe, expect, test } from 'vitest'
import {
  CoverageChangeError,
  loadPopulationVintage,
  PopulationVintageError,
  recordAvailabilityChange,
} from '#app/models/availability.server.ts'
import { CatalogueError, getServiceCatalogue, updateService } from '#app/models/catalogue.server.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { type Executor, queryRows } from '#db/client.ts'
import { createTestUser } from '#tests/setup/client.ts'
import { ENGINE, resetData, useTestDatabase } from '#tests/setup/database.ts'

const t = useTestDatabase()
let lead: Actor
let ids: { lothian: number; adults: number; referrals: number; selfReferrals: number; sessions: number }

beforeAll(async () => {
  ;[ids] = (await queryRows(
    t.db,
    sql`select (select id from org_units where code = 'S08000024') as lothian, (select id from services where slug = 'ccbt-adults') as adults,
               (select id from measures where name = 'referrals') as referrals, (select id from measures where name = 'self_referrals') as "selfReferrals",
               (select id from measures where name = 'sessions') as sessions`,
  )) as [typeof ids]
})
beforeEach(async () => {
  await resetData(t.db)
  const id = await createTestUser('lead@example.scot', 'national_lead')
  lead = { id, email: 'lead@example.scot', role: 'national_lead', orgUnitId: null }
})

const periods = () =>
  queryRows<{ status: string; live_from: string; live_to: string | null }>(
    t.db,
    sql`select status::text, to_char(live_from, 'YYYY-MM') as live_from, to_char(live_to, 'YYYY-MM') as live_to
        from service_availability where org_unit_id = ${ids.lothian} and service_id = ${ids.adults} order by live_from`,
  )

describe(`coverage changes on ${ENGINE}`, () => {
  test('a change closes the open period the month before and keeps the history', async () => {
    expect(await periods()).toEqual([{ status: 'live', live_from: '2021-04', live_to: null }])
    await recordAvailabilityChange({
      actor: lead,
      change: {
        orgUnitId: ids.lothian,
        serviceId: ids.adults,
        status: 'withdrawn',
        fromMonth: '2026-01',
        note: 'Paused',
      },
    })
    await recordAvailabilityChange({
      actor: lead,
      change: { orgUnitId: ids.lothian, serviceId: ids.adults, status: 'live', fromMonth: '2026-04', note: 'Back' },
    })
    expect(await periods()).toEqual([
      { status: 'live', live_from: '2021-04', live_to: '2025-12' },
      { status: 'withdrawn', live_from: '2026-01', live_to: '2026-03' },
      { status: 'live', live_from: '2026-04', live_to: null },
    ])
    const [audit] = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from audit_events where action = 'coverage.changed' and org_unit_id = ${ids.lothian}`,
    )
    expect(audit!.n).toBe(2)
  })

  test('earlier history cannot be rewritten, and the same status twice is refused', async () => {
    const change = (status: 'live' | 'withdrawn', fromMonth: string) =>
      recordAvailabilityChange({
        actor: lead,
        change: { orgUnitId: ids.lothian, serviceId: ids.adults, status, fromMonth, note: '' },
      })
    await expect(change('withdrawn', '2021-04')).rejects.toThrowError(/must start after 2021-04/)
    await expect(change('live', '2026-01')).rejects.toThrowError(CoverageChangeError)
    expect(await periods()).toHaveLength(1)
  })

  test('only the national lead may change coverage', async () => {
    const analyst: Actor = { id: lead.id, email: 'a@example.scot', role: 'analyst', orgUnitId: null }
    await expect(
      recordAvailabilityChange({
        actor: analyst,
        change: { orgUnitId: ids.lothian, serviceId: ids.adults, status: 'withdrawn', fromMonth: '2026-01', note: '' },
      }),
    ).rejects.toMatchObject({ status: 403 })
    expect(await periods()).toHaveLength(1)
  })
})

describe(`the catalogue on ${ENGINE}`, () => {
  // A figure and a data query on Lothian's return for April 2025 (the return itself written first).
  const reportFigure = (measureId: number, db: Executor = t.db) =>
    db.execute(
      sql`insert into return_values (org_unit_id, service_id, month, measure_id, value) values (${ids.lothian}, ${ids.adults}, '2025-04-01', ${measureId}, 5)`,
    )
  const raiseQuery = (measureId: number, db: Executor = t.db) =>
    db.execute(
      sql`insert into data_queries (org_unit_id, month, service_id, measure_id, raised_by) values (${ids.lothian}, '2025-04-01', ${ids.adults}, ${measureId}, ${lead.id})`,
    )
  const change = (measureIds: number[]) =>
    updateService({ actor: lead, slug: 'ccbt-adults', changes: { name: 'cCBT Adults', description: '', measureIds } })
  const applied = async () =>
    (await getServiceCatalogue({ slug: 'ccbt-adults' })).measures.filter((m) => m.applies).map((m) => m.id)

  test('a measure that figures use cannot be removed; an unused one can be added and removed', async () => {
    await t.db.execute(sql`insert into returns (org_unit_id, month) values (${ids.lothian}, '2025-04-01')`)
    await reportFigure(ids.referrals)
    const before = await applied()
    await expect(change(before.filter((id) => id !== ids.referrals))).rejects.toThrowError(CatalogueError)
    await expect(change(before.filter((id) => id !== ids.referrals))).rejects.toThrowError(
      /Referrals cannot be removed/,
    )
    expect(await applied()).toEqual(before)
    await change([...before, ids.sessions])
    expect(await applied()).toContain(ids.sessions)
    await change(before)
    expect((await applied()).sort()).toEqual([...before].sort())
  })

  test('a measure broken down by category cannot be removed either, even before any figures', async () => {
    const before = await applied()
    // Referrals of cCBT for adults are broken down by deprivation, age and sex (reference data).
    await expect(change([])).rejects.toThrowError(/Referrals.* cannot be removed: they are broken down by category/)
    expect(await applied()).toEqual(before)
  })

  test('each measure says what uses it: figures, breakdowns by category, data queries', async () => {
    await t.db.execute(sql`insert into returns (org_unit_id, month) values (${ids.lothian}, '2025-04-01')`)
    await reportFigure(ids.referrals)
    await raiseQuery(ids.selfReferrals)
    const { measures } = await getServiceCatalogue({ slug: 'ccbt-adults' })
    const use = (name: string) => {
      const { applies, figures, brokenDown, queries } = measures.find((m) => m.name === name)!
      return { applies, figures, brokenDown, queries }
    }
    // The reference data break down referrals, started, completed, at caseness and recovered.
    expect(use('referrals')).toEqual({ applies: true, figures: 1, brokenDown: true, queries: 0 })
    expect(use('self_referrals')).toEqual({ applies: true, figures: 0, brokenDown: false, queries: 1 })
    expect(use('started')).toEqual({ applies: true, figures: 0, brokenDown: true, queries: 0 })
    expect(use('waiting_at_month_end')).toEqual({ applies: true, figures: 0, brokenDown: false, queries: 0 })
    expect(use('sessions')).toEqual({ applies: false, figures: 0, brokenDown: false, queries: 0 })

    // Removing them all names each measure in use once, with every reason it has.
    const before = await applied()
    await expect(change([])).rejects.toMatchObject({
      field: 'measures',
      message:
        'Referrals cannot be removed: figures have already been reported for it and it is broken down by category (in the reference data). ' +
        'Self-referrals cannot be removed: it is named by a data query. ' +
        'Started treatment, Completed treatment, At caseness at start and Recovered cannot be removed: they are broken down by category (in the reference data)',
    })
    expect(await applied()).toEqual(before)
  })

  test.skipIf(ENGINE !== 'postgres')(
    'a figure and a query saved while their measure is removed: the removal waits for them and is refused in words',
    async () => {
      await t.db.execute(sql`insert into returns (org_unit_id, month) values (${ids.lothian}, '2025-04-01')`)
      const before = await applied()
      // Another connection writes them and holds its transaction open.
      let commit!: () => void
      let written!: () => void
      const isWritten = new Promise<void>((resolve) => (written = resolve))
      const save = t.db.transaction(async (tx) => {
        await reportFigure(ids.selfReferrals, tx)
        await raiseQuery(ids.selfReferrals, tx)
        written()
        await new Promise<void>((resolve) => (commit = resolve))
      })
      await isWritten
      let settled = false
      const removal = change(before.filter((id) => id !== ids.selfReferrals))
        .catch((error: unknown) => error)
        .finally(() => (settled = true))
      const waitingOnLocks = async () =>
        (
          await queryRows<{ n: number }>(
            t.db,
            sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
          )
        )[0]!.n
      while (!settled && (await waitingOnLocks()) === 0) await new Promise((resolve) => setTimeout(resolve, 20))
      commit()
      await save
      const error = await removal
      expect(error).toBeInstanceOf(CatalogueError)
      expect(error).toMatchObject({
        message:
          'Self-referrals cannot be removed: figures have already been reported for it and it is named by a data query',
      })
      expect(await applied()).toEqual(before)
    },
  )
})

describe(`population vintages on ${ENGINE}`, () => {
  const count = async () =>
    (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from org_unit_populations`))[0]!.n

  test('a good file loads as a new vintage beside the old one', async () => {
    const before = await count()
    const csv = '\uFEFFcode,year,population\r\nS08000024,2024,"930,000"\r\nS08000018,2024,380000\r\n'
    expect(await loadPopulationVintage({ actor: lead, source: 'NRS mid-2024', csv })).toEqual({ rows: 2 })
    expect(await count()).toBe(before + 2)
    // The superseded Fife code is recoded to the current one.
    const [fife] = await queryRows<{ population: number }>(
      t.db,
      sql`select p.population from org_unit_populations p join org_units o on o.id = p.org_unit_id where o.code = 'S08000029' and p.year = 2024`,
    )
    expect(fife!.population).toBe(380_000)
  })

  test('a file with problems loads nothing and names each row and column', async () => {
    const before = await count()
    const csv = 'code,year,population\nS08000024,2024,930000\nS99999999,2024,1000\nS08000016,20x4,-5\n'
    const error = await loadPopulationVintage({ actor: lead, source: 'Bad file', csv }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PopulationVintageError)
    expect((error as PopulationVintageError).problems).toEqual([
      { row: 3, column: 'code', message: 'S99999999 is not a known board or national code' },
      { row: 4, column: 'year', message: 'Must be a year such as 2024' },
      { row: 4, column: 'population', message: 'Must be a whole number more than 0' },
    ])
    expect(await count()).toBe(before)
  })

  test('loading the same vintage twice is refused and changes nothing', async () => {
    const csv = 'code,year,population\nS08000024,2025,940000\n'
    await loadPopulationVintage({ actor: lead, source: 'NRS mid-2025', csv })
    const before = await count()
    await expect(loadPopulationVintage({ actor: lead, source: 'NRS mid-2025', csv })).rejects.toThrowError(
      PopulationVintageError,
    )
    expect(await count()).toBe(before)
  })
})
