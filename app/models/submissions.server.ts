// Returns sent by the boards' own systems (`POST /api/v1/returns`): the upload's check and the
// upload's write, in one transaction, all or nothing. A dry run goes exactly as far as the commit
// would and rolls back. A repeated Idempotency-Key gets the first answer and changes nothing.
import { and, eq } from 'drizzle-orm'
import { inTransaction, getDb } from '#app/utils/db.server.ts'
import { assertAllowed } from '#app/utils/http.server.ts'
import { type Actor, can, type ReturnStatus } from '#app/utils/permissions.ts'
import type { UploadProblem, UploadRow } from '#app/returns/upload-parse.server.ts'
import { submissionRequests, type TokenScope } from '#db/schema/index.ts'
import { recordAuditEvent } from './audit.server.ts'
import { listOrgUnitAliases, listOrgUnits } from './org-units.server.ts'
import { checkUpload, writeUploadedFigures } from './uploads.server.ts'

/** A problem of one row (or of the request as a whole, row 0), named by its field. */
export interface SubmissionProblem {
  row: number
  field: string
  message: string
}

/** The import summary: what a submission changed (or, in a dry run, would change). */
export interface SubmissionSummary {
  dryRun: boolean
  submit: boolean
  rows: number
  figures: { created: number; changed: number; unchanged: number }
  returns: Array<{
    board_code: string
    board_name: string
    month: string
    /** Before this request; null when the board-month had no return yet. */
    status_before: ReturnStatus | null
    /** After it (in a dry run: what it would be). */
    status: ReturnStatus
    created: number
    changed: number
    unchanged: number
  }>
  /** Unusual figures without a comment: saved, but each needs a comment before submitting. */
  warnings: SubmissionProblem[]
  notes: string[]
  errors: SubmissionProblem[]
}

export type SubmissionOutcome =
  | { kind: 'done'; status: 200; summary: SubmissionSummary }
  | { kind: 'replayed'; status: number; response: unknown }
  | { kind: 'key-reused' }
  | {
      kind: 'refused'
      /** 403 when a row names a board the caller may not change; 422 otherwise. */
      status: 403 | 422
      errors: SubmissionProblem[]
      warnings: SubmissionProblem[]
      notes: string[]
    }

export interface SubmissionToken {
  id: number
  name: string
  scope: TokenScope
}

const asProblem = (p: UploadProblem): SubmissionProblem => ({ row: p.row, field: p.column, message: p.message })

/** Thrown inside the transaction to roll it back, carrying the answer out. */
class RollBack extends Error {
  constructor(readonly outcome: SubmissionOutcome) {
    super('rolled back')
  }
}
class KeyTaken extends Error {}

/**
 * The boards a board lead's rows name other than their own (by current or superseded code): the
 * route's guard, before anything is read. The check and the save refuse them again.
 */
export async function listForeignBoardCodes({ actor, rows }: { actor: Actor; rows: UploadRow[] }) {
  if (actor.role !== 'board_lead') return []
  const units = await listOrgUnits()
  const unitOfCode = new Map<string, number>(units.map((u) => [u.code, u.id]))
  for (const alias of await listOrgUnitAliases()) unitOfCode.set(alias.code, alias.orgUnitId)
  const foreign = new Set<string>()
  for (const { values } of rows) {
    const code = (values.board_code ?? '').trim().toUpperCase()
    const unit = unitOfCode.get(code)
    if (unit !== undefined && unit !== actor.orgUnitId) foreign.add(code)
  }
  return [...foreign]
}

/**
 * Checks and writes a submission's rows as one upload would be checked and committed, in one
 * transaction; refuses it whole on any problem. With `idempotency`, a request repeated with the
 * same key and the same body (its SHA-256) gets the first answer back and changes nothing, and
 * the same key with another body is refused. Every use is in the audit trail with the token's name.
 */
export async function submitFigures({
  actor,
  token,
  rows,
  dryRun,
  submit,
  reason,
  idempotency,
  now = new Date(),
  ip,
}: {
  actor: Actor
  token: SubmissionToken
  rows: UploadRow[]
  dryRun: boolean
  submit: boolean
  reason: string | null
  /** The request's Idempotency-Key and the SHA-256 of what it asks (parameters and body). */
  idempotency: { key: string; sha256: string } | null
  now?: Date
  ip?: string | null
}): Promise<SubmissionOutcome> {
  assertAllowed(can.submitByApi(actor, token), 'This token may not submit returns.')
  const keyed = idempotency && !dryRun ? idempotency : null
  const audit = (outcome: SubmissionOutcome, changedFigures: number, executor = getDb()) =>
    recordAuditEvent(
      {
        action: 'return.api_submission',
        outcome: outcome.kind === 'refused' || outcome.kind === 'key-reused' ? 'refused' : 'success',
        actor,
        orgUnitId: actor.orgUnitId,
        subject: token.name,
        details: {
          token: token.name,
          tokenId: token.id,
          dryRun,
          submit,
          rows: rows.length,
          status: outcome.kind === 'key-reused' ? 422 : outcome.status,
          figuresChanged: changedFigures,
          ...(outcome.kind === 'refused' ? { errors: outcome.errors.length } : {}),
          ...(idempotency ? { idempotencyKey: idempotency.key } : {}),
          ...(outcome.kind === 'replayed' ? { replayed: true } : {}),
        },
        ip,
      },
      executor,
    )
  const previous = async (): Promise<SubmissionOutcome | null> => {
    if (!keyed) return null
    const [row] = await getDb()
      .select({
        requestSha256: submissionRequests.requestSha256,
        status: submissionRequests.status,
        response: submissionRequests.response,
      })
      .from(submissionRequests)
      .where(and(eq(submissionRequests.tokenId, token.id), eq(submissionRequests.idempotencyKey, keyed.key)))
    if (!row) return null
    return row.requestSha256 === keyed.sha256
      ? { kind: 'replayed', status: row.status, response: row.response }
      : { kind: 'key-reused' }
  }

  let outcome = await previous()
  if (!outcome) {
    try {
      outcome = await inTransaction(async (tx) => {
        if (keyed) {
          // Claims the key: a second request with it waits here until this one ends, then replays.
          const [claimed] = await tx
            .insert(submissionRequests)
            .values({
              tokenId: token.id,
              idempotencyKey: keyed.key,
              requestSha256: keyed.sha256,
              status: 0,
              response: {},
            })
            .onConflictDoNothing()
            .returning({ id: submissionRequests.id })
          if (!claimed) throw new KeyTaken()
        }
        const check = await checkUpload({ actor, rows, now, db: tx })
        const warnings = check.warnings.map(asProblem)
        if (check.problems.length > 0) throw new RollBack(refusal(check.problems, warnings, check.notes))
        const written = await writeUploadedFigures({
          actor,
          figures: check.figures,
          reason,
          submit,
          source: 'api',
          now,
          ip,
          tx,
        })
        if (written.problems.length > 0) throw new RollBack(refusal(written.problems, warnings, check.notes))
        const after = new Map(written.returns.map((r) => [`${r.code}|${r.month}`, r.status]))
        const summary: SubmissionSummary = {
          dryRun,
          submit,
          rows: rows.length,
          figures: {
            created: sum(check.summary.map((s) => s.added)),
            changed: sum(check.summary.map((s) => s.changed)),
            unchanged: sum(check.summary.map((s) => s.unchanged)),
          },
          returns: check.summary.map((s) => ({
            board_code: s.code,
            board_name: s.name,
            month: s.month,
            status_before: s.status,
            status: after.get(`${s.code}|${s.month}`) ?? s.status ?? 'draft',
            created: s.added,
            changed: s.changed,
            unchanged: s.unchanged,
          })),
          warnings,
          notes: check.notes,
          errors: [],
        }
        const done: SubmissionOutcome = { kind: 'done', status: 200, summary }
        if (dryRun) throw new RollBack(done)
        await audit(done, written.changedFigures, tx)
        if (keyed)
          await tx
            .update(submissionRequests)
            .set({ status: 200, response: summary })
            .where(and(eq(submissionRequests.tokenId, token.id), eq(submissionRequests.idempotencyKey, keyed.key)))
        return done
      })
      return outcome
    } catch (error) {
      if (error instanceof RollBack) outcome = error.outcome
      else if (error instanceof KeyTaken) outcome = (await previous())!
      else throw error
    }
  }
  await audit(outcome, 0)
  return outcome
}

/**
 * A submission refused before its rows were read (a read token, another board's rows, too many
 * requests): in the audit trail too, with the token's name.
 */
export async function recordRefusedSubmission({
  actor,
  token,
  status,
  reason,
  ip,
}: {
  actor: Actor
  token: SubmissionToken
  status: number
  reason: string
  ip?: string | null
}) {
  await recordAuditEvent({
    action: 'return.api_submission',
    outcome: 'refused',
    actor,
    orgUnitId: actor.orgUnitId,
    subject: token.name,
    details: { token: token.name, tokenId: token.id, status, reason },
    ip,
  })
}

function refusal(problems: UploadProblem[], warnings: SubmissionProblem[], notes: string[]): SubmissionOutcome {
  return {
    kind: 'refused',
    status: problems.some((p) => p.refusal === 'other-board') ? 403 : 422,
    errors: problems.map(asProblem),
    warnings,
    notes,
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
