// Uploads of monthly figures: checked in full and previewed first, then committed all or
// nothing, in one transaction, through the same rules and versioning as the return form.
import crypto from 'node:crypto'
import { and, eq, gt, isNull, type SQL, sql } from 'drizzle-orm'
import { getConfig } from '#app/utils/config.server.ts'
import { addMonths, lastCompleteMonth, returnDeadline, toMonthDate } from '#app/utils/dates.ts'
import { getDb, inTransaction } from '#app/utils/db.server.ts'
import { assertAllowed } from '#app/utils/http.server.ts'
import { onWorkThread } from '#app/utils/threads.server.ts'
import { type Actor, can, type ReturnStatus } from '#app/utils/permissions.ts'
import { type Figure, monthProblem, PART_OF_WHOLE, type Problem, unusualValue } from '#app/returns/rules.ts'
import { type BreakdownFigure, breakdownKey } from '#app/returns/breakdowns.ts'
import { mergeBoardMonth, reasonProblems } from '#app/returns/board-month.ts'
import { type UploadProblem, UploadRejected, type UploadRow } from '#app/returns/upload-parse.server.ts'
import { queryRows, type Executor, type Transaction } from '#db/client.ts'
import { type UploadedFigure, uploads } from '#db/schema/index.ts'
import { type AuditEntry, recordAuditEvent, recordAuditEvents } from './audit.server.ts'
import { listOrgUnitAliases, listOrgUnits, type OrgUnit } from './org-units.server.ts'
import { loadRuleCatalogue, type RuleCatalogue } from './returns.server.ts'

/** An upload waits this long for its commit. */
const PENDING_LIFETIME_MS = 60 * 60 * 1000

export interface UploadSummary {
  code: string
  name: string
  month: string
  status: ReturnStatus | null
  added: number
  changed: number
  unchanged: number
  needsReason: boolean
}

export interface UploadCheck {
  problems: UploadProblem[]
  notes: string[]
  warnings: UploadProblem[]
  summary: UploadSummary[]
  figures: UploadedFigure[]
}

/**
 * Checks every row against the rules, the catalogue, the user's rights and the figures already
 * held, and lists every problem by row and column. Nothing is written.
 */
export async function checkUpload({
  actor,
  rows,
  now,
  db = getDb(),
}: {
  actor: Actor
  rows: UploadRow[]
  now: Date
  db?: Executor
}): Promise<UploadCheck> {
  const catalogue = await loadRuleCatalogue(db)
  // One after another: inside a transaction they share one connection.
  const units = await listOrgUnits(db)
  const aliases = await listOrgUnitAliases(db)
  const unitByCode = new Map(units.map((u) => [u.code, u]))
  // Each row on its own: on a work thread, since it takes a second or so for 100,000 rows.
  const { problems, notes, figures } = await onWorkThread('checkUploadRows', {
    rows,
    catalogue,
    units,
    aliases,
    latest: lastCompleteMonth(now),
  })

  // Each board-month against the figures it already holds, and what the user may change.
  const groups = new Map<string, UploadedFigure[]>()
  for (const f of figures) {
    const key = `${f.code}|${f.month}`
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key)!.push(f)
  }
  const summary: UploadSummary[] = []
  const warnings: UploadProblem[] = []
  // What every board-month holds, read for all of them at once.
  const boardMonths = [...groups.keys()].map((key) => {
    const [code, month] = key.split('|') as [string, string]
    return { unit: unitByCode.get(code)!, month }
  })
  const keyList = boardMonthList(boardMonths)
  const states = new Map<string, { status: ReturnStatus; first_approved_at: string | null }>()
  for (const r of await queryRows<{
    org_unit_id: number
    month: string
    status: ReturnStatus
    first_approved_at: string | null
  }>(
    db,
    sql`select r.org_unit_id, to_char(r.month, 'YYYY-MM') as month, r.status::text as status,
          r.first_approved_at::text as first_approved_at
        from returns r join ${keyList} on k.org_unit_id = r.org_unit_id and k.month = r.month`,
  ))
    states.set(boardMonth(r.org_unit_id, r.month), r)
  const serviceSlugs = new Map([...catalogue.services.values()].map((s) => [s.id, s.slug]))
  const figuresHeld = await loadCurrentFigures(db, keyList, serviceSlugs, catalogue.measureNames)
  const breakdownsHeld = await loadCurrentBreakdowns(db, keyList)
  const history = await loadHistory(db, boardMonths, serviceSlugs, catalogue.measureNames)
  for (const [key, group] of groups) {
    const [code, month] = key.split('|') as [string, string]
    const unit = unitByCode.get(code)!
    const state = states.get(boardMonth(unit.id, month))
    if (!can.editReturn(actor, { orgUnitId: unit.id, status: state?.status ?? null })) {
      const message =
        actor.role === 'board_lead' && actor.orgUnitId !== unit.id
          ? `You can only upload your own board’s figures, not ${unit.name}’s`
          : `${unit.name}’s return for ${month} is approved and locked: ask the national programme team to reopen it`
      const refusal = actor.role === 'board_lead' && actor.orgUnitId !== unit.id ? 'other-board' : 'locked'
      problems.push(...group.map((f) => ({ row: f.row, column: 'board_code', message, refusal }) as const))
      continue
    }
    const totals = group.filter((f) => !f.breakdown)
    const split = group.filter((f) => f.breakdown)
    const after = mergeBoardMonth({
      held: figuresHeld.get(boardMonth(unit.id, month)) ?? [],
      figures: totals,
      heldBreakdowns: breakdownsHeld.get(boardMonth(unit.id, month)) ?? [],
      breakdowns: split.map(toBreakdown),
      catalogue,
    })
    const added = after.changes.filter((c) => !c.replaces).length
    const changed = after.changes.length - added + after.breakdownChanges.length
    const rowOf = new Map(totals.map((f) => [`${f.service}|${f.measure}`, f.row]))
    const rowOfSplit = new Map<string, number>()
    for (const f of split) {
      const key = breakdownKey({ ...f, ...f.breakdown! })
      if (!rowOfSplit.has(key)) rowOfSplit.set(key, f.row)
    }
    for (const problem of after.problems) {
      // Blame the row of the breakdown or figure named, or else the uploaded row of its total (a
      // new total that the breakdown held no longer adds up to), or of its part or whole.
      const related = PART_OF_WHOLE.filter((p) => p.part === problem.measure || p.whole === problem.measure).flatMap(
        (p) => [p.part, p.whole],
      )
      const row =
        (problem.dimension ? rowOfSplit.get(breakdownKey({ ...problem, dimension: problem.dimension })) : undefined) ??
        rowOf.get(`${problem.service}|${problem.measure}`) ??
        related.map((m) => rowOf.get(`${problem.service}|${m}`)).find((r) => r !== undefined)
      if (row !== undefined)
        problems.push({ row, column: 'value', message: `${unit.name}, ${month}: ${problem.message}` })
    }
    warnings.push(...unusualFigures(unit, month, totals, history))
    summary.push({
      code,
      name: unit.name,
      month,
      status: state?.status ?? null,
      added,
      changed,
      unchanged: group.length - added - changed,
      needsReason: Boolean(state?.first_approved_at) && added + changed > 0,
    })
  }
  problems.sort((a, b) => a.row - b.row || a.column.localeCompare(b.column))
  summary.sort((a, b) => a.month.localeCompare(b.month) || a.name.localeCompare(b.name))
  return { problems, notes, warnings, summary, figures }
}

/** Figures far from the board's previous 12 months, as warnings (a comment explains them). */
function unusualFigures(
  unit: OrgUnit,
  month: string,
  group: UploadedFigure[],
  history: Map<string, Map<string, number>>,
): UploadProblem[] {
  return group.flatMap((f) => {
    if (f.value === null || f.comment) return []
    const warning = unusualValue(f.value, pastValues(history, unit.id, f, month))
    return warning
      ? [
          {
            row: f.row,
            column: 'value',
            message: `${unit.name}, ${month}, ${f.service} ${f.measure}: ${warning.message}`,
          },
        ]
      : []
  })
}

/** Checks an upload and, when it has no problems, keeps it for its owner to commit. */
export async function previewUpload({
  actor,
  fileName,
  bytes,
  rows,
  now = new Date(),
}: {
  actor: Actor
  fileName: string
  bytes: Uint8Array
  rows: UploadRow[]
  now?: Date
}) {
  assertAllowed(actor.role !== 'analyst', 'Analysts cannot upload figures.')
  const check = await checkUpload({ actor, rows, now })
  if (check.problems.length > 0) return { ...check, uploadId: null }
  const [saved] = await getDb()
    .insert(uploads)
    .values({
      userId: actor.id,
      fileName: fileName.slice(0, 200),
      fileSha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      rowCount: check.figures.length,
      rows: check.figures,
      createdAt: now,
    })
    .returning({ id: uploads.id })
  return { ...check, uploadId: saved!.id }
}

export class UploadCommitError extends Error {
  constructor(readonly problems: UploadProblem[]) {
    super(`${problems.length} problem(s) stopped the upload`)
    this.name = 'UploadCommitError'
  }
}

/**
 * Writes a previewed upload, all of it or none, in one transaction. Board-months whose figures
 * are unchanged are left alone, so committing the same file again changes nothing.
 */
export async function commitUpload({
  actor,
  uploadId,
  reason,
  now = new Date(),
  ip,
}: {
  actor: Actor
  uploadId: string
  reason: string | null
  now?: Date
  ip?: string | null
}) {
  assertAllowed(actor.role !== 'analyst', 'Analysts cannot upload figures.')
  return inTransaction(async (tx) => {
    const [pending] = await tx
      .select()
      .from(uploads)
      .where(
        and(
          eq(uploads.id, uploadId),
          eq(uploads.userId, actor.id),
          isNull(uploads.committedAt),
          gt(uploads.createdAt, new Date(now.getTime() - PENDING_LIFETIME_MS)),
        ),
      )
      .for('update')
    if (!pending)
      throw new UploadRejected([
        { row: 0, column: 'file', message: 'This upload has expired or was already committed: upload the file again' },
      ])
    // The stored rows were checked at preview; saving each board-month applies every rule
    // again against the figures as they stand now, under a lock, so nothing changed since is missed.
    const written = await writeUploadedFigures({
      actor,
      figures: pending.rows,
      reason,
      submit: false,
      source: 'upload',
      now,
      ip,
      tx,
    })
    // All or nothing: any problem rolls back every board-month already saved in this transaction.
    if (written.problems.length > 0) throw new UploadCommitError(written.problems)
    await tx.update(uploads).set({ committedAt: now }).where(eq(uploads.id, uploadId))
    await recordAuditEvent(
      {
        action: 'return.upload_committed',
        userId: actor.id,
        userEmail: actor.email,
        orgUnitId: actor.orgUnitId,
        subject: pending.fileName,
        details: {
          sha256: pending.fileSha256,
          rows: pending.rowCount,
          figuresChanged: written.changedFigures,
          months: written.returns.length,
        },
        ip,
      },
      tx,
    )
    return { changedFigures: written.changedFigures, months: written.returns.length }
  })
}

/**
 * Saves checked figures into many board-months at once, inside the caller's transaction: the
 * upload's commit and the submission API both end here. Every board-month goes through the
 * return form's rules, versions, workflow and audit (`saveReturn`), checked against the figures
 * as they stand under lock; then the writes are set-based, a statement per table for each
 * 5,000 figures, so 100,000 figures cost about fifty statements rather than thousands. Returns the
 * problems found; when there are any nothing is written and the caller rolls back, so the write
 * is all or nothing.
 */
export async function writeUploadedFigures({
  actor,
  figures: all,
  reason: typedReason,
  submit,
  source,
  now,
  ip,
  tx,
}: {
  actor: Actor
  figures: UploadedFigure[]
  reason: string | null
  /** Submit each board-month too (draft to submitted), as the form's submit button does. */
  submit: boolean
  source: 'upload' | 'api'
  now: Date
  ip?: string | null
  tx: Transaction
}) {
  const reason = typedReason?.trim() || null
  const units = await listOrgUnits(tx)
  const catalogue = await loadRuleCatalogue(tx)
  const unitByCode = new Map(units.map((u) => [u.code, u]))
  const serviceSlugs = new Map([...catalogue.services.values()].map((s) => [s.id, s.slug]))
  const groups = new Map<string, { unit: OrgUnit; month: string; figures: UploadedFigure[] }>()
  for (const f of all) {
    const key = boardMonth(unitByCode.get(f.code)!.id, f.month)
    if (!groups.has(key)) groups.set(key, { unit: unitByCode.get(f.code)!, month: f.month, figures: [] })
    groups.get(key)!.figures.push(f)
  }
  // Month by month, then board by board: the order in which every writer takes its locks.
  const ordered = [...groups.values()].sort(
    (a, b) => a.month.localeCompare(b.month) || a.unit.code.localeCompare(b.unit.code),
  )
  const keyList = boardMonthList(ordered)

  // The returns concerned, locked for the rest of the transaction (as the form's save locks its one).
  const held = new Map<string, HeldReturn>()
  for (const r of await queryRows<HeldReturn & { org_unit_id: number; month: string }>(
    tx,
    sql`select r.org_unit_id, to_char(r.month, 'YYYY-MM') as month, r.status::text as status, r.version,
          r.first_submitted_at is not null as submitted_before, r.first_approved_at is not null as approved_before
        from returns r join ${keyList} on k.org_unit_id = r.org_unit_id and k.month = r.month
        order by r.month, r.org_unit_id
        for update of r`,
  ))
    held.set(boardMonth(r.org_unit_id, r.month), r)
  const figuresHeld = await loadCurrentFigures(tx, keyList, serviceSlugs, catalogue.measureNames)
  const breakdownsHeld = await loadCurrentBreakdowns(tx, keyList)
  // Submitting checks each figure against the board's previous 12 months as they stand when
  // its month is saved, so after this upload's own earlier months: held here and kept up to date.
  const history = submit ? await loadHistory(tx, ordered, serviceSlugs, catalogue.measureNames) : new Map()

  const problems: UploadProblem[] = []
  const returns: Array<{ code: string; month: string; status: ReturnStatus; changed: number }> = []
  const writes: ReturnWrite[] = []
  let changedFigures = 0
  const lastComplete = lastCompleteMonth(now)
  for (const { unit, month, figures } of ordered) {
    const key = boardMonth(unit.id, month)
    const rowOf = new Map(figures.filter((f) => !f.breakdown).map((f) => [`${f.service}|${f.measure}`, f.row]))
    for (const f of figures) {
      const split = f.breakdown ? breakdownKey({ ...f, ...f.breakdown }) : null
      if (split && !rowOf.has(split)) rowOf.set(split, f.row)
    }
    const refuse = (found: Problem[]) =>
      problems.push(
        ...found.map((p) => ({
          row:
            (p.dimension ? rowOf.get(breakdownKey({ ...p, dimension: p.dimension })) : undefined) ??
            rowOf.get(`${p.service}|${p.measure}`) ??
            0,
          column: p.rule === 'reason-required' ? 'reason' : p.rule === 'unusual' ? 'comment' : 'value',
          message: `${unit.name}, ${month}: ${p.message}`,
        })),
      )

    // From here to the end of the loop, the rules of saveReturn in the same order.
    const monthIssue = monthProblem(month, lastComplete)
    if (monthIssue) {
      refuse([{ service: '', measure: '', rule: 'month-range', severity: 'error', message: monthIssue }])
      continue
    }
    const current = held.get(key) ?? null
    if (!can.editReturn(actor, { orgUnitId: unit.id, status: current?.status ?? null })) {
      const refusal = actor.role === 'board_lead' && actor.orgUnitId !== unit.id ? 'other-board' : 'locked'
      const message =
        refusal === 'other-board'
          ? `You can only upload your own board’s figures, not ${unit.name}’s`
          : `${unit.name}, ${month}: you may not change this return now (it may have been approved since the preview)`
      problems.push(...figures.map((f) => ({ row: f.row, column: 'board_code', message, refusal }) as const))
      continue
    }
    const {
      changes,
      breakdownChanges,
      problems: found,
      ...after
    } = mergeBoardMonth({
      held: figuresHeld.get(key) ?? [],
      figures: figures.filter((f) => !f.breakdown),
      heldBreakdowns: breakdownsHeld.get(key) ?? [],
      breakdowns: figures.filter((f) => f.breakdown).map(toBreakdown),
      catalogue,
    })
    if (submit) found.push(...unusualWithoutComment(unit.id, month, after.figures, history, catalogue))
    const changed = changes.length + breakdownChanges.length
    found.push(...reasonProblems(current?.approved_before ?? false, changed, reason))
    const errors = found.filter((p) => p.severity === 'error')
    if (errors.length > 0) {
      refuse(errors)
      continue
    }
    // Nothing to change and nothing to submit: leave the return, and its version, as they are.
    if (changed === 0 && !(submit && current?.status === 'draft') && current) {
      returns.push({ code: unit.code, month, status: current.status, changed: 0 })
      continue
    }
    const becomesSubmitted = submit && (current?.status ?? 'draft') === 'draft'
    const status: ReturnStatus = becomesSubmitted ? 'submitted' : (current?.status ?? 'draft')
    writes.push({
      unit,
      month,
      isNew: !current,
      version: (current?.version ?? 0) + 1,
      status,
      becomesSubmitted,
      countsInTotals: Boolean(current?.submitted_before) || becomesSubmitted,
      revision: Boolean(current?.approved_before),
      changes,
      splitChanges: breakdownChanges,
    })
    changedFigures += changed
    returns.push({ code: unit.code, month, status, changed })
    for (const c of changes) {
      const past = history.get(`${unit.id}|${c.service}|${c.measure}`)
      if (c.value === null) past?.delete(month)
      else if (past) past.set(month, c.value)
      else history.set(`${unit.id}|${c.service}|${c.measure}`, new Map([[month, c.value]]))
    }
  }
  problems.sort((a, b) => a.row - b.row || a.column.localeCompare(b.column))
  if (problems.length === 0 && writes.length > 0)
    await writeReturns(tx, { writes, catalogue, actor, reason, source, now, ip })
  return { problems, changedFigures, returns }
}

interface HeldReturn {
  status: ReturnStatus
  version: number
  submitted_before: boolean
  approved_before: boolean
}

/** One board-month's save, decided: what writeReturns writes for it. */
interface ReturnWrite {
  unit: OrgUnit
  month: string
  isNew: boolean
  version: number
  status: ReturnStatus
  becomesSubmitted: boolean
  /** Its figures count in the figure totals (it was submitted before, or is now). */
  countsInTotals: boolean
  /** A change after the month was first approved: the reason is kept with each figure. */
  revision: boolean
  changes: Array<Figure & { replaces: boolean }>
  splitChanges: BreakdownFigure[]
}

/**
 * Figures (and breakdown categories) written by one statement, about: larger batches save no
 * time (each row's foreign-key checks dominate) and hold more memory at once.
 */
const FIGURES_PER_STATEMENT = 5_000

/** Consecutive saves holding about `size` figures each. */
function* inBatches(writes: ReturnWrite[], size: number) {
  let batch: ReturnWrite[] = []
  let figures = 0
  for (const w of writes) {
    batch.push(w)
    figures += w.changes.length + w.splitChanges.length
    if (figures >= size) {
      yield batch
      batch = []
      figures = 0
    }
  }
  if (batch.length > 0) yield batch
}

const boardMonth = (orgUnitId: number, month: string) => `${orgUnitId}|${month}`

/** Rows as a set in SQL: one JSON parameter read by json_to_recordset, on both engines. */
function recordset(rows: object[], alias: string) {
  return sql`json_to_recordset(${JSON.stringify(rows)}::json) as ${sql.raw(alias)}`
}

/** Board-months as a set in SQL, `k(org_unit_id, month)`. */
function boardMonthList(boardMonths: Array<{ unit: OrgUnit; month: string }>) {
  return recordset(
    boardMonths.map((g) => ({ org_unit_id: g.unit.id, month: toMonthDate(g.month) })),
    'k(org_unit_id int, month date)',
  )
}

/** The current figures of some board-months: board|month -> figures. */
async function loadCurrentFigures(
  db: Executor,
  keyList: SQL,
  serviceSlugs: Map<number, string>,
  measureNames: Map<number, string>,
) {
  const held = new Map<string, Figure[]>()
  for (const v of await queryRows<{
    org_unit_id: number
    month: string
    service_id: number
    measure_id: number
    value: number | null
    comment: string | null
  }>(
    db,
    sql`select v.org_unit_id, to_char(v.month, 'YYYY-MM') as month, v.service_id, v.measure_id, v.value, v.comment
        from return_values v join ${keyList} on k.org_unit_id = v.org_unit_id and k.month = v.month
        where v.valid_to is null`,
  )) {
    const key = boardMonth(v.org_unit_id, v.month)
    if (!held.has(key)) held.set(key, [])
    held.get(key)!.push({
      service: serviceSlugs.get(v.service_id)!,
      measure: measureNames.get(v.measure_id)!,
      value: v.value,
      comment: v.comment,
    })
  }
  return held
}

/** The current breakdowns of some board-months, in the catalogue's order: board|month -> breakdowns. */
async function loadCurrentBreakdowns(db: Executor, keyList: SQL) {
  const held = new Map<string, BreakdownFigure[]>()
  for (const b of await queryRows<BreakdownFigure & { org_unit_id: number; month: string }>(
    db,
    sql`select v.org_unit_id, to_char(v.month, 'YYYY-MM') as month, s.slug as service, m.name as measure,
          d.name as dimension, c.name as category, v.value
        from breakdown_values v join ${keyList} on k.org_unit_id = v.org_unit_id and k.month = v.month
        join services s on s.id = v.service_id
        join measures m on m.id = v.measure_id
        join breakdown_dimensions d on d.id = v.dimension_id
        join breakdown_categories c on c.id = v.category_id
        where v.valid_to is null
        order by v.org_unit_id, v.month, s.sort_order, m.sort_order, d.sort_order, c.sort_order`,
  )) {
    const key = boardMonth(b.org_unit_id, b.month)
    if (!held.has(key)) held.set(key, [])
    held.get(key)!.push({
      service: b.service,
      measure: b.measure,
      dimension: b.dimension,
      category: b.category,
      value: b.value,
    })
  }
  return held
}

/** A figure's values over the 12 months before `month`, from loadHistory's map. */
function pastValues(
  history: Map<string, Map<string, number>>,
  orgUnitId: number,
  figure: { service: string; measure: string },
  month: string,
) {
  const from = addMonths(month, -12)
  return [...(history.get(`${orgUnitId}|${figure.service}|${figure.measure}`) ?? [])]
    .filter(([m]) => m >= from && m < month)
    .map(([, value]) => value)
}

/** The boards' current figures over the 12 months before each board-month: board|service|measure -> month -> value. */
async function loadHistory(
  db: Executor,
  boardMonths: Array<{ unit: OrgUnit; month: string }>,
  serviceSlugs: Map<number, string>,
  measureNames: Map<number, string>,
) {
  const history = new Map<string, Map<string, number>>()
  if (boardMonths.length === 0) return history
  const unitIds = [...new Set(boardMonths.map((g) => g.unit.id))]
  const months = boardMonths.map((g) => g.month).sort()
  const rows = await queryRows<{
    org_unit_id: number
    month: string
    service_id: number
    measure_id: number
    value: number
  }>(
    db,
    sql`select v.org_unit_id, to_char(v.month, 'YYYY-MM') as month, v.service_id, v.measure_id, v.value
        from return_values v
        where v.valid_to is null and v.value is not null
          and v.org_unit_id in (${sql.join(
            unitIds.map((id) => sql`${id}`),
            sql`, `,
          )})
          and v.month between ${toMonthDate(addMonths(months[0]!, -12))} and ${toMonthDate(addMonths(months.at(-1)!, -1))}`,
  )
  for (const r of rows) {
    const key = `${r.org_unit_id}|${serviceSlugs.get(r.service_id)}|${measureNames.get(r.measure_id)}`
    if (!history.has(key)) history.set(key, new Map())
    history.get(key)!.set(r.month, r.value)
  }
  return history
}

/** As the form's submit: unusual values (against the board's previous 12 months) without a comment. */
function unusualWithoutComment(
  orgUnitId: number,
  month: string,
  figures: Figure[],
  history: Map<string, Map<string, number>>,
  catalogue: RuleCatalogue,
): Problem[] {
  return figures.flatMap((figure): Problem[] => {
    if (figure.value === null || figure.comment) return []
    const warning = unusualValue(figure.value, pastValues(history, orgUnitId, figure, month))
    if (!warning) return []
    const label = catalogue.measures.get(figure.measure)?.label ?? figure.measure
    return [
      {
        service: figure.service,
        measure: figure.measure,
        rule: 'unusual',
        severity: 'error',
        message: `${label} for ${catalogue.serviceNames.get(figure.service) ?? figure.service}: ${warning.message}. Add a comment that explains it before submitting`,
      },
    ]
  })
}

/**
 * Writes the decided saves of many board-months, set-based: new returns, the figure totals'
 * month locks, closed and new versions of figures and breakdowns (a statement per table for each
 * 5,000 figures), the returns' versions and states, their events and the audit trail.
 */
async function writeReturns(
  tx: Transaction,
  {
    writes,
    catalogue,
    actor,
    reason,
    source,
    now,
    ip,
  }: {
    writes: ReturnWrite[]
    catalogue: RuleCatalogue
    actor: Actor
    reason: string | null
    source: 'upload' | 'api'
    now: Date
    ip?: string | null
  },
) {
  const at = (w: ReturnWrite) => ({ org_unit_id: w.unit.id, month: toMonthDate(w.month) })
  const created = writes.filter((w) => w.isNew)
  if (created.length > 0)
    await tx.execute(sql`
      insert into returns (org_unit_id, month, status, version, updated_at)
      select k.org_unit_id, k.month, 'draft'::return_status, 1, ${now}::timestamptz from ${recordset(created.map(at), 'k(org_unit_id int, month date)')}
      order by k.month, k.org_unit_id`)
  // The figure totals' triggers lock each month they change (migration 0010), statement by
  // statement; this write's statements would reach the months in no one order between them,
  // so it takes every month's lock first, in month order, as every other writer does.
  const months = [...new Set(writes.filter((w) => w.countsInTotals).map((w) => w.month))].sort()
  for (const month of months) {
    const [year, number] = month.split('-').map(Number) as [number, number]
    await tx.execute(sql`select pg_advisory_xact_lock(1, ${year * 12 + number}::int)`)
  }

  // Whole board-months at a time, in month order, so that no statement's parameter (and the
  // memory it takes) grows with the size of the upload.
  for (const batch of inBatches(writes, FIGURES_PER_STATEMENT)) {
    // Each figure as a short JSON array rather than an object: an upload allocates these by the
    // hundred thousand, and they outlive the statement that takes them.
    const figureRows: string[] = []
    const replaced: string[] = []
    for (const w of batch) {
      const where = `${w.unit.id},"${toMonthDate(w.month)}"`
      for (const c of w.changes) {
        const ids = `${where},${catalogue.services.get(c.service)!.id},${catalogue.measures.get(c.measure)!.id}`
        figureRows.push(`[${ids},${c.value ?? 'null'},${JSON.stringify(c.comment ?? null)},${w.revision}]`)
        if (c.replaces) replaced.push(`[${ids}]`)
      }
    }
    if (replaced.length > 0)
      await tx.execute(sql`
        update return_values v set valid_to = ${now}
        from json_array_elements(${`[${replaced.join(',')}]`}::json) as c
        where v.org_unit_id = (c->>0)::int and v.month = (c->>1)::date and v.service_id = (c->>2)::int
          and v.measure_id = (c->>3)::int and v.valid_to is null`)
    if (figureRows.length > 0)
      await tx.execute(sql`
        insert into return_values (org_unit_id, service_id, month, measure_id, value, comment, valid_from, changed_by, change_reason)
        select (c->>0)::int, (c->>2)::int, (c->>1)::date, (c->>3)::int, (c->>4)::int, c->>5, ${now}::timestamptz, ${actor.id}::int,
          case when (c->>6)::boolean then ${reason}::text end
        from json_array_elements(${`[${figureRows.join(',')}]`}::json) as c
        order by (c->>1)::date, (c->>0)::int, (c->>2)::int, (c->>3)::int`)

    const splitRows = batch.flatMap((w) =>
      w.splitChanges.map((c) => {
        const dimension = catalogue.breakdowns.dimensions.get(c.dimension)!
        return {
          ...at(w),
          service_id: catalogue.services.get(c.service)!.id,
          measure_id: catalogue.measures.get(c.measure)!.id,
          dimension_id: dimension.id,
          category_id: dimension.categories.find((k) => k.name === c.category)!.id,
          value: c.value,
          revision: w.revision,
        }
      }),
    )
    if (splitRows.length > 0) {
      const splitSet = recordset(
        splitRows,
        'c(org_unit_id int, month date, service_id int, measure_id int, dimension_id int, category_id int, value int, revision boolean)',
      )
      await tx.execute(sql`
        update breakdown_values v set valid_to = ${now}
        from ${splitSet}
        where v.org_unit_id = c.org_unit_id and v.month = c.month and v.service_id = c.service_id
          and v.measure_id = c.measure_id and v.category_id = c.category_id and v.valid_to is null`)
      await tx.execute(sql`
        insert into breakdown_values (org_unit_id, service_id, month, measure_id, dimension_id, category_id, value, valid_from, changed_by, change_reason)
        select c.org_unit_id, c.service_id, c.month, c.measure_id, c.dimension_id, c.category_id, c.value, ${now}::timestamptz, ${actor.id}::int,
          case when c.revision then ${reason}::text end
        from ${splitSet}
        where c.value is not null
        order by c.month, c.org_unit_id, c.service_id, c.measure_id, c.dimension_id, c.category_id`)
    }
  }

  // After the figures, as in the form's save: a return submitted for the first time brings its
  // figures into the totals through the returns trigger.
  await tx.execute(sql`
    update returns r set version = c.version, updated_at = ${now},
      status = case when c.submit then 'submitted'::return_status else r.status end,
      submitted_at = case when c.submit then ${now} else r.submitted_at end,
      submitted_by = case when c.submit then ${actor.id}::int else r.submitted_by end,
      first_submitted_at = case when c.submit then coalesce(r.first_submitted_at, ${now}) else r.first_submitted_at end
    from ${recordset(
      writes.map((w) => ({ ...at(w), version: w.version, submit: w.becomesSubmitted })),
      'c(org_unit_id int, month date, version int, submit boolean)',
    )}
    where r.org_unit_id = c.org_unit_id and r.month = c.month`)
  const submitted = writes.filter((w) => w.becomesSubmitted)
  if (submitted.length > 0)
    await tx.execute(sql`
      insert into return_events (org_unit_id, month, action, at, user_id)
      select k.org_unit_id, k.month, 'submitted'::return_action, ${now}::timestamptz, ${actor.id}::int
      from ${recordset(submitted.map(at), 'k(org_unit_id int, month date)')}
      order by k.month, k.org_unit_id`)

  const deadlineDay = getConfig().RETURN_DEADLINE_DAY
  const events = writes.flatMap((w): AuditEntry[] => {
    const subject = `${w.unit.name}, ${w.month}`
    const entries: AuditEntry[] = []
    if (w.changes.length + w.splitChanges.length > 0)
      entries.push({
        action: 'return.figures_changed',
        actor,
        orgUnitId: w.unit.id,
        subject,
        details: {
          code: w.unit.code,
          month: w.month,
          source,
          changed: w.changes.length,
          ...(w.splitChanges.length > 0 ? { breakdownsChanged: w.splitChanges.length } : {}),
          revision: w.revision,
          reason,
        },
        ip,
      })
    if (w.becomesSubmitted)
      entries.push({
        action: 'return.submitted',
        actor,
        orgUnitId: w.unit.id,
        subject,
        details: { code: w.unit.code, month: w.month, late: now > returnDeadline(w.month, deadlineDay) },
        ip,
      })
    return entries
  })
  await recordAuditEvents(events, tx)
}

function toBreakdown(f: UploadedFigure) {
  return { service: f.service, measure: f.measure, ...f.breakdown!, value: f.value }
}
