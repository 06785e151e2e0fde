// Uploads of monthly figures: checked in full and previewed first, then committed all or
// nothing, in one transaction, through the same rules and versioning as the return form.
import crypto from 'node:crypto'
import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { addMonths, lastCompleteMonth, monthRange, toMonthDate } from '#app/utils/dates.ts'
import { getDb, inTransaction } from '#app/utils/db.server.ts'
import { assertAllowed } from '#app/utils/http.server.ts'
import { type Actor, can, type ReturnStatus } from '#app/utils/permissions.ts'
import {
  checkFigures,
  type Figure,
  FigureRowSchema,
  monthProblem,
  PART_OF_WHOLE,
  unusualValue,
} from '#app/returns/rules.ts'
import { breakdownKey, checkBreakdowns, mergeBreakdowns, parseBreakdownCell } from '#app/returns/breakdowns.ts'
import { type UploadProblem, UploadRejected, type UploadRow } from '#app/returns/upload-parse.server.ts'
import { queryRows, type Executor, type Transaction } from '#db/client.ts'
import { type UploadedFigure, uploads } from '#db/schema/index.ts'
import { recordAuditEvent } from './audit.server.ts'
import { listCurrentBreakdowns } from './breakdowns.server.ts'
import { listOrgUnitAliases, listOrgUnits, type OrgUnit } from './org-units.server.ts'
import { loadRuleCatalogue, saveReturn } from './returns.server.ts'

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
  const problems: UploadProblem[] = []
  const notes: string[] = []
  const catalogue = await loadRuleCatalogue(db)
  // One after another: inside a transaction they share one connection.
  const units = await listOrgUnits(db)
  const aliases = await listOrgUnitAliases(db)
  const unitByCode = new Map(units.map((u) => [u.code, u]))
  const aliasByCode = new Map(aliases.map((a) => [a.code, a]))
  const latest = lastCompleteMonth(now)

  const figures: UploadedFigure[] = []
  const seen = new Map<string, number>()
  const recoded = new Set<string>()
  for (const { row, values } of rows) {
    const parsed = FigureRowSchema.safeParse(values)
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({ row, column: String(issue.path[0] ?? '(row)'), message: issue.message })
      continue
    }
    const r = parsed.data
    let unit = unitByCode.get(r.board_code)
    const alias = aliasByCode.get(r.board_code)
    if (!unit && alias) {
      unit = units.find((u) => u.id === alias.orgUnitId)
      if (unit && !recoded.has(r.board_code)) {
        recoded.add(r.board_code)
        notes.push(
          `Board code ${r.board_code} is no longer used and was read as ${unit.code} (${unit.name}): ${alias.note}.`,
        )
      }
    }
    const rowProblems: UploadProblem[] = []
    if (!unit)
      rowProblems.push({
        row,
        column: 'board_code',
        message: `${r.board_code} is not a board code: use the codes in the template, like S08000024`,
      })
    if (!catalogue.services.has(r.service))
      rowProblems.push({
        row,
        column: 'service',
        message: `${r.service} is not a service: use the short names in the template, like ccbt-adults`,
      })
    if (!catalogue.measures.has(r.measure))
      rowProblems.push({
        row,
        column: 'measure',
        message: `${r.measure} is not a measure: use the names in the template, like referrals`,
      })
    else if (catalogue.services.has(r.service) && !catalogue.applies.get(r.service)?.has(r.measure)) {
      rowProblems.push({ row, column: 'measure', message: `${r.measure} does not apply to ${r.service}` })
    }
    const monthIssue = monthProblem(r.month, latest)
    if (monthIssue) rowProblems.push({ row, column: 'month', message: monthIssue })
    const breakdown = r.breakdown ? parseBreakdownCell(r.breakdown) : undefined
    if (breakdown === null)
      rowProblems.push({
        row,
        column: 'breakdown',
        message: `“${r.breakdown.slice(0, 30)}” is not a breakdown: write the dimension and the category, like simd=1, age=18-24 or sex=female, or leave it empty for the total`,
      })
    else if (breakdown && rowProblems.length === 0) {
      const dimension = catalogue.breakdowns.applies
        .get(`${r.service}|${r.measure}`)
        ?.find((d) => d.name === breakdown.dimension)
      if (!dimension)
        rowProblems.push({
          row,
          column: 'breakdown',
          message: `${r.measure} of ${r.service} is not broken down by ${breakdown.dimension}${
            catalogue.breakdowns.applies.has(`${r.service}|${r.measure}`)
              ? `: use ${catalogue.breakdowns.applies
                  .get(`${r.service}|${r.measure}`)!
                  .map((d) => d.name)
                  .join(', ')}`
              : ''
          }`,
        })
      else if (!dimension.categories.some((c) => c.name === breakdown.category))
        rowProblems.push({
          row,
          column: 'breakdown',
          message: `${breakdown.category} is not a category of ${dimension.label}: use ${dimension.categories.map((c) => c.name).join(', ')}`,
        })
      else if (r.comment)
        rowProblems.push({
          row,
          column: 'comment',
          message: 'Comments go on the total’s row, not on a breakdown’s',
        })
    }
    if (unit) {
      const key = `${unit.code}|${r.month}|${r.service}|${r.measure}|${r.breakdown.toLowerCase().replace(/\s/g, '')}`
      const first = seen.get(key)
      if (first !== undefined)
        rowProblems.push({
          row,
          column: '(whole row)',
          message: `Repeats row ${first}: the same month, board, service${r.breakdown ? ', measure and breakdown category' : ' and measure'}`,
        })
      else seen.set(key, row)
    }
    problems.push(...rowProblems)
    if (rowProblems.length === 0 && unit) {
      figures.push({
        row,
        code: unit.code,
        month: r.month,
        service: r.service,
        measure: r.measure,
        value: r.value,
        comment: r.comment,
        ...(breakdown ? { breakdown } : {}),
      })
    }
  }

  // Each board-month against the figures it already holds, and what the user may change.
  const groups = new Map<string, UploadedFigure[]>()
  for (const f of figures) {
    const key = `${f.code}|${f.month}`
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key)!.push(f)
  }
  const summary: UploadSummary[] = []
  const warnings: UploadProblem[] = []
  for (const [key, group] of groups) {
    const [code, month] = key.split('|') as [string, string]
    const unit = unitByCode.get(code)!
    const [state] = await queryRows<{ status: ReturnStatus; first_approved_at: string | null }>(
      db,
      sql`select status::text as status, first_approved_at::text as first_approved_at from returns where org_unit_id = ${unit.id} and month = ${toMonthDate(month)}`,
    )
    if (!can.editReturn(actor, { orgUnitId: unit.id, status: state?.status ?? null })) {
      const message =
        actor.role === 'board_lead' && actor.orgUnitId !== unit.id
          ? `You can only upload your own board’s figures, not ${unit.name}’s`
          : `${unit.name}’s return for ${month} is approved and locked: ask the national programme team to reopen it`
      const refusal = actor.role === 'board_lead' && actor.orgUnitId !== unit.id ? 'other-board' : 'locked'
      problems.push(...group.map((f) => ({ row: f.row, column: 'board_code', message, refusal }) as const))
      continue
    }
    const existing = await queryRows<{
      service: string
      measure: string
      value: number | null
      comment: string | null
    }>(
      db,
      sql`select s.slug as service, m.name as measure, v.value, v.comment from return_values v
          join services s on s.id = v.service_id join measures m on m.id = v.measure_id
          where v.org_unit_id = ${unit.id} and v.month = ${toMonthDate(month)} and v.valid_to is null`,
    )
    const merged = new Map<string, Figure>(existing.map((e) => [`${e.service}|${e.measure}`, e]))
    let added = 0
    let changed = 0
    const totals = group.filter((f) => !f.breakdown)
    const split = group.filter((f) => f.breakdown)
    if (split.length > 0) {
      // Breakdowns as they would stand, against the totals as they would stand.
      const heldSplit = await listCurrentBreakdowns(db, unit.id, month)
      const after = mergeBreakdowns(heldSplit, split.map(toBreakdown))
      changed += after.changes.length
      const totalsAfter = new Map(merged)
      for (const f of totals) totalsAfter.set(`${f.service}|${f.measure}`, f)
      const rowOfSplit = new Map<string, number>()
      for (const f of split) {
        const key = breakdownKey({ ...f, ...f.breakdown! })
        if (!rowOfSplit.has(key)) rowOfSplit.set(key, f.row)
      }
      for (const problem of checkBreakdowns({
        figures: [...totalsAfter.values()],
        breakdowns: after.merged,
        applies: catalogue.breakdowns.applies,
        labels: {
          measure: (name) => catalogue.measures.get(name)?.label ?? name,
          service: (slug) => catalogue.serviceNames.get(slug) ?? slug,
        },
      })) {
        const row = rowOfSplit.get(breakdownKey({ ...problem, dimension: problem.dimension! }))
        if (row !== undefined)
          problems.push({ row, column: 'value', message: `${unit.name}, ${month}: ${problem.message}` })
      }
    }
    for (const f of totals) {
      const before = merged.get(`${f.service}|${f.measure}`)
      if (!before) added += f.value === null && f.comment === null ? 0 : 1
      else if (before.value !== f.value || (before.comment ?? null) !== f.comment) changed++
      merged.set(`${f.service}|${f.measure}`, f)
    }
    const rowOf = new Map(totals.map((f) => [`${f.service}|${f.measure}`, f.row]))
    for (const problem of checkFigures({
      figures: [...merged.values()],
      applies: catalogue.applies,
      measures: catalogue.measures,
      serviceNames: catalogue.serviceNames,
    })) {
      // Blame the row of the figure named, or else the uploaded row of its part or whole.
      const related = PART_OF_WHOLE.filter((p) => p.part === problem.measure || p.whole === problem.measure).flatMap(
        (p) => [p.part, p.whole],
      )
      const row =
        rowOf.get(`${problem.service}|${problem.measure}`) ??
        related.map((m) => rowOf.get(`${problem.service}|${m}`)).find((r) => r !== undefined)
      if (row !== undefined)
        problems.push({ row, column: 'value', message: `${unit.name}, ${month}: ${problem.message}` })
    }
    warnings.push(...(await unusualFigures(db, unit, month, totals)))
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

async function unusualFigures(
  db: Executor,
  unit: OrgUnit,
  month: string,
  group: UploadedFigure[],
): Promise<UploadProblem[]> {
  const months = monthRange(addMonths(month, -12), addMonths(month, -1))
  const history = await queryRows<{ service: string; measure: string; value: number }>(
    db,
    sql`select s.slug as service, m.name as measure, v.value from return_values v
        join services s on s.id = v.service_id join measures m on m.id = v.measure_id
        where v.org_unit_id = ${unit.id} and v.valid_to is null and v.value is not null
          and v.month between ${toMonthDate(months[0]!)} and ${toMonthDate(months.at(-1)!)}`,
  )
  return group.flatMap((f) => {
    if (f.value === null || f.comment) return []
    const past = history.filter((h) => h.service === f.service && h.measure === f.measure).map((h) => h.value)
    const warning = unusualValue(f.value, past)
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
 * Saves checked figures board-month by board-month through the return form's own save (its
 * rules, versions, workflow and audit), inside the caller's transaction: the upload's commit
 * and the submission API both end here. Returns the problems found under lock; the caller rolls
 * back when there are any, so the write is all or nothing.
 */
export async function writeUploadedFigures({
  actor,
  figures: all,
  reason,
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
  const units = await listOrgUnits(tx)
  const catalogue = await loadRuleCatalogue(tx)
  const groups = new Map<string, UploadedFigure[]>()
  for (const f of all) {
    const key = `${f.code}|${f.month}`
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key)!.push(f)
  }
  const problems: UploadProblem[] = []
  const returns: Array<{ code: string; month: string; status: ReturnStatus; changed: number }> = []
  let changedFigures = 0
  // Month by month (then board by board), so that this transaction takes the figure totals'
  // month locks in the same order as every other writer (migration 0010).
  const ordered = [...groups].sort(([a], [b]) => {
    const [codeA, monthA] = a.split('|') as [string, string]
    const [codeB, monthB] = b.split('|') as [string, string]
    return monthA.localeCompare(monthB) || codeA.localeCompare(codeB)
  })
  for (const [key, figures] of ordered) {
    const [code, month] = key.split('|') as [string, string]
    const unit = units.find((u) => u.code === code)!
    const rowOf = new Map(figures.filter((f) => !f.breakdown).map((f) => [`${f.service}|${f.measure}`, f.row]))
    for (const f of figures) {
      const key = f.breakdown ? breakdownKey({ ...f, ...f.breakdown }) : null
      if (key && !rowOf.has(key)) rowOf.set(key, f.row)
    }
    let outcome
    try {
      outcome = await saveReturn({
        actor,
        unit,
        month,
        expectedVersion: null,
        figures: figures
          .filter((f) => !f.breakdown)
          .map((f) => ({ service: f.service, measure: f.measure, value: f.value, comment: f.comment })),
        breakdowns: figures.filter((f) => f.breakdown).map(toBreakdown),
        submit,
        reason: reason?.trim() || null,
        source,
        now,
        ip,
        executor: tx,
        catalogue,
      })
    } catch (error) {
      if (error instanceof Response && error.status === 403) {
        const refusal = actor.role === 'board_lead' && actor.orgUnitId !== unit.id ? 'other-board' : 'locked'
        const message =
          refusal === 'other-board'
            ? `You can only upload your own board’s figures, not ${unit.name}’s`
            : `${unit.name}, ${month}: you may not change this return now (it may have been approved since the preview)`
        problems.push(...figures.map((f) => ({ row: f.row, column: 'board_code', message, refusal }) as const))
        continue
      }
      throw error
    }
    if (outcome.ok) {
      changedFigures += outcome.changed
      returns.push({ code, month, status: outcome.status, changed: outcome.changed })
    } else if (outcome.kind === 'invalid') {
      problems.push(
        ...outcome.problems.map((p) => ({
          row:
            (p.dimension ? rowOf.get(breakdownKey({ ...p, dimension: p.dimension })) : undefined) ??
            rowOf.get(`${p.service}|${p.measure}`) ??
            0,
          column: p.rule === 'reason-required' ? 'reason' : p.rule === 'unusual' ? 'comment' : 'value',
          message: `${unit.name}, ${month}: ${p.message}`,
        })),
      )
    }
  }
  problems.sort((a, b) => a.row - b.row || a.column.localeCompare(b.column))
  return { problems, changedFigures, returns }
}

function toBreakdown(f: UploadedFigure) {
  return { service: f.service, measure: f.measure, ...f.breakdown!, value: f.value }
}
