// The parameters of the API (`/api/v1/activity`, `/api/v1/coverage`), as DESIGN.md specifies
// them. Unlike the dashboards' filters, the API is strict: an unknown parameter or a bad value
// is a 400 naming each problem, never a silent fallback, because a script that misspells
// `grain` must not receive monthly figures it takes for quarters.
//
// Parsing runs in two steps: `parseActivityParams` checks the text against one zod schema
// (also the source of the OpenAPI description, app/api/openapi.ts); `resolveActivityParams`
// then fills the defaults and checks what depends on the moment of the request.
import { z } from 'zod'
import {
  addMonths,
  currentMonth,
  isMonth,
  latestDueMonth,
  monthIndex,
  parseInstant,
  PROGRAMME_START_MONTH,
} from '#app/utils/dates.ts'
import { type Grain, GRAIN_LABELS, GRAINS, periodEnd, periodStart } from '#app/domain/periods.ts'

export const LAYOUTS = ['long', 'wide'] as const
export const FORMATS = ['json', 'csv', 'xlsx'] as const
export const SDC_SETTINGS = ['on', 'off'] as const
export type Layout = (typeof LAYOUTS)[number]
export type ExportFormat = (typeof FORMATS)[number]

/** At most this many items in one list parameter. */
export const MAX_LIST_ITEMS = 100

export interface ParameterProblem {
  parameter: string
  message: string
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/
const AS_AT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$/

const month = (description: string) =>
  z.string().regex(MONTH, 'must be a month written YYYY-MM, e.g. 2025-04').meta({ description, example: '2025-04' })

const list = (item: z.ZodString, description: string, example: string) =>
  z
    .array(item)
    .min(1, 'must name at least one')
    .max(MAX_LIST_ITEMS, `must name at most ${MAX_LIST_ITEMS}`)
    .meta({ description, example })

/** The one schema of `/api/v1/activity`'s query string (lists already split at commas). */
export const ActivityParamsSchema = z
  .strictObject({
    from: month(
      `First month of the period, YYYY-MM. With grain=fq it must start a financial quarter (April, July, October, January); with grain=fy, April. Default: the start of the programme (${PROGRAMME_START_MONTH}).`,
    ).optional(),
    to: month(
      'Last month of the period, YYYY-MM, no later than the month of asAt. With grain=fq it must end a financial quarter (June, September, December, March); with grain=fy, March. Default: the end of the latest month, quarter or year (by grain) whose returns have fallen due.',
    ).optional(),
    board: list(
      z.string().regex(/^[A-Z]\d{8}$/, 'must be a 9-character GSS code such as S08000024'),
      'Boards by GSS code, comma-separated. S92000003 (Scotland) gives the Scotland figure of each service: the total of the boards, or the national figure of a nationally delivered service. Superseded codes are accepted and recoded. Default: every board the caller may export, and Scotland.',
      'S08000024,S08000031',
    ).optional(),
    service: list(
      z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a service slug such as ccbt-adults'),
      'Services by slug, comma-separated. Default: every service.',
      'ccbt-adults,iecbt',
    ).optional(),
    measure: list(
      z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a measure or indicator name such as referrals'),
      'Measures (counts, e.g. referrals) and indicators (rates, e.g. eighteen_weeks) by name, comma-separated. Default: every measure of the chosen services, no indicators.',
      'referrals,started,eighteen_weeks',
    ).optional(),
    breakdown: z
      .string()
      .regex(/^[a-z]+$/, 'must be a dimension name such as simd')
      .meta({
        description:
          'Split each figure by one dimension: simd (SIMD quintile 1, most deprived, to 5, least deprived), age (age bands) or sex, each with unknown. Adds the columns breakdown and category; only the measures (and rates of two such measures) split by that dimension appear. With disclosure control, breakdowns are given by financial quarter or year (grain=fq or fy). Default: no breakdown.',
        example: 'simd',
      })
      .optional(),
    grain: z
      .enum(GRAINS)
      .default('month')
      .meta({ description: 'Period of each figure: month, financial quarter (fq) or financial year (fy).' }),
    layout: z.enum(LAYOUTS).default('long').meta({
      description:
        'long: one row per figure. wide: one row per period, board and service, with a value and a qualifier column for each measure.',
    }),
    format: z.enum(FORMATS).default('json').meta({
      description:
        'json (a leading metadata object, then the rows), csv (RFC 4180, UTF-8 with BOM) or xlsx (a Data and a Metadata sheet).',
    }),
    sdc: z.enum(SDC_SETTINGS).default('on').meta({
      description:
        'Disclosure control: on (the default) suppresses small counts and whatever would reveal them; off is for roles allowed to see unsuppressed figures.',
    }),
    asAt: z
      .string()
      .regex(AS_AT, 'must be an ISO 8601 date or date and time, e.g. 2025-06-30 or 2025-06-30T17:00:00Z')
      .refine((text) => parseInstant(text) !== null, 'is not a real date and time')
      .meta({
        description:
          'Figures as the system held them at this moment (ISO 8601, not in the future). A date alone means the end of that day, Scottish time; a time without an offset is Scottish time. Default: the moment of the request.',
        example: '2025-06-30T17:00:00Z',
      })
      .optional(),
  })
  .superRefine((params, context) => {
    // Runs even when a field failed its own check: look only at well-formed months.
    const grain = GRAINS.includes(params.grain) ? params.grain : 'month'
    const from = params.from && isMonth(params.from) ? params.from : undefined
    const to = params.to && isMonth(params.to) ? params.to : undefined
    if (from && to && monthIndex(from) > monthIndex(to)) {
      context.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${from})` })
    }
    if (from && monthIndex(from) < monthIndex(PROGRAMME_START_MONTH)) {
      context.addIssue({
        code: 'custom',
        path: ['from'],
        message: `must not be before the programme started (${PROGRAMME_START_MONTH})`,
      })
    }
    if (from && periodStart(from, grain) !== from) {
      context.addIssue({
        code: 'custom',
        path: ['from'],
        message: `must be the first month of a ${grainWord(grain)} with grain=${grain}`,
      })
    }
    if (to && periodEnd(to, grain) !== to) {
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be the last month of a ${grainWord(grain)} with grain=${grain}`,
      })
    }
  })

export type ActivityParams = z.infer<typeof ActivityParamsSchema>

/** `/api/v1/coverage`: the coverage of one month. */
export const CoverageParamsSchema = z.strictObject({
  month: month('The month whose coverage to show, YYYY-MM. Default: the latest month whose returns have fallen due.')
    .refine(
      (m) => !isMonth(m) || monthIndex(m) >= monthIndex(PROGRAMME_START_MONTH),
      `must not be before the programme started (${PROGRAMME_START_MONTH})`,
    )
    .refine(
      (m) => !isMonth(m) || monthIndex(m) <= monthIndex(addMonths(currentMonth(), 120)),
      'must not be more than ten years ahead',
    )
    .optional(),
})

/** `/api/v1/boards` and `/api/v1/services` take no parameters. */
export const NoParamsSchema = z.strictObject({})

function grainWord(grain: Grain) {
  return grain === 'fq'
    ? 'financial quarter (April, July, October or January to June, September, December or March)'
    : 'financial year (April to March)'
}

const LIST_PARAMETERS = new Set(['board', 'service', 'measure'])

/**
 * Query-string text to the object the schemas check: list parameters split at commas (and
 * repeated parameters joined); any other parameter given twice is a problem.
 */
function readSearchParams(params: URLSearchParams) {
  const input: Record<string, string | string[]> = {}
  const problems: ParameterProblem[] = []
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key)
    if (LIST_PARAMETERS.has(key)) {
      input[key] = [...new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim()))]
      if (values.some((v) => v.split(',').some((item) => item.trim() === ''))) {
        problems.push({ parameter: key, message: 'has an empty item: separate names with single commas' })
      }
    } else if (values.length > 1) {
      problems.push({ parameter: key, message: 'is given more than once' })
    } else {
      input[key] = values[0]!
    }
  }
  return { input, problems }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: ParameterProblem[] }

export function parseWith<S extends z.ZodType>(
  schema: S,
  params: URLSearchParams,
  known: readonly string[],
): ParseResult<z.infer<S>> {
  const { input, problems } = readSearchParams(params)
  const parsed = schema.safeParse(input)
  if (parsed.success && problems.length === 0) return { ok: true, value: parsed.data }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          problems.push({
            parameter: key,
            message: `is not a parameter of this endpoint${known.length ? ` (its parameters are ${known.join(', ')})` : ' (it takes none)'}`,
          })
        }
      } else {
        const parameter = String(issue.path[0] ?? '')
        const item =
          typeof issue.path[1] === 'number' ? ` (${JSON.stringify((input[parameter] as string[])[issue.path[1]])})` : ''
        const message =
          issue.code === 'invalid_value' && 'values' in issue
            ? `must be one of ${(issue.values as unknown[]).join(', ')}`
            : issue.message
        problems.push({ parameter, message: `${item ? `item${item} ` : ''}${message}` })
      }
    }
  }
  return { ok: false, problems: dedupe(problems) }
}

function dedupe(problems: ParameterProblem[]) {
  const seen = new Set<string>()
  return problems.filter((p) => {
    const key = `${p.parameter}\u0000${p.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

export function parseActivityParams(params: URLSearchParams): ParseResult<ActivityParams> {
  return parseWith(ActivityParamsSchema, params, Object.keys(ActivityParamsSchema.shape))
}

export function parseCoverageParams(params: URLSearchParams): ParseResult<z.infer<typeof CoverageParamsSchema>> {
  return parseWith(CoverageParamsSchema, params, Object.keys(CoverageParamsSchema.shape))
}

export function parseNoParams(params: URLSearchParams): ParseResult<Record<string, never>> {
  return parseWith(NoParamsSchema, params, []) as ParseResult<Record<string, never>>
}

/** The activity request with its defaults filled: what the export model reads. */
export interface ActivityRequest {
  from: string
  to: string
  grain: Grain
  layout: Layout
  format: ExportFormat
  sdc: boolean
  /** The moment whose figures are read: `asAt`, or the moment of the request. */
  asAt: Date
  /** Whether the caller asked for a past moment (said so in the metadata). */
  asAtRequested: boolean
  /** Board codes as given (recoding and permission checks follow); null for the default. */
  boards: string[] | null
  services: string[] | null
  measures: string[] | null
  /** The dimension to split figures by (simd, age, sex), or null for totals. */
  breakdown: string | null
}

/**
 * Fills the defaults, which depend on when the request is made (or which moment it asks for),
 * and checks what only then can be checked: asAt not in the future, `to` not after asAt's month.
 */
export function resolveActivityParams(
  params: ActivityParams,
  context: { now: Date; deadlineDay: number },
): ParseResult<ActivityRequest> {
  const problems: ParameterProblem[] = []
  const asAt = params.asAt ? parseInstant(params.asAt)! : context.now
  if (asAt.getTime() > context.now.getTime()) {
    problems.push({ parameter: 'asAt', message: 'must not be in the future' })
  }
  const grain = params.grain
  const latestMonth = currentMonth(asAt)
  const from = params.from ?? periodStart(PROGRAMME_START_MONTH, grain)
  let to = params.to
  if (to && !params.from && monthIndex(to) < monthIndex(from)) {
    // With from given, the schema has said so already.
    problems.push({ parameter: 'to', message: `must not be before from (${from}, the default)` })
  }
  if (to && monthIndex(to) > monthIndex(latestMonth)) {
    problems.push({
      parameter: 'to',
      message: `must not be after ${latestMonth}, the month of ${params.asAt ? 'asAt' : 'the request'}`,
    })
  }
  if (!to) {
    // The end of the latest whole period whose last month's returns have fallen due.
    const due = latestDueMonth(asAt, context.deadlineDay)
    to = periodEnd(due, grain) === due ? due : addMonths(periodStart(due, grain), -1)
    if (monthIndex(to) < monthIndex(from)) {
      problems.push({
        parameter: 'to',
        message: `no ${GRAIN_LABELS[grain]} from ${from} had fallen due by ${params.asAt ? 'asAt' : 'now'}: give from and to`,
      })
    }
  }
  if (problems.length) return { ok: false, problems }
  return {
    ok: true,
    value: {
      from,
      to,
      grain,
      layout: params.layout,
      format: params.format,
      sdc: params.sdc === 'on',
      asAt,
      asAtRequested: params.asAt !== undefined,
      boards: params.board ?? null,
      breakdown: params.breakdown ?? null,
      services: params.service ?? null,
      measures: params.measure ?? null,
    },
  }
}
