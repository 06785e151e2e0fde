// The deterministic demo data set: every month's figures come from a hash of the board, service,
// measure and month, so a month's figures are the same whatever day they are generated on. Only
// which returns exist yet (and their workflow state) depends on `now`, as it would in real life.
//
// Shape: national scale of the programme's published figures (about 70,000 therapy referrals a
// year, 14,000 video sessions and 38,000 self-help visits a month), split by population with
// board-to-board variation, seasonality and growth from April 2021; some late, missing and
// revised returns; island boards small enough that disclosure control has work to do.
import { sql } from 'drizzle-orm'
import {
  addMonths,
  financialYear,
  lastCompleteMonth,
  monthIndex,
  monthRange,
  monthStart,
  PROGRAMME_START_MONTH,
  returnDeadline,
} from '#app/utils/dates.ts'
import { hashPassword } from '#app/utils/password.server.ts'
import { type Database, queryRows, type Transaction } from '#db/client.ts'
import { annotations, costs, dataQueries, queryMessages, users } from '#db/schema/index.ts'
import type { ReferenceData } from './reference.ts'
import { readReferenceData } from './reference.ts'
import { generateDemoBreakdowns } from './demo-breakdowns.ts'

export const DEMO_PASSWORD = 'scotland-demo-2026'
const DAY = 86_400_000
const HOUR = 3_600_000

/** National monthly volume at the plateau of the growth curve, before seasonality. */
const THERAPY_REFERRALS_PER_MONTH = 6_100
const VIDEO_SESSIONS_PER_MONTH = 14_360
const GROUP_SESSIONS_PER_MONTH = 150
const CROSS_REGION_GROUP_SESSIONS_PER_MONTH = 26
const PROMS_ENROLMENTS_PER_MONTH = 900
const SELF_HELP_VISITS_PER_MONTH: Record<string, number> = {
  'self-help-guides': 31_200,
  'lived-experience-wellbeing': 7_800,
}
/** Share of therapy referrals by service. */
const REFERRAL_SHARE: Record<string, number> = {
  'ccbt-adults': 0.52,
  'ccbt-perinatal': 0.05,
  'ccbt-cyp': 0.11,
  'ccbt-ltc': 0.07,
  'ccbt-higher-education': 0.06,
  'ccbt-prisons': 0.02,
  iecbt: 0.17,
}
/** The workforce entry of the catalogue: supporter hours, staff in post and staff trained. */
const TEAM_SERVICE = 'digital-therapies-team'
/** Calendar-month seasonality (January first): a dip in summer and at Christmas. */
const SEASON = [1.1, 1.04, 1.02, 0.98, 1.0, 0.96, 0.9, 0.92, 1.05, 1.06, 1.04, 0.93]
/** Boards hosting cross-region groups share them by these weights. */
const CROSS_REGION_HOSTS: Record<string, number> = {
  S08000031: 0.35,
  S08000024: 0.25,
  S08000020: 0.15,
  S08000030: 0.13,
  S08000022: 0.12,
}

export interface DemoValue {
  code: string
  service: string
  month: string
  measure: string
  value: number
}

/** FNV-1a: a stable 32-bit hash of a string. */
function hash32(text: string) {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A uniform number in [0, 1) determined by the key (FNV-1a, then MurmurHash3's finaliser). */
export function uniform(key: string) {
  let h = hash32(key)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return (h >>> 0) / 4_294_967_296
}

/** Roughly normal noise with mean 0 and standard deviation 1, determined by the key. */
function gaussian(key: string) {
  return (uniform(`${key}:a`) + uniform(`${key}:b`) + uniform(`${key}:c`) - 1.5) * 2
}

function growth(month: string) {
  return 1 - 0.5 * Math.exp(-(monthIndex(month) - monthIndex(PROGRAMME_START_MONTH)) / 20)
}

function season(month: string) {
  return SEASON[Number(month.slice(5, 7)) - 1]!
}

/** A count near `expected`, with counting noise and a little month-to-month variation. */
function noisyCount(expected: number, key: string) {
  const sd = Math.sqrt(Math.max(expected, 0)) * 0.5 + expected * 0.03
  return Math.max(0, Math.round(expected + sd * gaussian(key)))
}

/** Part of `parent` at about `rate`, never more than the parent. */
function part(parent: number, rate: number, key: string) {
  return Math.min(parent, noisyCount(parent * Math.min(rate, 1), key))
}

/** A board's lasting difference from the national average (about +/-15%). */
function boardFactor(code: string, what: string) {
  return 0.85 + 0.3 * uniform(`${code}:${what}:factor`)
}

/** The month's figures for every service live in each unit, from the reference data. */
export function generateDemoValues(reference: ReferenceData, through: string): DemoValue[] {
  const months = monthRange(PROGRAMME_START_MONTH, through)
  const boards = reference.orgUnits.filter((u) => u.kind === 'board')
  const population = new Map(reference.populations.map((p) => [p.code, p.population]))
  const weight = new Map(boards.map((b) => [b.code, (population.get(b.code) ?? 0) * boardFactor(b.code, 'volume')]))
  const totalWeight = [...weight.values()].reduce((a, b) => a + b, 0)
  const delivery = new Map(reference.services.map((s) => [s.slug, s.delivery]))
  const values: DemoValue[] = []

  for (const month of months) {
    const trend = growth(month) * season(month)
    for (const a of liveIn(reference, month)) {
      const share = delivery.get(a.service) === 'national' ? 1 : (weight.get(a.code) ?? 0) / totalWeight
      const key = `${a.code}:${a.service}:${month}`
      const add = (measure: string, value: number) =>
        values.push({ code: a.code, service: a.service, month, measure, value })

      const referralShare = REFERRAL_SHARE[a.service]
      if (referralShare !== undefined) {
        const referrals = noisyCount(THERAPY_REFERRALS_PER_MONTH * referralShare * share * trend, `${key}:referrals`)
        const selfShare = 0.22 + 0.2 * Math.min(1, (monthIndex(month) - monthIndex(PROGRAMME_START_MONTH)) / 48)
        const started = part(referrals, 0.82, `${key}:started`)
        const within18 = 0.8 + 0.17 * uniform(`${a.code}:18-week`) + 0.02 * gaussian(`${key}:18w`)
        const completed = part(started, 0.56, `${key}:completed`)
        const paired = part(completed, 0.72, `${key}:paired`)
        const caseness = part(paired, 0.76, `${key}:caseness`)
        add('referrals', referrals)
        add('self_referrals', part(referrals, selfShare * boardFactor(a.code, 'self'), `${key}:self`))
        add('started', started)
        add('started_within_18_weeks', part(started, within18, `${key}:within18`))
        add('completed', completed)
        add('waiting_at_month_end', noisyCount(referrals * 1.15 * boardFactor(a.code, 'waiting'), `${key}:waiting`))
        add('proms_paired', paired)
        add('proms_at_caseness', caseness)
        add('proms_recovered', part(caseness, 0.44 + 0.12 * uniform(`${a.code}:recovery`), `${key}:recovered`))
        add('proms_reliably_improved', part(paired, 0.6 + 0.1 * uniform(`${a.code}:improved`), `${key}:improved`))
        if (a.service === 'iecbt') add('sessions', noisyCount(started * 4.2, `${key}:sessions`))
      } else if (a.service === 'video-1to1') {
        add('sessions', noisyCount(VIDEO_SESSIONS_PER_MONTH * share * trend, `${key}:sessions`))
      } else if (a.service === 'video-group' || a.service === 'video-group-cross-region') {
        const expected =
          a.service === 'video-group'
            ? GROUP_SESSIONS_PER_MONTH * share
            : CROSS_REGION_GROUP_SESSIONS_PER_MONTH * (CROSS_REGION_HOSTS[a.code] ?? 0)
        const sessions = noisyCount(expected * trend, `${key}:group`)
        add('group_sessions', sessions)
        add('group_attendances', noisyCount(sessions * 6.5, `${key}:attendances`))
      } else if (a.service === 'proms-pathway') {
        const enrolments = noisyCount(PROMS_ENROLMENTS_PER_MONTH * share * trend, `${key}:enrolments`)
        add('enrolments', enrolments)
        add('proms_completed', noisyCount(enrolments * 3.8, `${key}:completed`))
      } else if (SELF_HELP_VISITS_PER_MONTH[a.service] !== undefined) {
        add('visits', noisyCount(SELF_HELP_VISITS_PER_MONTH[a.service]! * trend, `${key}:visits`))
      } else if (a.service === TEAM_SERVICE) {
        // Supporters give about 2 hours to each person who starts cCBT or ieCBT; a team of about
        // one clinician per 40,000 people grows with the programme; a few complete the course.
        const started = THERAPY_REFERRALS_PER_MONTH * share * trend * 0.82
        const staff = Math.max(2, noisyCount(((population.get(a.code) ?? 0) / 40_000) * growth(month), `${key}:staff`))
        add('supporter_hours', noisyCount(started * 2 * boardFactor(a.code, 'support'), `${key}:hours`))
        add('staff_in_post', staff)
        add('staff_trained', part(staff, 0.08, `${key}:trained`))
      }
    }
  }
  return values
}

/** Services live (or in pilot) in each unit in a month, from the coverage history. */
function liveIn(reference: ReferenceData, month: string) {
  return reference.availability
    .filter(
      (a) =>
        (a.status === 'live' || a.status === 'pilot') && a.from_month <= month && (!a.to_month || month <= a.to_month),
    )
    .map((a) => ({ code: a.org_unit_code, service: a.service }))
}

export type DemoReturnState = {
  code: string
  month: string
  /** When the figures were first saved as a draft. */
  savedAt: Date
  submittedAt?: Date
  approvedAt?: Date
  /** A correction after approval: reopened, changed, submitted and approved again. */
  revisedAt?: Date
}

/**
 * The workflow of each board-month as it stands at `now`: most returns are submitted a few days
 * after the month ends and approved within two weeks; about one in twelve is late; about one
 * in sixty is never sent; about one in thirty approved returns is later revised.
 */
export function demoReturnStates(codes: string[], months: string[], now: Date, deadlineDay: number) {
  const states: DemoReturnState[] = []
  for (const month of months) {
    const monthEnd = monthStart(addMonths(month, 1)).getTime()
    for (const code of codes) {
      const key = `${code}:${month}:workflow`
      const savedAt = new Date(monthEnd + (1 + 3 * uniform(`${key}:saved`)) * DAY)
      if (savedAt > now) continue
      if (uniform(`${key}:missing`) < 0.016) {
        // Never sent: a draft someone started, or nothing at all.
        if (uniform(`${key}:draft`) < 0.5) states.push({ code, month, savedAt })
        continue
      }
      const island = ['S08000025', 'S08000026', 'S08000028'].includes(code)
      const late = uniform(`${key}:late`) < (island ? 0.16 : 0.07)
      const deadline = returnDeadline(month, deadlineDay).getTime()
      const submittedAt = late
        ? new Date(deadline + (1 + 24 * uniform(`${key}:lateness`)) * DAY)
        : new Date(savedAt.getTime() + (1 + 9 * uniform(`${key}:submit`)) * DAY)
      if (submittedAt > now) {
        states.push({ code, month, savedAt })
        continue
      }
      const approvedAt = new Date(submittedAt.getTime() + (2 + 12 * uniform(`${key}:approve`)) * DAY)
      if (approvedAt > now) {
        states.push({ code, month, savedAt, submittedAt })
        continue
      }
      const revisedAt = new Date(approvedAt.getTime() + (20 + 60 * uniform(`${key}:revise-at`)) * DAY)
      const revised = uniform(`${key}:revise`) < 0.035 && revisedAt.getTime() + DAY <= now.getTime()
      states.push({ code, month, savedAt, submittedAt, approvedAt, revisedAt: revised ? revisedAt : undefined })
    }
  }
  return states
}

/** `lead.<board>@demo.scot`: the board's name in lower case, words joined by hyphens, "and" dropped. */
export function demoBoardLeadEmail(boardName: string) {
  const words = boardName
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w && w !== 'and')
  return `lead.${words.join('-')}@demo.scot`
}

export const DEMO_NATIONAL_LEAD_EMAIL = 'national.lead@demo.scot'
export const DEMO_ANALYST_EMAIL = 'analyst@demo.scot'

/**
 * Loads demo accounts and figures into a database that already holds the reference data.
 * Runs in one transaction: a failure leaves no half-loaded demo.
 */
export async function loadDemoData(
  db: Database,
  options: { now?: Date; deadlineDay?: number; reference?: ReferenceData } = {},
) {
  const now = options.now ?? new Date()
  const deadlineDay = options.deadlineDay ?? 15
  const reference = options.reference ?? readReferenceData()
  const through = lastCompleteMonth(now)
  const passwordHash = await hashPassword(DEMO_PASSWORD)

  await db.transaction(async (tx) => {
    const units = await queryRows<{ id: number; code: string; name: string; kind: string }>(
      tx,
      sql`select id, code, name, kind from org_units`,
    )
    const unitId = new Map(units.map((u) => [u.code, Number(u.id)]))
    const boards = units.filter((u) => u.kind === 'board')

    const accounts = [
      {
        email: DEMO_NATIONAL_LEAD_EMAIL,
        name: 'Demo national programme lead',
        role: 'national_lead' as const,
        orgUnitId: null,
      },
      { email: DEMO_ANALYST_EMAIL, name: 'Demo policy analyst', role: 'analyst' as const, orgUnitId: null },
      ...boards.map((b) => ({
        email: demoBoardLeadEmail(b.name),
        name: `Demo digital therapy lead, ${b.name}`,
        role: 'board_lead' as const,
        orgUnitId: Number(b.id),
      })),
    ]
    await tx
      .insert(users)
      .values(accounts.map((a) => ({ ...a, passwordHash })))
      .onConflictDoNothing()
    const userRows = await queryRows<{ id: number; email: string; org_unit_id: number | null }>(
      tx,
      sql`select id, email, org_unit_id from users`,
    )
    const nationalLead = Number(userRows.find((u) => u.email === DEMO_NATIONAL_LEAD_EMAIL)!.id)
    const leadOf = new Map(
      userRows.filter((u) => u.org_unit_id !== null).map((u) => [Number(u.org_unit_id), Number(u.id)]),
    )

    const states = demoReturnStates(
      units.map((u) => u.code),
      monthRange(PROGRAMME_START_MONTH, through),
      now,
      deadlineDay,
    )
    const stateOf = new Map(states.map((s) => [`${s.code}:${s.month}`, s]))
    const figures = generateDemoValues(reference, through).filter((v) => stateOf.has(`${v.code}:${v.month}`))

    const returnRows = states.map((s) => {
      const id = unitId.get(s.code)!
      const status = s.approvedAt ? 'approved' : s.submittedAt ? 'submitted' : 'draft'
      const lastSubmitted = s.revisedAt ? new Date(s.revisedAt.getTime() + HOUR) : s.submittedAt
      const lastApproved = s.revisedAt ? new Date(s.revisedAt.getTime() + DAY) : s.approvedAt
      return {
        org_unit_id: id,
        month: `${s.month}-01`,
        status,
        version: 1 + (s.submittedAt ? 1 : 0) + (s.approvedAt ? 1 : 0) + (s.revisedAt ? 4 : 0),
        first_submitted_at: s.submittedAt?.toISOString() ?? null,
        submitted_at: lastSubmitted?.toISOString() ?? null,
        submitted_by: s.submittedAt ? (leadOf.get(id) ?? nationalLead) : null,
        first_approved_at: s.approvedAt?.toISOString() ?? null,
        approved_at: lastApproved?.toISOString() ?? null,
        approved_by: s.approvedAt ? nationalLead : null,
        updated_at: (lastApproved ?? lastSubmitted ?? s.savedAt).toISOString(),
      }
    })
    await insertJson(
      tx,
      'returns',
      returnRows,
      `
      org_unit_id int, month date, status return_status, version int, first_submitted_at timestamptz,
      submitted_at timestamptz, submitted_by int, first_approved_at timestamptz, approved_at timestamptz,
      approved_by int, updated_at timestamptz`,
    )

    const events = states.flatMap((s) => {
      const id = unitId.get(s.code)!
      const submitter = leadOf.get(id) ?? nationalLead
      const row = (action: string, at: Date, userId: number, reason: string | null = null) => ({
        org_unit_id: id,
        month: `${s.month}-01`,
        action,
        at: at.toISOString(),
        user_id: userId,
        reason,
      })
      const list = []
      if (s.submittedAt) list.push(row('submitted', s.submittedAt, submitter))
      if (s.approvedAt) list.push(row('approved', s.approvedAt, nationalLead))
      if (s.revisedAt) {
        list.push(row('reopened', s.revisedAt, nationalLead, 'Board corrected figures after a data quality check'))
        list.push(row('submitted', new Date(s.revisedAt.getTime() + HOUR), submitter))
        list.push(row('approved', new Date(s.revisedAt.getTime() + DAY), nationalLead))
      }
      return list
    })
    await insertJson(
      tx,
      'return_events',
      events,
      `
      org_unit_id int, month date, action return_action, at timestamptz, user_id int, reason text`,
    )

    const serviceId = new Map(
      (await queryRows<{ id: number; slug: string }>(tx, sql`select id, slug from services`)).map((r) => [
        r.slug,
        Number(r.id),
      ]),
    )
    // A few events that explain the trends: written by the board's lead, or the national lead.
    const demoEvents = demoAnnotations(reference, through)
    if (demoEvents.length > 0) {
      await tx.insert(annotations).values(
        demoEvents.map((a) => {
          const orgUnitId = a.code === null ? null : unitId.get(a.code)!
          const author = orgUnitId === null ? nationalLead : (leadOf.get(orgUnitId) ?? nationalLead)
          return {
            eventDate: a.eventDate,
            orgUnitId,
            serviceId: a.service === null ? null : serviceId.get(a.service)!,
            text: a.text,
            rebase: a.rebase,
            createdBy: author,
            updatedBy: author,
          }
        }),
      )
    }
    const measureId = new Map(
      (await queryRows<{ id: number; name: string }>(tx, sql`select id, name from measures`)).map((r) => [
        r.name,
        Number(r.id),
      ]),
    )
    const valueRows = []
    for (const f of figures) {
      const s = stateOf.get(`${f.code}:${f.month}`)!
      const id = unitId.get(f.code)!
      const base = {
        org_unit_id: id,
        service_id: serviceId.get(f.service)!,
        month: `${f.month}-01`,
        measure_id: measureId.get(f.measure)!,
        changed_by: leadOf.get(id) ?? nationalLead,
      }
      // A revision corrects the referrals and waiting figures of one service of the return.
      const corrected =
        s.revisedAt &&
        (f.measure === 'referrals' || f.measure === 'waiting_at_month_end') &&
        f.service === (f.code === 'S92000003' ? 'self-help-guides' : 'ccbt-adults')
      if (corrected) {
        const first = Math.round(f.value * (0.88 + 0.08 * uniform(`${f.code}:${f.month}:${f.measure}:before`)))
        valueRows.push({
          ...base,
          value: first,
          valid_from: s.savedAt.toISOString(),
          valid_to: s.revisedAt!.toISOString(),
          change_reason: null,
        })
        valueRows.push({
          ...base,
          value: f.value,
          valid_from: s.revisedAt!.toISOString(),
          valid_to: null,
          change_reason: 'Late referrals added after a data quality check',
        })
      } else {
        valueRows.push({
          ...base,
          value: f.value,
          valid_from: s.savedAt.toISOString(),
          valid_to: null,
          change_reason: null,
        })
      }
    }
    await insertJson(
      tx,
      'return_values',
      valueRows,
      `
      org_unit_id int, service_id int, month date, measure_id int, changed_by int, value int,
      valid_from timestamptz, valid_to timestamptz, change_reason text`,
    )
    // Breakdowns by deprivation, age and sex, recorded with the figures they split.
    const categoryId = new Map(
      (
        await queryRows<{ id: number; dimension_id: number; key: string }>(
          tx,
          sql`select c.id, c.dimension_id, d.name || '=' || c.name as key
              from breakdown_categories c join breakdown_dimensions d on d.id = c.dimension_id`,
        )
      ).map((r) => [r.key, { id: Number(r.id), dimensionId: Number(r.dimension_id) }]),
    )
    await insertJson(
      tx,
      'breakdown_values',
      generateDemoBreakdowns(reference, figures).map((b) => {
        const s = stateOf.get(`${b.code}:${b.month}`)!
        const id = unitId.get(b.code)!
        const category = categoryId.get(`${b.dimension}=${b.category}`)!
        return {
          org_unit_id: id,
          service_id: serviceId.get(b.service)!,
          month: `${b.month}-01`,
          measure_id: measureId.get(b.measure)!,
          dimension_id: category.dimensionId,
          category_id: category.id,
          value: b.value,
          valid_from: (s.revisedAt ?? s.savedAt).toISOString(),
          changed_by: leadOf.get(id) ?? nationalLead,
        }
      }),
      `
      org_unit_id int, service_id int, month date, measure_id int, dimension_id int, category_id int,
      value int, valid_from timestamptz, changed_by int`,
    )
    // One open and one answered data query, raised by the national lead, answered by the board.
    for (const q of demoQueries(
      states,
      figures,
      boards.map((b) => b.code),
      now,
    )) {
      const orgUnitId = unitId.get(q.code)!
      const [query] = await tx
        .insert(dataQueries)
        .values({
          orgUnitId,
          month: `${q.month}-01`,
          serviceId: serviceId.get(q.service)!,
          measureId: measureId.get(q.measure)!,
          status: q.answer ? 'answered' : 'open',
          raisedBy: nationalLead,
          raisedAt: q.question.at,
          updatedAt: (q.answer ?? q.question).at,
        })
        .returning({ id: dataQueries.id })
      await tx.insert(queryMessages).values([
        { queryId: query!.id, kind: 'question', body: q.question.body, authorId: nationalLead, at: q.question.at },
        ...(q.answer
          ? [
              {
                queryId: query!.id,
                kind: 'answer' as const,
                body: q.answer.body,
                authorId: leadOf.get(orgUnitId) ?? nationalLead,
                at: q.answer.at,
              },
            ]
          : []),
      ])
    }
    // Costs of every financial year, recorded by the national lead.
    const demoCosts = generateDemoCosts(reference, generateDemoValues(reference, through), through)
    if (demoCosts.length > 0) {
      await tx.insert(costs).values(
        demoCosts.map((c) => ({
          financialYear: c.financialYear,
          orgUnitId: unitId.get(c.code)!,
          serviceId: serviceId.get(c.service)!,
          kind: c.kind,
          amount: c.amount,
          changedBy: nationalLead,
        })),
      )
    }
  })
  // Tens of thousands of rows arrived at once: the planner's statistics are brought up to date
  // now, not when autovacuum next passes, or its first plans take every table for nearly empty
  // (a year's export then ran a nested loop over the figures for seconds instead of 50 ms).
  await db.execute(sql`analyze`)
}

export interface DemoQuery {
  code: string
  month: string
  service: string
  measure: string
  question: { body: string; at: Date }
  answer: { body: string; at: Date } | null
}

/**
 * One open and one answered query, on two boards' returns of the latest month that has at least
 * two (the month before when the latest has not come in yet), preferring returns submitted and
 * not yet approved, where a query is most often raised. The open one asks about referrals
 * against the same month a year before (its figures are the return's own); the answered one
 * asks what the waiting figure counts, and the board answers from the definition, correcting
 * nothing. Asked a day after the return came in, answered a day later, never after `now`.
 */
export function demoQueries(states: DemoReturnState[], values: DemoValue[], boardCodes: string[], now: Date) {
  const value = new Map(values.map((v) => [`${v.code}:${v.service}:${v.month}:${v.measure}`, v.value]))
  const latest = states.reduce((m, s) => (s.month > m ? s.month : m), '')
  for (const month of [latest, addMonths(latest, -1)]) {
    const candidates = states
      .filter(
        (s) =>
          s.month === month &&
          boardCodes.includes(s.code) &&
          value.has(`${s.code}:ccbt-adults:${month}:referrals`) &&
          value.has(`${s.code}:ccbt-adults:${month}:waiting_at_month_end`),
      )
      .sort(
        (a, b) =>
          Number(Boolean(a.approvedAt || !a.submittedAt)) - Number(Boolean(b.approvedAt || !b.submittedAt)) ||
          a.code.localeCompare(b.code),
      )
    if (candidates.length < 2) continue
    // In working hours: asked at 09:30 (UTC) the day after the return came in, answered at 14:15
    // the day after that; squeezed in before `now` when the return came in only just now.
    const timeline = (s: DemoReturnState) => {
      const base = (s.submittedAt ?? s.savedAt).getTime()
      const nextDay = (t: number) => Math.floor(t / DAY) * DAY + DAY
      const asked = nextDay(base) + 9.5 * HOUR
      const answered = nextDay(asked) + 14.25 * HOUR
      if (answered < now.getTime()) return { asked: new Date(asked), answered: new Date(answered) }
      const early = asked < now.getTime() ? asked : base + (now.getTime() - base) / 3
      return { asked: new Date(early), answered: new Date(early + (now.getTime() - early) / 2) }
    }
    const [open, answered] = candidates as [DemoReturnState, DemoReturnState]
    const yearBefore = addMonths(month, -12)
    const referrals = value.get(`${open.code}:ccbt-adults:${month}:referrals`)!
    const before = value.get(`${open.code}:ccbt-adults:${yearBefore}:referrals`)
    const waiting = value.get(`${answered.code}:ccbt-adults:${month}:waiting_at_month_end`)!
    const fmt = (n: number) => n.toLocaleString('en-GB')
    return [
      {
        code: open.code,
        month,
        service: 'ccbt-adults',
        measure: 'referrals',
        question: {
          body:
            before === undefined
              ? `Referrals to cCBT Adults were ${fmt(referrals)} this month. Can you confirm the figure, or correct it?`
              : `Referrals to cCBT Adults were ${fmt(referrals)} this month against ${fmt(before)} in the same month last year. Can you confirm the figure, or correct it?`,
          at: timeline(open).asked,
        },
        answer: null,
      },
      {
        code: answered.code,
        month,
        service: 'ccbt-adults',
        measure: 'waiting_at_month_end',
        question: {
          body: `${fmt(waiting)} people were waiting at the end of the month. Does that include people referred but not yet contacted?`,
          at: timeline(answered).asked,
        },
        answer: {
          body: 'Yes: it counts everyone referred who had not started treatment on the last day of the month, contacted or not, as the definition asks. The figure is right.',
          at: timeline(answered).answered,
        },
      },
    ] satisfies DemoQuery[]
  }
  return []
}

/** National contracts and licences of each service in 2021/22, in pounds; 3% a year more after. */
const NATIONAL_COSTS: Record<string, { kind: 'contract' | 'licence' | 'other'; amount: number }> = {
  'ccbt-adults': { kind: 'licence', amount: 1_050_000 },
  'ccbt-perinatal': { kind: 'licence', amount: 110_000 },
  'ccbt-cyp': { kind: 'licence', amount: 230_000 },
  'ccbt-ltc': { kind: 'licence', amount: 150_000 },
  'ccbt-higher-education': { kind: 'licence', amount: 120_000 },
  'ccbt-prisons': { kind: 'licence', amount: 60_000 },
  iecbt: { kind: 'contract', amount: 1_150_000 },
  'video-1to1': { kind: 'licence', amount: 680_000 },
  'video-group': { kind: 'licence', amount: 110_000 },
  'video-group-cross-region': { kind: 'other', amount: 40_000 },
  'proms-pathway': { kind: 'licence', amount: 240_000 },
  'self-help-guides': { kind: 'contract', amount: 300_000 },
  'lived-experience-wellbeing': { kind: 'contract', amount: 130_000 },
  [TEAM_SERVICE]: { kind: 'other', amount: 160_000 },
}
/** What a board's supporters cost for each course of cCBT or ieCBT completed, in 2021/22 pounds. */
const BOARD_STAFF_COST_PER_COMPLETED = 95

export interface DemoCost {
  financialYear: string
  code: string
  service: string
  kind: 'contract' | 'licence' | 'staff' | 'other'
  amount: number
}

/**
 * Costs of every financial year from the programme's start to the one `through` falls in: the
 * national contracts and licences (known for the whole year in advance, so the current year has
 * them too), and each board's supporter staff cost of each cCBT and ieCBT service, from the
 * courses it completed, for the years that are over (boards report them once the year closes).
 */
export function generateDemoCosts(reference: ReferenceData, values: DemoValue[], through: string): DemoCost[] {
  const nationalCode = reference.orgUnits.find((u) => u.kind === 'national')?.code
  const years = [...new Set(monthRange(PROGRAMME_START_MONTH, through).map(financialYear))]
  const closed = new Set(years.filter((y) => financialYear(addMonths(through, 1)) !== y))
  const completed = new Map<string, number>()
  for (const v of values) {
    if (v.measure !== 'completed') continue
    const key = `${financialYear(v.month)}:${v.code}:${v.service}`
    completed.set(key, (completed.get(key) ?? 0) + v.value)
  }
  const list: DemoCost[] = []
  years.forEach((year, i) => {
    const uplift = 1.03 ** i
    if (nationalCode) {
      for (const service of reference.services) {
        const cost = NATIONAL_COSTS[service.slug]
        if (cost)
          list.push({
            financialYear: year,
            code: nationalCode,
            service: service.slug,
            kind: cost.kind,
            amount: Math.round((cost.amount * uplift) / 1000) * 1000,
          })
      }
    }
    if (!closed.has(year)) return
    for (const [key, courses] of completed) {
      const [y, code, service] = key.split(':') as [string, string, string]
      if (y !== year) continue
      const perCourse = BOARD_STAFF_COST_PER_COMPLETED * uplift * boardFactor(code, 'cost')
      list.push({
        financialYear: year,
        code,
        service,
        kind: 'staff',
        amount: Math.round((courses * perCourse) / 100) * 100,
      })
    }
  })
  return list
}

export interface DemoAnnotation {
  eventDate: string
  /** Board code, or null for a national event. */
  code: string | null
  service: string | null
  text: string
  rebase: boolean
}

/**
 * The demo's events, from the reference data so another nation's demo gets its own: the service
 * that went live in the most boards in one month after the start (national when it was every
 * board), and a platform change in the most populous board 30 months after the start, which
 * restarts its control limits. Only events up to `through` are included.
 */
export function demoAnnotations(reference: ReferenceData, through: string): DemoAnnotation[] {
  const list: DemoAnnotation[] = []
  const boards = reference.orgUnits.filter((u) => u.kind === 'board')
  const launches = new Map<string, { service: string; month: string; codes: string[] }>()
  for (const a of reference.availability) {
    if (a.status !== 'live' || a.from_month <= PROGRAMME_START_MONTH || a.from_month > through) continue
    const key = `${a.from_month}:${a.service}`
    const launch = launches.get(key) ?? { service: a.service, month: a.from_month, codes: [] }
    launch.codes.push(a.org_unit_code)
    launches.set(key, launch)
  }
  const launch = [...launches.values()].sort(
    (a, b) => b.codes.length - a.codes.length || a.month.localeCompare(b.month) || a.service.localeCompare(b.service),
  )[0]
  if (launch) {
    const name = reference.services.find((s) => s.slug === launch.service)?.name ?? launch.service
    const everywhere = boards.every((b) => launch.codes.includes(b.code))
    list.push({
      eventDate: `${launch.month}-01`,
      code: everywhere ? null : [...launch.codes].sort()[0]!,
      service: launch.service,
      text: everywhere ? `${name} went live in every board` : `${name} went live`,
      rebase: false,
    })
  }
  const latestYear = Math.max(...reference.populations.map((p) => p.year))
  const largest = reference.populations
    .filter((p) => p.year === latestYear && boards.some((b) => b.code === p.code))
    .sort((a, b) => b.population - a.population || a.code.localeCompare(b.code))[0]
  const changeMonth = addMonths(PROGRAMME_START_MONTH, 30)
  if (largest && changeMonth <= through) {
    list.push({
      eventDate: `${changeMonth}-02`,
      code: largest.code,
      service: null,
      text: 'Moved to the new referral platform: referrals are now counted when accepted, not when received',
      rebase: true,
    })
  }
  return list
}

/** Bulk insert through one JSON parameter per batch: far fewer round trips than row inserts. */
async function insertJson(tx: Transaction, table: string, rows: object[], columns: string) {
  const names = columns
    .split(',')
    .map((c) => c.trim().split(/\s+/)[0]!)
    .map((c) => `"${c}"`)
    .join(', ')
  for (let i = 0; i < rows.length; i += 5_000) {
    const batch = JSON.stringify(rows.slice(i, i + 5_000))
    await tx.execute(
      sql
        .raw(`insert into ${table} (${names}) select ${names} from json_to_recordset(`)
        .append(sql`${batch}::json`)
        .append(sql.raw(`) as r(${columns})`)),
    )
  }
}
