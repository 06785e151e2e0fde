// The large synthetic data set of the benchmark: about ten times Scotland. The reference data of
// the product (14 boards, 13 services) plus synthetic boards and services up to 140 org units
// and 40 services, every service live everywhere, and 20 years of monthly returns, all
// submitted except a few missing ones. Generated in SQL, set-based, so tens of millions of
// rows load in minutes rather than hours.
import { sql } from 'drizzle-orm'
import { addMonths, toMonthDate } from '#app/utils/dates.ts'
import { type Database, queryRows } from '#db/client.ts'
import { loadReferenceData } from '#seed/reference.ts'

export interface LargeScale {
  orgUnits: number
  services: number
  months: number
}

export const LARGE_SCALE: LargeScale = { orgUnits: 140, services: 40, months: 240 }

/** Which measures the synthetic services carry, by family (cycled to reach the service count). */
const SYNTHETIC_FAMILIES = [
  { family: 'ccbt', measures: 'therapy' },
  { family: 'ccbt', measures: 'therapy' },
  { family: 'ccbt', measures: 'therapy' },
  { family: 'video', measures: 'sessions' },
  { family: 'ccbt', measures: 'therapy' },
  { family: 'video', measures: 'group' },
  { family: 'proms', measures: 'proms' },
] as const

const MEASURE_SETS: Record<string, string[]> = {
  therapy: [
    'referrals',
    'self_referrals',
    'started',
    'started_within_18_weeks',
    'completed',
    'waiting_at_month_end',
    'proms_paired',
    'proms_at_caseness',
    'proms_recovered',
    'proms_reliably_improved',
  ],
  sessions: ['sessions'],
  group: ['group_sessions', 'group_attendances'],
  proms: ['enrolments', 'proms_completed'],
}

/**
 * Fills an empty, migrated database with the large data set, ending at `through`. Returns the
 * number of figures loaded.
 */
export async function seedLargeData(
  db: Database,
  { through, scale = LARGE_SCALE }: { through: string; scale?: LargeScale },
) {
  await loadReferenceData(db)
  const first = addMonths(through, -(scale.months - 1))
  await db.transaction(async (tx) => {
    const [counts] = await queryRows<{ units: number; services: number }>(
      tx,
      sql`select (select count(*) from org_units)::int as units, (select count(*) from services)::int as services`,
    )
    const extraUnits = scale.orgUnits - counts!.units
    const extraServices = scale.services - counts!.services

    await tx.execute(sql`
      insert into org_units (code, name, kind)
      select 'X08' || lpad(i::text, 6, '0'), 'Synthetic board ' || i, 'board'
      from generate_series(1, ${extraUnits}::int) as i`)
    await tx.execute(sql`
      insert into org_unit_populations (org_unit_id, year, population, source)
      select o.id, 2021, 20000 + (abs(hashtext(o.code)) % 900000), 'Synthetic'
      from org_units o where o.code like 'X08%'`)

    const families = SYNTHETIC_FAMILIES.map((f, i) => sql`(${i}::int, ${f.family}::text, ${f.measures}::text)`)
    await tx.execute(sql`
      insert into services (slug, name, family, delivery, sort_order, description)
      select 'synthetic-' || lpad(i::text, 2, '0'), 'Synthetic service ' || i, f.family, 'board', 1000 + i, ''
      from generate_series(1, ${extraServices}::int) as i
      join (values ${sql.join(families, sql`, `)}) as f(k, family, measures) on f.k = (i - 1) % ${SYNTHETIC_FAMILIES.length}`)
    const setRows = Object.entries(MEASURE_SETS).flatMap(([set, names]) =>
      names.map((n) => sql`(${set}::text, ${n}::text)`),
    )
    await tx.execute(sql`
      insert into service_measures (service_id, measure_id)
      select s.id, m.id
      from services s
      join (values ${sql.join(families, sql`, `)}) as f(k, family, measures)
        on f.k = (substring(s.slug from 11)::int - 1) % ${SYNTHETIC_FAMILIES.length}
      join (values ${sql.join(setRows, sql`, `)}) as ms(set, measure) on ms.set = f.measures
      join measures m on m.name = ms.measure
      where s.slug like 'synthetic-%'`)

    // Every board-delivered service live in every board, from the first month.
    await tx.execute(sql`
      insert into service_availability (org_unit_id, service_id, status, live_from, note)
      select o.id, s.id, 'live', ${toMonthDate(first)}::date, 'Synthetic'
      from org_units o cross join services s
      where o.kind = 'board' and (o.code like 'X08%' or s.slug like 'synthetic-%') and s.delivery = 'board'`)
    // The reference coverage history starts at the programme start: bring it back to the first
    // month so every month has figures.
    await tx.execute(sql`
      update service_availability set live_from = ${toMonthDate(first)}::date
      where status = 'live' and live_to is null and live_from > ${toMonthDate(first)}::date and note <> 'Synthetic'
        and not exists (
          select 1 from service_availability b
          where b.org_unit_id = service_availability.org_unit_id and b.service_id = service_availability.service_id
            and b.id <> service_availability.id and b.status in ('live', 'pilot')
        )`)

    // Returns, as drafts for now: their figures are loaded next, then the returns are submitted.
    await tx.execute(sql`
      insert into returns (org_unit_id, month, status, version, updated_at)
      select o.id, m.month, 'draft', 1, m.month + interval '1 month'
      from org_units o
      cross join generate_series(${toMonthDate(first)}::date, ${toMonthDate(through)}::date, interval '1 month') as m(month)`)
  })

  // Bulk loading: the indexes that only reads use are dropped and built again afterwards from
  // their own definitions (as a restore does), which is several times faster than maintaining
  // them row by row. The history index stays: submitting a return reads through it.
  const indexes = await queryRows<{ name: string; definition: string }>(
    db,
    sql`select indexname as name, indexdef as definition from pg_indexes
      where schemaname = 'public' and tablename = 'return_values'
        and indexname not in ('return_values_pkey', 'return_values_history')`,
  )
  for (const index of indexes) await db.execute(sql.raw(`drop index ${index.name}`))

  // One year at a time keeps each transaction (and its rollup work) a sensible size. Figures go
  // into draft returns; submitting the returns then brings them into the totals in one step, as
  // the submission of a real return does.
  for (let year = 0; year * 12 < scale.months; year++) {
    const from = toMonthDate(addMonths(first, year * 12))
    const to = toMonthDate(addMonths(first, Math.min(scale.months, (year + 1) * 12) - 1))
    await db.transaction(async (tx) => {
      // The figures are consistent by construction: skip the per-row foreign-key checks while
      // loading them, as a restore does (pg_restore --disable-triggers). They go into draft
      // returns, so no total changes yet; the submission below runs with every trigger on.
      await tx.execute(sql`set local session_replication_role = replica`)
      await tx.execute(sql`
        insert into return_values (org_unit_id, service_id, month, measure_id, value, valid_from)
        select r.org_unit_id, a.service_id, r.month, sm.measure_id,
          ((p.population / 1000) * case m.name
            when 'referrals' then 10 when 'self_referrals' then 4 when 'started' then 8
            when 'started_within_18_weeks' then 7 when 'completed' then 5 when 'waiting_at_month_end' then 11
            when 'proms_paired' then 4 when 'proms_at_caseness' then 3 when 'proms_recovered' then 1.5
            when 'proms_reliably_improved' then 2.5 when 'visits' then 700 else 6 end
            * (0.8 + (abs(hashtext(r.org_unit_id || ':' || a.service_id || ':' || r.month || ':' || sm.measure_id)) % 400) / 1000.0))::int,
          r.month + interval '1 month'
        from returns r
        join service_availability a on a.org_unit_id = r.org_unit_id and a.status = 'live'
          and a.live_from <= r.month and (a.live_to is null or a.live_to >= r.month)
        join service_measures sm on sm.service_id = a.service_id
        join measures m on m.id = sm.measure_id
        join lateral (
          select population from org_unit_populations p where p.org_unit_id = r.org_unit_id order by year desc limit 1
        ) p on true
        where r.month between ${from}::date and ${to}::date`)
      await tx.execute(sql`set local session_replication_role = origin`)
      // Submitted on the 3rd to the 12th of the following month; about one in fourteen late,
      // about one in sixty never sent.
      await tx.execute(sql`
        update returns r set status = 'approved', version = 3, first_submitted_at = t.at, submitted_at = t.at,
          first_approved_at = t.at + interval '5 days', approved_at = t.at + interval '5 days',
          updated_at = t.at + interval '5 days'
        from (
          select x.org_unit_id, x.month,
            x.month + interval '1 month' + ((2 + k.h % 10) + case when k.h % 14 = 0 then 20 else 0 end) * interval '1 day' as at
          from returns x
          join org_units o on o.id = x.org_unit_id
          cross join lateral (select abs(hashtext(o.code || x.month::text)) as h) as k
          where x.month between ${from}::date and ${to}::date and k.h % 60 <> 7
        ) as t
        where r.org_unit_id = t.org_unit_id and r.month = t.month`)
    })
  }
  for (const index of indexes) await db.execute(sql.raw(index.definition))
  await db.execute(sql`analyze`)
  const [loaded] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from return_values`)
  return loaded!.n
}
