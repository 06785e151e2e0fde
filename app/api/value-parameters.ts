// The parameters of `GET /api/v1/value` (DESIGN.md, "Resources and value"), strict like the
// activity API's: an unknown parameter or a bad value is a 400 naming it. Also the source of the
// endpoint's OpenAPI description.
import { z } from 'zod'
import { FORMATS, MAX_LIST_ITEMS, parseWith, type ParseResult, SDC_SETTINGS } from './parameters.ts'

const FINANCIAL_YEAR = /^\d{4}\/\d{2}$/
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/

/** A financial year written 2025/26 (the two years must follow each other), or a month in it. */
const yearOrMonth = (description: string) =>
  z
    .string()
    .refine(
      (text) =>
        MONTH.test(text) ||
        (FINANCIAL_YEAR.test(text) && (Number(text.slice(0, 4)) + 1) % 100 === Number(text.slice(5, 7))),
      'must be a financial year written 2025/26, or a month written YYYY-MM (meaning its financial year)',
    )
    .meta({ description, example: '2024/25' })

const list = (item: z.ZodString, description: string, example: string) =>
  z
    .array(item)
    .min(1, 'must name at least one')
    .max(MAX_LIST_ITEMS, `must name at most ${MAX_LIST_ITEMS}`)
    .meta({ description, example })

export const ValueParamsSchema = z.strictObject({
  from: yearOrMonth(
    'First financial year, written 2025/26 (a month YYYY-MM means its financial year). Default: the year the programme started.',
  ).optional(),
  to: yearOrMonth(
    'Last financial year, written 2025/26 (a month YYYY-MM means its financial year). Default: the year of the latest month whose returns have fallen due.',
  ).optional(),
  board: list(
    z.string().regex(/^[A-Z]\d{8}$/, 'must be a 9-character GSS code such as S08000024'),
    'Boards by GSS code, comma-separated; S92000003 is Scotland. Default: every board the caller may export, and Scotland.',
    'S92000003,S08000024',
  ).optional(),
  service: list(
    z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a service slug such as ccbt-adults'),
    'Services by slug, comma-separated; `therapies` is every cCBT and ieCBT service together and `all` every service together. Default: all of them.',
    'therapies,ccbt-adults',
  ).optional(),
  format: z.enum(FORMATS).default('json').meta({
    description:
      'json (a leading metadata object, then the rows), csv (RFC 4180, UTF-8 with BOM) or xlsx (a Data and a Metadata sheet).',
  }),
  sdc: z.enum(SDC_SETTINGS).default('on').meta({
    description:
      'Disclosure control: on (the default) withholds a unit cost whose count (referrals, started, completed, recovered) is from 1 to the threshold, since the cost and the unit cost together would give the count.',
  }),
})

export type ValueParams = z.infer<typeof ValueParamsSchema>

export function parseValueParams(params: URLSearchParams): ParseResult<ValueParams> {
  return parseWith(ValueParamsSchema, params, Object.keys(ValueParamsSchema.shape))
}

/** The financial year a parameter names: 2025/26 as it is, a month as its year. */
export function financialYearOf(text: string) {
  if (!MONTH.test(text)) return text
  const year = Number(text.slice(0, 4))
  const start = Number(text.slice(5, 7)) >= 4 ? year : year - 1
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`
}
