// The monthly return: one board's figures for one month, its workflow (draft, submitted,
// approved) and the history of every figure. Every change writes new versions of the figures it
// touches (docs/decisions/0003) and bumps the return's version, which every save must quote.
import { and, asc, eq, ne, sql } from 'drizzle-orm'
import { getConfig } from '#app/utils/config.server.ts'
import { addMonths, lastCompleteMonth, monthRange, returnDeadline, toMonthDate } from '#app/utils/dates.ts'
import { getDb, inTransaction } from '#app/utils/db.server.ts'
import { assertAllowed, notFound } from '#app/utils/http.server.ts'
import { type Actor, can, type ReturnStatus } from '#app/utils/permissions.ts'
import { type Figure, type MeasureInfo, monthProblem, type Problem, unusualValue } from '#app/returns/rules.ts'
import { queryRows, type Executor, type Transaction } from '#db/client.ts'
import { dataQueries, measures, returnEvents, returns, serviceMeasures, services, users } from '#db/schema/index.ts'
import { mergeBoardMonth, reasonProblems } from '#app/returns/board-month.ts'
import { type BreakdownFigure, breakdownKey } from '#app/returns/breakdowns.ts'
import { recordAuditEvent } from './audit.server.ts'
import { listCurrentBreakdowns, readBreakdownCatalogue, writeBreakdownVersions } from './breakdowns.server.ts'
import { keptWhileReferenceUnchanged } from './data-version.server.ts'
import { getReturnHistory, listCurrentFigures, listCurrentValues, writeFigureVersions } from './figures.server.ts'
import { findOrgUnitByCode, type OrgUnit } from './org-units.server.ts'

export { getReturnHistory }

export type ReturnUnit = OrgUnit

/** The unit whose return this is, or a 404. */
export async function findReturnUnit({ code }: { code: string }): Promise<ReturnUnit> {
  const unit = await findOrgUnitByCode({ code })
  if (!unit) throw notFound(`There is no board with the code ${code}.`)
  return unit
}

/** The services a unit reports in a month: those live or in pilot then, and any already holding figures. */
async function servicesForMonth(db: Executor, orgUnitId: number, month: string) {
  const date = toMonthDate(month)
  return queryRows<{ id: number; slug: string; name: string; family: string }>(
    db,
    sql`select s.id, s.slug, s.name, s.family from services s
        where exists (
          select 1 from service_availability a
          where a.service_id = s.id and a.org_unit_id = ${orgUnitId} and a.status in ('live', 'pilot')
            and a.live_from <= ${date} and (a.live_to is null or a.live_to >= ${date}))
        or exists (
          select 1 from return_values v
          where v.service_id = s.id and v.org_unit_id = ${orgUnitId} and v.month = ${date} and v.valid_to is null)
        order by s.sort_order, s.name`,
  )
}

/**
 * The catalogue facts the rules need (which measures apply to which service, each measure's cap,
 * the breakdowns), kept while the reference data stays the same: every save and every return page
 * asks for it.
 */
export function loadRuleCatalogue(db: Executor) {
  return keptWhileReferenceUnchanged('rule-catalogue', db, readRuleCatalogue)
}

async function readRuleCatalogue(db: Executor) {
  // One after another: inside a transaction they share one connection.
  const measureRows = await db
    .select({
      id: measures.id,
      name: measures.name,
      label: measures.label,
      unit: measures.unit,
      maxMonthlyValue: measures.maxMonthlyValue,
      sortOrder: measures.sortOrder,
    })
    .from(measures)
    .orderBy(asc(measures.sortOrder))
  const pairRows = await db
    .select({ slug: services.slug, measure: measures.name })
    .from(serviceMeasures)
    .innerJoin(services, eq(services.id, serviceMeasures.serviceId))
    .innerJoin(measures, eq(measures.id, serviceMeasures.measureId))
  const serviceRows = await db
    .select({ id: services.id, slug: services.slug, name: services.name, delivery: services.delivery })
    .from(services)
  const breakdowns = await readBreakdownCatalogue(db)
  const applies = new Map<string, Set<string>>()
  for (const pair of pairRows) {
    if (!applies.has(pair.slug)) applies.set(pair.slug, new Set())
    applies.get(pair.slug)!.add(pair.measure)
  }
  return {
    measures: new Map<string, MeasureInfo & { id: number; unit: string; sortOrder: number }>(
      measureRows.map((m) => [m.name, m]),
    ),
    measureNames: new Map(measureRows.map((m) => [m.id, m.name])),
    applies,
    services: new Map(serviceRows.map((s) => [s.slug, s])),
    serviceNames: new Map(serviceRows.map((s) => [s.slug, s.name])),
    breakdowns,
  }
}

export type RuleCatalogue = Awaited<ReturnType<typeof readRuleCatalogue>>

async function lockReturn(tx: Transaction, orgUnitId: number, month: string) {
  const [row] = await tx
    .select({
      status: returns.status,
      version: returns.version,
      firstSubmittedAt: returns.firstSubmittedAt,
      submittedAt: returns.submittedAt,
      firstApprovedAt: returns.firstApprovedAt,
      approvedAt: returns.approvedAt,
      updatedAt: returns.updatedAt,
    })
    .from(returns)
    .where(and(eq(returns.orgUnitId, orgUnitId), eq(returns.month, toMonthDate(month))))
    .for('update')
  return row ?? null
}

export interface ReturnFormData {
  unit: ReturnUnit
  month: string
  status: ReturnStatus | null
  version: number
  deadline: string
  firstSubmittedAt: string | null
  submittedAt: string | null
  approvedAt: string | null
  firstApprovedAt: string | null
  late: boolean
  canEdit: boolean
  canApprove: boolean
  canReopen: boolean
  monthProblem: string | null
  /** Grouped for display: one table per kind of service. */
  groups: Array<{
    family: string
    measures: Array<{ name: string; label: string; unit: string }>
    services: Array<{
      slug: string
      name: string
      cells: Array<{
        measure: string
        applies: boolean
        value: number | null
        comment: string | null
        lastMonth: number | null
        lastYear: number | null
        warning: string | null
      }>
    }>
  }>
  events: Array<{ action: string; at: string; by: string | null; reason: string | null }>
  /** Each service whose figures can be broken down, with the breakdowns it holds. */
  breakdowns: ServiceBreakdowns[]
}

export interface ServiceBreakdowns {
  service: string
  name: string
  measures: Array<{ name: string; label: string; total: number | null }>
  dimensions: Array<{
    name: string
    label: string
    /** The measures this dimension splits; the others' cells are not applicable. */
    measures: string[]
    categories: Array<{ name: string; label: string; values: Record<string, number | null> }>
  }>
}

const FAMILY_ORDER = ['ccbt', 'iecbt', 'video', 'proms', 'self-help']

/** Everything the return page shows: figures, comparisons, warnings and what the user may do. */
export async function getReturnForm({
  actor,
  unit,
  month,
  now = new Date(),
}: {
  actor: Actor
  unit: ReturnUnit
  month: string
  now?: Date
}): Promise<ReturnFormData> {
  assertAllowed(can.viewReturns(actor, { orgUnitId: unit.id }), 'You can only see your own board’s returns.')
  const db = getDb()
  const [catalogue, serviceRows, [row], events] = await Promise.all([
    loadRuleCatalogue(db),
    servicesForMonth(db, unit.id, month),
    db
      .select()
      .from(returns)
      .where(and(eq(returns.orgUnitId, unit.id), eq(returns.month, toMonthDate(month))))
      .limit(1),
    db
      .select({ action: returnEvents.action, at: returnEvents.at, by: users.email, reason: returnEvents.reason })
      .from(returnEvents)
      .leftJoin(users, eq(users.id, returnEvents.userId))
      .where(and(eq(returnEvents.orgUnitId, unit.id), eq(returnEvents.month, toMonthDate(month))))
      .orderBy(asc(returnEvents.at)),
  ])
  const historyMonths = monthRange(addMonths(month, -12), addMonths(month, -1))
  const [figures, pastValues, heldBreakdowns] = await Promise.all([
    listCurrentFigures(db, unit.id, [month]),
    listCurrentValues(db, unit.id, historyMonths),
    listCurrentBreakdowns(db, unit.id, month),
  ])
  const thisMonth = new Map(figures.map((f) => [`${f.service}|${f.measure}`, f]))
  const past = new Map(pastValues.map((f) => [`${f.service}|${f.measure}|${f.month}`, f.value]))
  const pastValue = (service: string, measure: string, m: string) => past.get(`${service}|${measure}|${m}`) ?? null
  const status = (row?.status ?? null) as ReturnStatus | null
  const deadline = returnDeadline(month, getConfig().RETURN_DEADLINE_DAY)

  const groups = FAMILY_ORDER.map((family) => {
    const familyServices = serviceRows.filter((s) =>
      family === 'ccbt' || family === 'iecbt' ? s.family === 'ccbt' || s.family === 'iecbt' : s.family === family,
    )
    const measureNames = [...catalogue.measures.values()]
      .filter((m) => familyServices.some((s) => catalogue.applies.get(s.slug)?.has(m.name)))
      .map((m) => ({ name: m.name, label: m.label, unit: m.unit }))
    return {
      family,
      measures: measureNames,
      services: familyServices.map((s) => ({
        slug: s.slug,
        name: s.name,
        cells: measureNames.map((m) => {
          const applies = catalogue.applies.get(s.slug)?.has(m.name) ?? false
          const current = thisMonth.get(`${s.slug}|${m.name}`)
          const history = historyMonths
            .map((hm) => pastValue(s.slug, m.name, hm))
            .filter((v): v is number => typeof v === 'number')
          const value = current?.value ?? null
          return {
            measure: m.name,
            applies,
            value,
            comment: current?.comment ?? null,
            lastMonth: pastValue(s.slug, m.name, addMonths(month, -1)),
            lastYear: pastValue(s.slug, m.name, addMonths(month, -12)),
            warning: applies && value !== null ? (unusualValue(value, history)?.short ?? null) : null,
          }
        }),
      })),
    }
  }).filter((g) => g.services.length > 0 && g.measures.length > 0)
  // ccbt and iecbt share a table: skip the duplicate.
  const uniqueGroups = groups.filter((g) => g.family !== 'iecbt')

  const held = new Map(heldBreakdowns.map((b) => [`${breakdownKey(b)}|${b.category}`, b.value]))
  const breakdowns = serviceRows.flatMap((s): ServiceBreakdowns[] => {
    const split = [...catalogue.measures.values()].filter((m) =>
      catalogue.breakdowns.applies.has(`${s.slug}|${m.name}`),
    )
    if (split.length === 0) return []
    const dimensions = [...catalogue.breakdowns.dimensions.values()].filter((d) =>
      split.some((m) => catalogue.breakdowns.applies.get(`${s.slug}|${m.name}`)!.includes(d)),
    )
    return [
      {
        service: s.slug,
        name: s.name,
        measures: split.map((m) => ({
          name: m.name,
          label: m.label,
          total: thisMonth.get(`${s.slug}|${m.name}`)?.value ?? null,
        })),
        dimensions: dimensions.map((d) => ({
          name: d.name,
          label: d.label,
          measures: split
            .filter((m) => catalogue.breakdowns.applies.get(`${s.slug}|${m.name}`)!.includes(d))
            .map((m) => m.name),
          categories: d.categories.map((c) => ({
            name: c.name,
            label: c.label,
            values: Object.fromEntries(
              split.map((m) => [
                m.name,
                held.get(`${breakdownKey({ service: s.slug, measure: m.name, dimension: d.name })}|${c.name}`) ?? null,
              ]),
            ),
          })),
        })),
      },
    ]
  })

  const firstSubmittedAt = row?.firstSubmittedAt ?? null
  return {
    unit,
    month,
    status,
    version: row?.version ?? 0,
    deadline: deadline.toISOString(),
    firstSubmittedAt: firstSubmittedAt?.toISOString() ?? null,
    submittedAt: row?.submittedAt?.toISOString() ?? null,
    approvedAt: row?.approvedAt?.toISOString() ?? null,
    firstApprovedAt: row?.firstApprovedAt?.toISOString() ?? null,
    late: firstSubmittedAt ? firstSubmittedAt > deadline : now > deadline,
    canEdit: can.editReturn(actor, { orgUnitId: unit.id, status }),
    canApprove: can.approveReturn(actor) && status === 'submitted',
    canReopen: can.approveReturn(actor) && status === 'approved',
    monthProblem: monthProblem(month, lastCompleteMonth(now)),
    groups: uniqueGroups,
    events: events.map((e) => ({ action: e.action, at: e.at.toISOString(), by: e.by, reason: e.reason })),
    breakdowns,
  }
}

export type SaveOutcome =
  | { ok: true; version: number; changed: number; status: ReturnStatus }
  | {
      ok: false
      kind: 'conflict'
      version: number
      changedBy: string | null
      changedAt: string | null
      current: Figure[]
    }
  | { ok: false; kind: 'invalid'; problems: Problem[] }

export class ReturnWorkflowError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReturnWorkflowError'
  }
}

/**
 * Saves figures into one board-month, optionally submitting it. `figures` may be a subset:
 * figures not named keep their value. Refused with a conflict when `expectedVersion` is not the
 * return's version (someone else saved first); nothing is written unless every rule passes.
 */
export async function saveReturn({
  actor,
  unit,
  month,
  expectedVersion,
  figures,
  breakdowns = [],
  submit,
  reason,
  source = 'form',
  now = new Date(),
  ip,
  executor,
  catalogue: knownCatalogue,
}: {
  actor: Actor
  unit: ReturnUnit
  month: string
  expectedVersion: number | null
  figures: Figure[]
  /** Breakdown categories to set or clear; those not named keep their value. */
  breakdowns?: BreakdownFigure[]
  submit: boolean
  /** Why figures change after the month was first approved. */
  reason: string | null
  source?: 'form' | 'upload' | 'api'
  now?: Date
  ip?: string | null
  /** An open transaction to join (an upload commits many returns in one). */
  executor?: Transaction
  /** The rules' catalogue, when the caller already has it (an upload saves many returns). */
  catalogue?: RuleCatalogue
}): Promise<SaveOutcome> {
  const run = async (tx: Transaction): Promise<SaveOutcome> => {
    const monthIssue = monthProblem(month, lastCompleteMonth(now))
    if (monthIssue)
      return {
        ok: false,
        kind: 'invalid',
        problems: [{ service: '', measure: '', rule: 'month-range', severity: 'error', message: monthIssue }],
      }

    let current = await lockReturn(tx, unit.id, month)
    assertAllowed(
      can.editReturn(actor, { orgUnitId: unit.id, status: current?.status ?? null }),
      editRefusal(actor, unit, current?.status ?? null),
    )
    const currentVersion = current?.version ?? 0
    if (expectedVersion !== null && expectedVersion !== currentVersion) {
      const rows = await listCurrentFigures(tx, unit.id, [month])
      const latest = rows.reduce<(typeof rows)[number] | undefined>(
        (a, b) => (!a || b.valid_from > a.valid_from ? b : a),
        undefined,
      )
      return {
        ok: false,
        kind: 'conflict',
        version: currentVersion,
        changedBy: latest?.changed_by ?? null,
        changedAt: current?.updatedAt.toISOString() ?? null,
        current: rows.map((r) => ({ service: r.service, measure: r.measure, value: r.value, comment: r.comment })),
      }
    }

    const catalogue = knownCatalogue ?? (await loadRuleCatalogue(tx))
    const { changes, breakdownChanges, problems, ...after } = mergeBoardMonth({
      held: await listCurrentFigures(tx, unit.id, [month]),
      figures,
      heldBreakdowns: await listCurrentBreakdowns(tx, unit.id, month),
      breakdowns,
      catalogue,
    })
    if (submit) problems.push(...(await warningsWithoutComment(tx, unit.id, month, after.figures, catalogue)))
    const changed = changes.length + breakdownChanges.length
    problems.push(...reasonProblems(current?.firstApprovedAt != null, changed, reason))
    const errors = problems.filter((p) => p.severity === 'error')
    if (errors.length > 0) return { ok: false, kind: 'invalid', problems: errors }
    // Nothing to change and nothing to submit: leave the return, and its version, as they are.
    if (changed === 0 && !(submit && current?.status === 'draft') && current) {
      return { ok: true, version: currentVersion, changed: 0, status: current.status }
    }

    if (!current) {
      // Version 1 is what this save ends at; the update below sets it again.
      await tx
        .insert(returns)
        .values({ orgUnitId: unit.id, month: toMonthDate(month), status: 'draft', version: 1, updatedAt: now })
      current = await lockReturn(tx, unit.id, month)
    }
    const changeReason = current!.firstApprovedAt ? reason!.trim() : null
    await writeFigureVersions(tx, { unit, month, changes, catalogue, actor, reason: changeReason, now })
    await writeBreakdownVersions(tx, {
      unit,
      month,
      changes: breakdownChanges,
      ids: {
        service: (slug) => catalogue.services.get(slug)!.id,
        measure: (name) => catalogue.measures.get(name)!.id,
        dimensions: catalogue.breakdowns.dimensions,
      },
      actor,
      reason: changeReason,
      now,
    })

    const becomesSubmitted = submit && current!.status === 'draft'
    const status: ReturnStatus = becomesSubmitted ? 'submitted' : current!.status
    const version = currentVersion + 1
    await tx
      .update(returns)
      .set({
        version,
        status,
        updatedAt: now,
        ...(becomesSubmitted
          ? { submittedAt: now, submittedBy: actor.id, firstSubmittedAt: current!.firstSubmittedAt ?? now }
          : {}),
      })
      .where(and(eq(returns.orgUnitId, unit.id), eq(returns.month, toMonthDate(month))))
    if (becomesSubmitted)
      await tx
        .insert(returnEvents)
        .values({ orgUnitId: unit.id, month: toMonthDate(month), action: 'submitted', at: now, userId: actor.id })

    if (changed > 0) {
      await recordAuditEvent(
        {
          action: 'return.figures_changed',
          actor,
          orgUnitId: unit.id,
          subject: `${unit.name}, ${month}`,
          details: {
            code: unit.code,
            month,
            source,
            changed: changes.length,
            ...(breakdownChanges.length > 0 ? { breakdownsChanged: breakdownChanges.length } : {}),
            revision: Boolean(current!.firstApprovedAt),
            reason: reason?.trim() || null,
          },
          ip,
        },
        tx,
      )
    }
    if (becomesSubmitted) {
      const late = now > returnDeadline(month, getConfig().RETURN_DEADLINE_DAY)
      await recordAuditEvent(
        {
          action: 'return.submitted',
          actor,
          orgUnitId: unit.id,
          subject: `${unit.name}, ${month}`,
          details: { code: unit.code, month, late },
          ip,
        },
        tx,
      )
    }
    return { ok: true, version, changed, status }
  }
  return executor ? run(executor) : inTransaction(run)
}

function editRefusal(actor: Actor, unit: ReturnUnit, status: ReturnStatus | null) {
  if (actor.role === 'analyst') return 'Analysts cannot enter figures.'
  if (actor.role === 'board_lead' && actor.orgUnitId !== unit.id) return 'You can only enter your own board’s figures.'
  if (status === 'approved')
    return 'This month has been approved and is locked. Ask the national programme team to reopen it.'
  return undefined
}

/** Unusual values (against the board's previous 12 months) that have no comment yet. */
async function warningsWithoutComment(
  tx: Transaction,
  orgUnitId: number,
  month: string,
  figures: Figure[],
  catalogue: RuleCatalogue,
): Promise<Problem[]> {
  const history = await listCurrentValues(tx, orgUnitId, monthRange(addMonths(month, -12), addMonths(month, -1)))
  const problems: Problem[] = []
  for (const figure of figures) {
    if (figure.value === null || figure.comment) continue
    const past = history
      .filter((h) => h.service === figure.service && h.measure === figure.measure && h.value !== null)
      .map((h) => h.value!)
    const warning = unusualValue(figure.value, past)
    if (!warning) continue
    const label = catalogue.measures.get(figure.measure)?.label ?? figure.measure
    problems.push({
      service: figure.service,
      measure: figure.measure,
      rule: 'unusual',
      severity: 'error',
      message: `${label} for ${catalogue.serviceNames.get(figure.service) ?? figure.service}: ${warning.message}. Add a comment that explains it before submitting`,
    })
  }
  return problems
}

/** Closes the current version of each changed figure and inserts its new one, at one moment. */
/** The national lead's two moves on a return: each from one state, with its event and audit. */
const TRANSITIONS = {
  approve: {
    from: 'submitted',
    action: 'approved',
    refusal: 'Only the national programme lead can approve a month.',
    wrongState: 'Only a submitted return can be approved.',
    changes: (current: { firstApprovedAt: Date | null }, actor: Actor, now: Date) => ({
      status: 'approved' as const,
      approvedAt: now,
      approvedBy: actor.id,
      firstApprovedAt: current.firstApprovedAt ?? now,
    }),
  },
  reopen: {
    from: 'approved',
    action: 'reopened',
    refusal: 'Only the national programme lead can reopen a month.',
    wrongState: 'Only an approved return can be reopened.',
    changes: () => ({ status: 'draft' as const }),
  },
} as const

interface TransitionArgs {
  actor: Actor
  unit: ReturnUnit
  month: string
  expectedVersion: number
  now?: Date
  ip?: string | null
}

/** Queries of the board-month not yet closed (open, or answered and not yet read and closed). */
async function countUnresolvedQueries(tx: Transaction, orgUnitId: number, month: string) {
  const [row] = await tx
    .select({ count: sql`count(*)`.mapWith(Number) })
    .from(dataQueries)
    .where(
      and(
        eq(dataQueries.orgUnitId, orgUnitId),
        eq(dataQueries.month, toMonthDate(month)),
        ne(dataQueries.status, 'closed'),
      ),
    )
  return row?.count ?? 0
}

async function moveReturn(
  kind: keyof typeof TRANSITIONS,
  {
    actor,
    unit,
    month,
    expectedVersion,
    reason = null,
    confirmUnresolvedQueries = false,
    now = new Date(),
    ip,
  }: TransitionArgs & { reason?: string | null; confirmUnresolvedQueries?: boolean },
) {
  const transition = TRANSITIONS[kind]
  assertAllowed(can.approveReturn(actor), transition.refusal)
  return inTransaction(async (tx) => {
    const current = await lockReturn(tx, unit.id, month)
    if (!current || current.status !== transition.from) throw new ReturnWorkflowError(transition.wrongState)
    if (current.version !== expectedVersion) return { ok: false as const, version: current.version }
    // Approving over queries still open is a choice the national lead makes knowingly.
    const unresolvedQueries = kind === 'approve' ? await countUnresolvedQueries(tx, unit.id, month) : 0
    if (unresolvedQueries > 0 && !confirmUnresolvedQueries)
      return { ok: false as const, version: current.version, unresolvedQueries }
    const version = current.version + 1
    await tx
      .update(returns)
      .set({ ...transition.changes(current, actor, now), version, updatedAt: now })
      .where(and(eq(returns.orgUnitId, unit.id), eq(returns.month, toMonthDate(month))))
    await tx.insert(returnEvents).values({
      orgUnitId: unit.id,
      month: toMonthDate(month),
      action: transition.action,
      at: now,
      userId: actor.id,
      reason,
    })
    await recordAuditEvent(
      {
        action: `return.${transition.action}`,
        actor,
        orgUnitId: unit.id,
        subject: `${unit.name}, ${month}`,
        details: {
          code: unit.code,
          month,
          ...(reason ? { reason } : {}),
          ...(unresolvedQueries ? { unresolvedQueries } : {}),
        },
        ip,
      },
      tx,
    )
    return { ok: true as const, version }
  })
}

/**
 * Approves (and so locks) a submitted month. National lead only. Refused, with the number of
 * queries, while the month has queries not closed, unless `confirmUnresolvedQueries`.
 */
export function approveReturn(args: TransitionArgs & { confirmUnresolvedQueries?: boolean }) {
  return moveReturn('approve', args)
}

/** Reopens an approved month so it can be corrected; the reason is kept. National lead only. */
export function reopenReturn(args: TransitionArgs & { reason: string }) {
  return moveReturn('reopen', args)
}

/** Every version of every figure of one board-month, oldest first, with who changed it and why. */
