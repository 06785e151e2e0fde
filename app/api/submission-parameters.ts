// The parameters of `POST /api/v1/returns` (DESIGN.md, the end of "API"), strict like the rest
// of the API: an unknown parameter or a bad value is a 400 naming it. Also the source of the
// endpoint's OpenAPI description.
import { z } from 'zod'
import { type UPLOAD_COLUMNS } from '#app/returns/upload-parse.server.ts'
import { parseWith, type ParseResult } from './parameters.ts'

const flag = (description: string) => z.enum(['true', 'false']).default('false').meta({ description, example: 'true' })

export const SubmissionParamsSchema = z.strictObject({
  dryRun: flag(
    'true: check the rows and answer what would change, with every problem, and change nothing. false (the default): write the figures, all or none.',
  ),
  submit: flag(
    'true: also submit each board-month the rows touch (draft to submitted), as the return form’s Submit button does; unusual figures then need a comment. false (the default): save them as a draft.',
  ),
  reason: z.string().trim().min(1, 'must not be empty').max(500, 'must be 500 characters or fewer').optional().meta({
    description:
      'Why figures of a month approved before are changed (national programme lead only: board leads cannot change an approved month). Kept with each changed figure.',
    example: 'Corrected referrals from the platform’s final report',
  }),
})

export type SubmissionParams = z.infer<typeof SubmissionParamsSchema>

export function parseSubmissionParams(params: URLSearchParams): ParseResult<SubmissionParams> {
  return parseWith(SubmissionParamsSchema, params, Object.keys(SubmissionParamsSchema.shape))
}

/** `Idempotency-Key`: 1 to 255 printable characters without spaces at either end (a UUID, say). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/

export const SUBMISSION_CONTENT_TYPES = ['application/json', 'text/csv'] as const

/** The fields of one JSON row (the upload's columns), and the JSON type of each. */
export const JSON_FIELDS: Record<(typeof UPLOAD_COLUMNS)[number], 'string' | 'number'> = {
  month: 'string',
  board_code: 'string',
  service: 'string',
  measure: 'string',
  breakdown: 'string',
  value: 'number',
  comment: 'string',
}
export const REQUIRED_JSON_FIELDS = ['month', 'board_code', 'service', 'measure', 'value'] as const
