// The rules of a cost, the same for the form on /admin/costs and each row of a costs upload: a
// financial year of the programme, a unit (the national unit for contracts and licences, or a
// board), a service, what it pays for, and an amount in whole pounds typed as people type money.
import { z } from 'zod'
import type { CostKind } from '#db/schema/costs.ts'

export const COST_UPLOAD_COLUMNS = ['financial_year', 'board_code', 'service', 'kind', 'amount', 'comment'] as const
/** The schema's kinds of cost, in the order the form offers them. */
export const COST_KINDS = ['contract', 'licence', 'staff', 'other'] as const satisfies readonly CostKind[]
export const COST_KIND_LABELS: Record<CostKind, string> = {
  contract: 'Contract',
  licence: 'Licence',
  staff: 'Staff',
  other: 'Other',
}
export const MAX_COST_UPLOAD_BYTES = 1024 * 1024
export const MAX_COST_UPLOAD_ROWS = 10_000
/** Larger amounts are refused as typing errors (a national contract is a few million pounds). */
export const MAX_COST_AMOUNT = 500_000_000

const GROUPED = /^\d{1,3}([,\s\u00a0\u202f]\d{3})*$|^\d+$/

/** Whole pounds as typed: 1,250,000 or 1 250 000 or 1250000, an optional £; empty withdraws it. */
export const CostAmountSchema = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const text = raw.replace(/^£\s*/, '')
    if (text === '') return null
    const refuse = (message: string) => {
      ctx.addIssue({ code: 'custom', message })
      return z.NEVER
    }
    const shown = raw.slice(0, 20)
    if (/^\d[\d,\s]*\.\d{1,2}$/.test(text)) return refuse(`“${shown}” has pence: enter whole pounds, like 1,250,000`)
    if (text.startsWith('-')) return refuse(`${shown} is negative: a cost cannot be less than £0`)
    if (!GROUPED.test(text))
      return refuse(
        `“${shown}” is not an amount in pounds: enter whole pounds, with thousands in groups of three (1,250,000) or not at all (1250000)`,
      )
    const amount = Number(text.replace(/\D/g, ''))
    if (amount > MAX_COST_AMOUNT)
      return refuse(`£${amount.toLocaleString('en-GB')} is more than £500 million: check the amount`)
    return amount
  })

export const FinancialYearSchema = z
  .string()
  .trim()
  .regex(/^\d{4}\/\d{2}$/, 'Enter the financial year like 2025/26')
  .refine(
    (y) => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5, 7)),
    'The two years must follow each other, like 2025/26',
  )

export const CostRowSchema = z.object({
  financial_year: FinancialYearSchema,
  board_code: z
    .string()
    .trim()
    .regex(/^[A-Z]\d{8}$/, 'Enter a GSS code such as S08000024, or S92000003 for national costs'),
  service: z
    .string()
    .trim()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Enter a service by its code, such as ccbt-adults'),
  kind: z.enum(COST_KINDS, { error: `Enter one of ${COST_KINDS.join(', ')}` }),
  amount: CostAmountSchema,
  comment: z
    .string()
    .trim()
    .max(500, 'A comment must be 500 characters or fewer')
    .transform((c) => (c === '' ? null : c))
    .optional()
    .default(''),
})
export type CostRow = z.output<typeof CostRowSchema>

export interface CostProblem {
  /** The line of the file (1 is the header), or 0 for the file as a whole. */
  row: number
  field: string
  message: string
}

export interface CostReference {
  units: { id: number; code: string; name: string }[]
  services: { id: number; slug: string }[]
  /** Financial years costs may be recorded for. */
  years: string[]
}

export interface CheckedCost {
  row: number
  financialYear: string
  orgUnitId: number
  serviceId: number
  kind: CostKind
  amount: number | null
  comment: string | null
}

/** One row checked against the reference: its problems, or the cost it records. */
export function checkCostRow(
  input: Record<string, string>,
  row: number,
  reference: CostReference,
): { cost: CheckedCost | null; problems: CostProblem[] } {
  const parsed = CostRowSchema.safeParse(input)
  if (!parsed.success)
    return {
      cost: null,
      problems: parsed.error.issues.map((i) => ({ row, field: String(i.path[0] ?? ''), message: i.message })),
    }
  const v = parsed.data
  const problems: CostProblem[] = []
  const unit = reference.units.find((u) => u.code === v.board_code)
  const service = reference.services.find((s) => s.slug === v.service)
  if (!reference.years.includes(v.financial_year))
    problems.push({
      row,
      field: 'financial_year',
      message: `${v.financial_year} is outside the programme: costs go from ${reference.years[0]} to ${reference.years.at(-1)}`,
    })
  if (!unit)
    problems.push({ row, field: 'board_code', message: `${v.board_code} is not a board's code, nor S92000003` })
  if (!service) problems.push({ row, field: 'service', message: `${v.service} is not a service in the catalogue` })
  if (problems.length || !unit || !service) return { cost: null, problems }
  return {
    cost: {
      row,
      financialYear: v.financial_year,
      orgUnitId: unit.id,
      serviceId: service.id,
      kind: v.kind,
      amount: v.amount,
      comment: v.comment ?? null,
    },
    problems,
  }
}
