// `POST /api/v1/returns`: the request handler. It checks the token's scope and rate, the query
// string, the Idempotency-Key and the body (its size, its type, its rows), then hands the rows to
// the same check and write as an upload (app/models/submissions.server.ts). Every refusal is an
// RFC 9457 problem document.
import crypto from 'node:crypto'
import {
  listForeignBoardCodes,
  recordRefusedSubmission,
  submitFigures,
  type SubmissionProblem,
} from '#app/models/submissions.server.ts'
import {
  MAX_UPLOAD_BYTES,
  MAX_UPLOAD_ROWS,
  parseUploadFile,
  UPLOAD_COLUMNS,
  UploadRejected,
  type UploadRow,
} from '#app/returns/upload-parse.server.ts'
import { type Actor, can } from '#app/utils/permissions.ts'
import { API_SUBMISSION_LIMIT, secondsUntilSubmissionAllowed } from '#app/utils/throttle.server.ts'
import type { ParameterProblem } from './parameters.ts'
import {
  IDEMPOTENCY_KEY,
  JSON_FIELDS,
  parseSubmissionParams,
  REQUIRED_JSON_FIELDS,
  SUBMISSION_CONTENT_TYPES,
} from './submission-parameters.ts'

export interface SubmissionArgs {
  request: Request
  actor: Actor
  /** The token the request came with; null for a browser session (which cannot submit). */
  token: { id: number; name: string; scope: 'read' | 'submit' } | null
  ip?: string | null
  now?: Date
  /** Requests per token and window; the default otherwise. */
  limit?: { points: number; duration: number }
}

export async function submitReturns(args: SubmissionArgs): Promise<Response> {
  const { request, actor, token } = args
  if (!token) {
    return problem(403, 'Forbidden', {
      detail:
        'Returns are submitted with an API token of the submit scope (Authorization: Bearer <token>), not a browser session.',
    })
  }
  const refuse = async (status: 403 | 429, detail: string, headers: Record<string, string> = {}) => {
    await recordRefusedSubmission({ actor, token, status, reason: detail, ip: args.ip })
    return problem(status, status === 403 ? 'Forbidden' : 'Too Many Requests', { detail }, headers)
  }
  if (!can.submitByApi(actor, token)) {
    return refuse(
      403,
      token.scope !== 'submit'
        ? `The token “${token.name}” has the read scope: create a token with the submit scope at /account/tokens.`
        : 'Your role does not enter figures.',
    )
  }
  const wait = await secondsUntilSubmissionAllowed({ tokenId: token.id, limit: args.limit })
  if (wait > 0) {
    const limit = args.limit ?? API_SUBMISSION_LIMIT
    return refuse(
      429,
      `This token has sent more than ${limit.points} requests in ${limit.duration} seconds: try again in ${wait} seconds.`,
      { 'Retry-After': String(wait) },
    )
  }

  const url = new URL(request.url)
  const parsed = parseSubmissionParams(url.searchParams)
  if (!parsed.ok) return parameterProblems(parsed.problems)
  const key = request.headers.get('idempotency-key')
  if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
    return parameterProblems([
      {
        parameter: 'Idempotency-Key',
        message: 'must be 1 to 255 printable characters without spaces at either end, such as a UUID',
      },
    ])
  }

  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (!(SUBMISSION_CONTENT_TYPES as readonly string[]).includes(type)) {
    return problem(415, 'Unsupported Media Type', {
      detail: `Send the rows as JSON (Content-Type: application/json) or CSV (Content-Type: text/csv), not ${type || 'a body without a type'}.`,
    })
  }
  const body = await readBody(request)
  if (body === 'too-large') {
    return problem(413, 'Content Too Large', {
      detail: `The body is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB, the upload’s limit: send the rows in smaller parts.`,
    })
  }

  let rows: UploadRow[]
  try {
    rows = type === 'text/csv' ? (await parseUploadFile(body)).rows : parseJsonRows(body)
  } catch (error) {
    if (error instanceof UploadRejected) return rowProblems(422, error.problems.map(asProblem))
    throw error
  }

  const foreign = await listForeignBoardCodes({ actor, rows })
  if (foreign.length > 0) {
    return refuse(
      403,
      `Board leads submit their own board’s returns only: the rows name ${foreign.join(', ')}. Nothing was changed.`,
    )
  }

  const sha256 = crypto
    .createHash('sha256')
    .update(`${type}\n${parsed.value.dryRun}\n${parsed.value.submit}\n${parsed.value.reason ?? ''}\n`)
    .update(body)
    .digest('hex')
  const outcome = await submitFigures({
    actor,
    token,
    rows,
    dryRun: parsed.value.dryRun === 'true',
    submit: parsed.value.submit === 'true',
    reason: parsed.value.reason ?? null,
    idempotency: key === null ? null : { key, sha256 },
    now: args.now,
    ip: args.ip,
  })
  switch (outcome.kind) {
    case 'done':
      return json(200, outcome.summary)
    case 'replayed':
      return json(outcome.status, outcome.response, { 'Idempotent-Replayed': 'true' })
    case 'key-reused':
      return problem(422, 'Unprocessable Content', {
        detail:
          'This Idempotency-Key was used before for a different request (other rows or parameters): use a new key for a new request. Nothing was changed.',
        errors: [],
      })
    case 'refused':
      return rowProblems(outcome.status, outcome.errors, outcome.warnings, outcome.notes)
  }
}

/** The body, read up to the upload's size limit (as declared, then as it arrives). */
async function readBody(request: Request): Promise<Uint8Array | 'too-large'> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_UPLOAD_BYTES) return 'too-large'
  if (!request.body) return new Uint8Array()
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    if (size > MAX_UPLOAD_BYTES) {
      await reader.cancel()
      return 'too-large'
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

const rejected = (row: number, column: string, message: string) => new UploadRejected([{ row, column, message }])

/**
 * A JSON array of rows to the upload's rows of text, so they go through the same checks. Row
 * numbers are positions in the array, from 1.
 */
export function parseJsonRows(bytes: Uint8Array): UploadRow[] {
  if (bytes.length === 0) throw rejected(0, 'body', 'The body is empty: send a JSON array of figures')
  let data: unknown
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw rejected(0, 'body', 'The body is not JSON (UTF-8): send an array of figures like [{"month": "2026-04", …}]')
  }
  if (!Array.isArray(data)) throw rejected(0, 'body', 'The body must be a JSON array of figures, one object per figure')
  if (data.length === 0) throw rejected(0, 'body', 'The array has no figures')
  if (data.length > MAX_UPLOAD_ROWS)
    throw rejected(0, 'body', `The array has more than ${MAX_UPLOAD_ROWS.toLocaleString('en-GB')} figures: split it`)
  const problems: Array<{ row: number; column: string; message: string }> = []
  const rows = data.map((item: unknown, index): UploadRow => {
    const row = index + 1
    const values: Record<string, string> = {}
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({
        row,
        column: '(whole row)',
        message: 'Each figure must be an object with month, board_code, service, measure and value',
      })
      return { row, values }
    }
    for (const [field, value] of Object.entries(item)) {
      const expected = JSON_FIELDS[field as keyof typeof JSON_FIELDS]
      if (!expected) {
        problems.push({ row, column: field, message: `${field} is not a field: use ${UPLOAD_COLUMNS.join(', ')}` })
      } else if (value === null && (field === 'value' || field === 'comment' || field === 'breakdown')) {
        values[field] = ''
      } else if (typeof value !== expected) {
        problems.push({
          row,
          column: field,
          message:
            expected === 'number'
              ? 'The value must be a number (or null for not reported), not text'
              : `${field} must be text`,
        })
      } else values[field] = String(value)
    }
    for (const field of REQUIRED_JSON_FIELDS)
      if (!(field in item)) problems.push({ row, column: field, message: `${field} is missing` })
    // An optional field left out reads as the upload's empty cell (no comment, the total).
    for (const field of UPLOAD_COLUMNS) values[field] ??= ''
    return { row, values }
  })
  if (problems.length > 0) throw new UploadRejected(problems)
  return rows
}

const asProblem = (p: { row: number; column: string; message: string }): SubmissionProblem => ({
  row: p.row,
  field: p.column,
  message: p.message,
})

const HEADERS = { 'Cache-Control': 'no-store' }

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...HEADERS, ...headers },
  })
}

/** An RFC 9457 problem document. */
function problem(status: number, title: string, fields: Record<string, unknown>, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ type: 'about:blank', title, status, ...fields }), {
    status,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8', ...HEADERS, ...headers },
  })
}

function parameterProblems(problems: ParameterProblem[]) {
  return problem(400, 'Bad Request', {
    detail: 'The request has parameters or headers the API does not accept: each problem below names its parameter.',
    problems,
  })
}

/** Refused rows: nothing was changed. */
function rowProblems(
  status: 403 | 422,
  errors: SubmissionProblem[],
  warnings: SubmissionProblem[] = [],
  notes: string[] = [],
) {
  return problem(status, status === 403 ? 'Forbidden' : 'Unprocessable Content', {
    detail: `${errors.length === 1 ? '1 problem' : `${errors.length} problems`} stopped the submission: nothing was changed. Each problem names its row (the line of a CSV, counting the header as row 1; the position in a JSON array, from 1) and field.`,
    errors,
    warnings,
    notes,
  })
}
