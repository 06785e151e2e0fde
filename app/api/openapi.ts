// The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. The query parameters
// are generated from the zod schemas that parse them (app/api/parameters.ts), so the
// description cannot drift from what the API accepts; tests/utils/openapi.test.ts checks the rest.
import { z } from 'zod'
import { QUALIFIERS } from '#app/disclosure/activity-table.ts'
import { ActivityParamsSchema, CoverageParamsSchema } from './parameters.ts'
import { LONG_COLUMN_DESCRIPTIONS } from './metadata.ts'
import { ValueParamsSchema } from './value-parameters.ts'
import { SubmissionParamsSchema } from './submission-parameters.ts'
import { VALUE_COLUMN_DESCRIPTIONS, VALUE_COLUMNS, VALUE_QUALIFIERS } from './value.server.ts'
import { VALUE_MEASURES } from '#app/statistics/value.ts'

type JsonObject = { [key: string]: unknown }

const LIST_PARAMETERS = new Set(['board', 'service', 'measure'])

/** One OpenAPI query parameter per field of a strict zod object schema, in the schema's order. */
export function queryParameters(schema: z.ZodObject): JsonObject[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const {
      $schema: _,
      description,
      example,
      ...json
    } = z.toJSONSchema(field as z.ZodType, { io: 'input' }) as JsonObject
    return {
      name,
      in: 'query',
      required: false,
      description,
      schema: json,
      ...(LIST_PARAMETERS.has(name) ? { style: 'form', explode: false } : {}),
      ...(example !== undefined ? { example } : {}),
    }
  })
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
})

/** The worked examples of `POST /api/v1/returns` (tests/api/openapi.test.ts submits them). */
export const SUBMISSION_EXAMPLES = {
  json: [
    { month: '2026-04', board_code: 'S08000024', service: 'ccbt-adults', measure: 'referrals', value: 412 },
    { month: '2026-04', board_code: 'S08000024', service: 'ccbt-adults', measure: 'self_referrals', value: 250 },
    {
      month: '2026-04',
      board_code: 'S08000024',
      service: 'ccbt-adults',
      measure: 'started',
      value: 198,
      comment: 'New referral pathway from primary care',
    },
  ],
  csv: [
    'month,board_code,service,measure,breakdown,value,comment',
    '2026-04,S08000024,ccbt-adults,referrals,,412,',
    '2026-04,S08000024,ccbt-adults,self_referrals,,250,',
    '2026-04,S08000024,ccbt-adults,started,,198,New referral pathway from primary care',
  ].join('\r\n'),
} as const

const noStore = {
  'Cache-Control': { description: 'Always `no-store`.', schema: { type: 'string', const: 'no-store' } },
}

const submissionProblem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/SubmissionProblem' } } },
})

const unauthorised = {
  description: 'Not signed in, or the API token is missing, revoked or expired.',
  headers: { 'WWW-Authenticate': { schema: { type: 'string', example: 'Bearer realm="api"' } } },
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error', 'message'],
        properties: { error: { const: 'unauthorised' }, message: { type: 'string' } },
      },
    },
  },
}

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Digital Therapies Programme Dashboard API',
    version: '1.0.0',
    description: [
      'Figures of the national digital therapy services for policy teams: activity by board, service and period, with qualifiers, disclosure control and figures as at any past moment.',
      '',
      'Authenticate with an API token (`Authorization: Bearer <token>`) or a signed-in browser session. Board leads may export only their own board.',
      '',
      'Unknown parameters and bad values are refused with a 400 problem document naming each problem: the API never falls back to a default silently.',
      '',
      `Qualifiers: ${QUALIFIERS.map((q) => `\`${q.code}\` ${q.name}`).join(', ')}.`,
    ].join('\n'),
  },
  paths: {
    '/api/v1/activity': {
      get: {
        operationId: 'getActivity',
        summary: 'Activity figures by period, board, service and measure',
        description:
          'One row per figure (long layout) or per period, board and service (wide layout). CSV is streamed, RFC 4180, UTF-8 with a byte-order mark, CRLF line ends; its metadata is linked by a `Link: <...>; rel="describedby"` header. JSON starts with a metadata object. XLSX has a Data and a Metadata sheet.',
        parameters: queryParameters(ActivityParamsSchema),
        responses: {
          '200': {
            description: 'The figures, as an attachment.',
            headers: {
              ...noStore,
              'Content-Disposition': {
                description: 'attachment, with a file name giving the grain, period and moment of the figures.',
                schema: {
                  type: 'string',
                  example: 'attachment; filename="activity_fq_2025-04_2025-09_as-at-20261122T120000Z.csv"',
                },
              },
              Link: {
                description: 'CSV only: the metadata of this export (`rel="describedby"`), with the moment fixed.',
                schema: { type: 'string' },
              },
            },
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/ActivityExport' } },
              'text/csv': { schema: { type: 'string' } },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: { type: 'string', contentEncoding: 'binary' },
              },
            },
          },
          '400': problem('A parameter is unknown or has a bad value; or the export has too many rows for XLSX.'),
          '401': unauthorised,
          '403': problem('The caller may not export a board asked for, or may not turn disclosure control off.'),
        },
      },
    },
    '/api/v1/activity/metadata': {
      get: {
        operationId: 'getActivityMetadata',
        summary: 'The metadata of an activity export',
        description:
          'What `/api/v1/activity` with the same parameters says about itself: the target of the CSV `describedby` link.',
        parameters: queryParameters(ActivityParamsSchema),
        responses: {
          '200': {
            description: 'The metadata.',
            headers: noStore,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ActivityMetadata' } } },
          },
          '400': problem('A parameter is unknown or has a bad value.'),
          '401': unauthorised,
          '403': problem('The caller may not export a board asked for.'),
        },
      },
    },
    '/api/v1/value': {
      get: {
        operationId: 'getValue',
        summary: 'Costs, supporter hours and unit costs by financial year, board and service',
        description:
          'Total cost (national contract and licence costs plus boards’ own costs, national costs shared among the boards by activity), supporter hours, cost per referral, per treatment started, per completed course and per person recovered, and supporter hours per completed course. Money in pounds. A year with a month not yet reported gives no unit cost (qualifier `:`), with a note saying which months. Board leads get their own board and Scotland only.',
        parameters: queryParameters(ValueParamsSchema),
        responses: {
          '200': {
            description: 'The figures, as an attachment.',
            headers: {
              ...noStore,
              'Content-Disposition': {
                description: 'attachment, with a file name giving the financial years.',
                schema: { type: 'string', example: 'attachment; filename="value_2023-24_2024-25.csv"' },
              },
            },
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/ValueExport' } },
              'text/csv': { schema: { type: 'string' } },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: { type: 'string', contentEncoding: 'binary' },
              },
            },
          },
          '400': problem('A parameter is unknown or has a bad value.'),
          '401': unauthorised,
          '403': problem('A board lead asked for another board’s costs.'),
        },
      },
    },
    '/api/v1/returns': {
      post: {
        operationId: 'submitReturns',
        summary: 'Submit monthly returns from a board’s own systems',
        description: [
          'The rows of the upload (one figure per row, its long layout) as a JSON array or CSV, checked by the same rules, caps and warnings as an upload and written as new versions of the figures through the same save as the return form, all or nothing: one problem in any row and nothing is changed.',
          '',
          'Needs an API token of the `submit` scope (created at `/account/tokens`); a `read` token gets 403. A board lead’s token may submit their own board’s figures only, for months not yet approved: a row naming another board is a 403 and nothing is changed. Every use is in the audit trail with the token’s name.',
          '',
          'Size and rows as the upload: at most 20 MB and 250,000 rows. At most 30 requests a minute per token (429 with `Retry-After` beyond).',
          '',
          'Row numbers in problems: for CSV, the line of the file (the header is row 1), as the upload page says; for JSON, the position in the array, from 1. Row 0 is the request as a whole.',
        ].join('\n'),
        parameters: [
          ...queryParameters(SubmissionParamsSchema),
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              'Any text of 1 to 255 printable characters, new for each submission (a UUID, say). A request repeated with the same key, the same parameters and the same body gets the first answer again (with `Idempotent-Replayed: true`) and changes nothing; the same key with another body is refused with 422. Keys belong to the token. Only a request that changed the figures keeps its key: a dry run or a refused request does not, so the corrected request may use it again.',
            schema: { type: 'string', minLength: 1, maxLength: 255 },
            example: '0b6f3c1e-8a4d-4f3e-9b7a-2d1c5e6f7a8b',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'array',
                minItems: 1,
                maxItems: 250000,
                items: { $ref: '#/components/schemas/SubmissionRow' },
              },
              example: SUBMISSION_EXAMPLES.json,
            },
            'text/csv': {
              schema: { type: 'string', description: 'UTF-8 CSV with a header row naming the columns (in any order).' },
              example: SUBMISSION_EXAMPLES.csv,
            },
          },
        },
        responses: {
          '200': {
            description:
              'Done (or, with `dryRun=true`, what would be done): the import summary. A repeated Idempotency-Key answers the first request’s summary again.',
            headers: {
              ...noStore,
              'Idempotent-Replayed': {
                description:
                  '`true` when this is the stored answer of an earlier request with the same Idempotency-Key.',
                schema: { type: 'string', const: 'true' },
              },
            },
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/ImportSummary' },
                example: {
                  dryRun: false,
                  submit: true,
                  rows: 3,
                  figures: { created: 2, changed: 1, unchanged: 0 },
                  returns: [
                    {
                      board_code: 'S08000024',
                      board_name: 'Lothian',
                      month: '2026-04',
                      status_before: 'draft',
                      status: 'submitted',
                      created: 2,
                      changed: 1,
                      unchanged: 0,
                    },
                  ],
                  warnings: [],
                  notes: [],
                  errors: [],
                },
              },
            },
          },
          '400': problem('A query parameter or the Idempotency-Key header is unknown or has a bad value.'),
          '401': unauthorised,
          '403': submissionProblem(
            'The token has the `read` scope, or is a board lead’s and a row names another board. Nothing was changed.',
          ),
          '413': submissionProblem('The body is larger than 20 MB.'),
          '415': submissionProblem('The body is neither `application/json` nor `text/csv`.'),
          '422': {
            ...submissionProblem(
              'Refused, and nothing was changed: every problem by row and field (a bad value, a rule broken, a month approved and locked, a reason needed to change approved figures), or an Idempotency-Key already used for a different request.',
            ),
            content: {
              'application/problem+json': {
                schema: { $ref: '#/components/schemas/SubmissionProblem' },
                example: {
                  type: 'about:blank',
                  title: 'Unprocessable Content',
                  status: 422,
                  detail:
                    '1 problem stopped the submission: nothing was changed. Each problem names its row (the line of a CSV, counting the header as row 1; the position in a JSON array, from 1) and field.',
                  errors: [
                    {
                      row: 3,
                      field: 'value',
                      message: 'Lothian, 2026-04: Self-referrals (450) cannot be more than referrals (412)',
                    },
                  ],
                  warnings: [],
                  notes: [],
                },
              },
            },
          },
          '429': {
            ...submissionProblem('More than 30 requests in a minute from this token.'),
            headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 1 } } },
          },
        },
      },
    },
    '/api/v1/boards': {
      get: {
        operationId: 'listBoards',
        summary: 'Boards and the national unit, with populations and superseded codes',
        responses: {
          '200': {
            description: 'The boards.',
            headers: noStore,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['boards'],
                  properties: { boards: { type: 'array', items: { $ref: '#/components/schemas/Board' } } },
                },
              },
            },
          },
          '400': problem('The endpoint takes no parameters.'),
          '401': unauthorised,
        },
      },
    },
    '/api/v1/services': {
      get: {
        operationId: 'listServices',
        summary: 'The service catalogue, with the measures and indicators of each service',
        responses: {
          '200': {
            description: 'The services.',
            headers: noStore,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['services'],
                  properties: { services: { type: 'array', items: { $ref: '#/components/schemas/Service' } } },
                },
              },
            },
          },
          '400': problem('The endpoint takes no parameters.'),
          '401': unauthorised,
        },
      },
    },
    '/api/v1/coverage': {
      get: {
        operationId: 'getCoverage',
        summary: 'Which service was live in which board in a month, and each service’s population coverage',
        parameters: queryParameters(CoverageParamsSchema),
        responses: {
          '200': {
            description: 'The coverage.',
            headers: noStore,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Coverage' } } },
          },
          '400': problem('A parameter is unknown or has a bad value.'),
          '401': unauthorised,
        },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This description',
        security: [],
        responses: {
          '200': {
            description: 'The OpenAPI document.',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        },
      },
    },
  },
  security: [{ bearerToken: [] }, { sessionCookie: [] }],
  components: {
    securitySchemes: {
      bearerToken: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API token created in the app (at /account/tokens), shown once when created. Its scope is `read` (analysts, the national lead) or `submit` (board leads for their own board, the national lead), which reads too.',
      },
      sessionCookie: {
        type: 'apiKey',
        in: 'cookie',
        name: '__Host-session',
        description: 'The session of a signed-in browser.',
      },
    },
    schemas: {
      Qualifier: {
        description: QUALIFIERS.map((q) => `${q.code}: ${q.name}. ${q.meaning}`).join('\n'),
        enum: [...QUALIFIERS.map((q) => q.code), null],
      },
      ActivityRow: {
        type: 'object',
        description:
          'A figure in the long layout. The wide layout has the first five columns, then a value and a `<name>_qualifier` column for each measure.',
        required: Object.keys(LONG_COLUMN_DESCRIPTIONS),
        properties: {
          period: {
            type: 'string',
            description: LONG_COLUMN_DESCRIPTIONS.period,
            examples: ['2025-04', 'Q1 2025/26', '2025/26'],
          },
          financial_year: {
            type: 'string',
            pattern: '^\\d{4}/\\d{2}$',
            description: LONG_COLUMN_DESCRIPTIONS.financial_year,
          },
          board_code: { type: 'string', pattern: '^[A-Z]\\d{8}$', description: LONG_COLUMN_DESCRIPTIONS.board_code },
          board_name: { type: 'string', description: LONG_COLUMN_DESCRIPTIONS.board_name },
          service: { type: 'string', description: LONG_COLUMN_DESCRIPTIONS.service },
          measure: { type: 'string', description: LONG_COLUMN_DESCRIPTIONS.measure },
          value: { type: ['number', 'null'], description: LONG_COLUMN_DESCRIPTIONS.value },
          qualifier: { $ref: '#/components/schemas/Qualifier' },
        },
      },
      ActivityExport: {
        type: 'object',
        required: ['metadata', 'rows'],
        properties: {
          metadata: { $ref: '#/components/schemas/ActivityMetadata' },
          rows: { type: 'array', items: { $ref: '#/components/schemas/ActivityRow' } },
        },
      },
      ActivityMetadata: {
        type: 'object',
        required: [
          'title',
          'source',
          'extractedAt',
          'asAt',
          'request',
          'filters',
          'periods',
          'columns',
          'measures',
          'indicators',
          'qualifiers',
          'disclosureControl',
          'completeness',
          'returnsNotReceived',
          'notes',
        ],
        properties: {
          title: { type: 'string' },
          source: { type: 'string' },
          extractedAt: { type: 'string', format: 'date-time' },
          asAt: { type: 'string', format: 'date-time', description: 'The moment whose figures the export shows.' },
          asAtDescription: { type: 'string' },
          request: { type: 'string', description: 'The same export with every parameter explicit and asAt fixed.' },
          filters: { type: 'object' },
          periods: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                period: { type: 'string' },
                label: { type: 'string', examples: ['quarter ending June 2025'] },
                financialYear: { type: 'string' },
                firstMonth: { type: 'string' },
                lastMonth: { type: 'string' },
              },
            },
          },
          columns: {
            type: 'array',
            items: { type: 'object', properties: { name: { type: 'string' }, description: { type: 'string' } } },
          },
          measures: { type: 'array', items: { type: 'object' } },
          indicators: { type: 'array', items: { type: 'object' } },
          qualifiers: {
            type: 'array',
            items: {
              type: 'object',
              properties: { code: { type: 'string' }, name: { type: 'string' }, meaning: { type: 'string' } },
            },
          },
          disclosureControl: {
            type: 'object',
            properties: { applied: { type: 'boolean' }, threshold: { type: 'integer' }, rule: { type: 'string' } },
          },
          completeness: { type: 'string' },
          returnsNotReceived: {
            type: 'array',
            description: 'Board-months of the period whose return had not been submitted at the moment read.',
            items: {
              type: 'object',
              properties: { board_code: { type: 'string' }, board_name: { type: 'string' }, month: { type: 'string' } },
            },
          },
          notes: { type: 'array', items: { type: 'string' } },
        },
      },
      ValueRow: {
        type: 'object',
        description: 'One figure of /api/v1/value.',
        required: [...VALUE_COLUMNS],
        properties: {
          financial_year: {
            type: 'string',
            pattern: '^\\d{4}/\\d{2}$',
            description: VALUE_COLUMN_DESCRIPTIONS.financial_year,
          },
          board_code: { type: 'string', pattern: '^[A-Z]\\d{8}$', description: VALUE_COLUMN_DESCRIPTIONS.board_code },
          board_name: { type: 'string', description: VALUE_COLUMN_DESCRIPTIONS.board_name },
          service: { type: 'string', description: VALUE_COLUMN_DESCRIPTIONS.service },
          measure: { enum: [...VALUE_MEASURES], description: VALUE_COLUMN_DESCRIPTIONS.measure },
          value: { type: ['number', 'null'], description: VALUE_COLUMN_DESCRIPTIONS.value },
          qualifier: {
            enum: [...VALUE_QUALIFIERS.map((q) => q.code), null],
            description: VALUE_QUALIFIERS.map((q) => `${q.code}: ${q.name}. ${q.meaning}`).join('\n'),
          },
        },
      },
      ValueExport: {
        type: 'object',
        required: ['metadata', 'rows'],
        properties: {
          metadata: {
            type: 'object',
            description:
              'Title, source, extraction time, the request with every parameter explicit, columns, measures with units and definitions, the apportioning rule, qualifiers, disclosure control and notes (which months are missing from which year).',
          },
          rows: { type: 'array', items: { $ref: '#/components/schemas/ValueRow' } },
        },
      },
      Problem: {
        type: 'object',
        description: 'RFC 9457 problem details, with each problem and the parameter it concerns.',
        required: ['title', 'status', 'problems'],
        properties: {
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          problems: {
            type: 'array',
            items: {
              type: 'object',
              required: ['parameter', 'message'],
              properties: { parameter: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
      SubmissionRow: {
        type: 'object',
        description:
          'One figure, as a row of the upload: `month`, `board_code`, `service`, `measure` and `value` are required (`value` null for not reported); no other fields.',
        required: ['month', 'board_code', 'service', 'measure', 'value'],
        additionalProperties: false,
        properties: {
          month: {
            type: 'string',
            pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
            description: 'A month that has ended, YYYY-MM.',
          },
          board_code: {
            type: 'string',
            description: 'The board’s GSS code (superseded codes are read as the current one, with a note).',
          },
          service: { type: 'string', description: 'A service slug from /api/v1/services.' },
          measure: { type: 'string', description: 'A measure of that service.' },
          breakdown: {
            type: ['string', 'null'],
            description:
              'Empty for the total; one category of a breakdown (`simd=1`, `age=18-24`, `sex=female`): every category or none, adding up to the total.',
          },
          value: { type: ['integer', 'null'], minimum: 0, description: 'The figure; null for not reported.' },
          comment: {
            type: ['string', 'null'],
            description: 'Why the figure is unusual (needed before submitting one the rules flag).',
          },
        },
      },
      SubmissionError: {
        type: 'object',
        required: ['row', 'field', 'message'],
        properties: {
          row: {
            type: 'integer',
            description: 'CSV: the line (header = 1). JSON: the position in the array, from 1. 0: the request.',
          },
          field: { type: 'string', description: 'The column or field, like `value` or `board_code`.' },
          message: { type: 'string', description: 'The rule broken, in words, naming the board and month.' },
        },
      },
      ImportSummary: {
        type: 'object',
        required: ['dryRun', 'submit', 'rows', 'figures', 'returns', 'warnings', 'notes', 'errors'],
        properties: {
          dryRun: { type: 'boolean' },
          submit: { type: 'boolean' },
          rows: { type: 'integer' },
          figures: {
            type: 'object',
            description: 'Figures created (none held before), changed (a new version) and unchanged (already held).',
            properties: { created: { type: 'integer' }, changed: { type: 'integer' }, unchanged: { type: 'integer' } },
          },
          returns: {
            type: 'array',
            description: 'Each board-month the rows touch, with its status before and after.',
            items: {
              type: 'object',
              properties: {
                board_code: { type: 'string' },
                board_name: { type: 'string' },
                month: { type: 'string' },
                status_before: { enum: ['draft', 'submitted', 'approved', null] },
                status: { enum: ['draft', 'submitted', 'approved'] },
                created: { type: 'integer' },
                changed: { type: 'integer' },
                unchanged: { type: 'integer' },
              },
            },
          },
          warnings: {
            type: 'array',
            description:
              'Unusual figures without a comment: saved as a draft, but each needs a comment before the month is submitted.',
            items: { $ref: '#/components/schemas/SubmissionError' },
          },
          notes: {
            type: 'array',
            items: { type: 'string' },
            description: 'Superseded board codes read as current ones.',
          },
          errors: { type: 'array', maxItems: 0, items: { $ref: '#/components/schemas/SubmissionError' } },
        },
      },
      SubmissionProblem: {
        type: 'object',
        description: 'RFC 9457 problem details of a refused submission, with every problem by row and field.',
        required: ['title', 'status'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          errors: { type: 'array', items: { $ref: '#/components/schemas/SubmissionError' } },
          warnings: { type: 'array', items: { $ref: '#/components/schemas/SubmissionError' } },
          notes: { type: 'array', items: { type: 'string' } },
        },
      },
      Board: {
        type: 'object',
        required: ['code', 'name', 'kind', 'population', 'supersededCodes'],
        properties: {
          code: { type: 'string' },
          name: { type: 'string' },
          kind: { enum: ['board', 'national'] },
          population: {
            type: ['object', 'null'],
            properties: { year: { type: 'integer' }, value: { type: 'integer' }, source: { type: 'string' } },
          },
          supersededCodes: { type: 'array', items: { type: 'string' } },
        },
      },
      Service: {
        type: 'object',
        required: ['slug', 'name', 'family', 'delivery', 'measures', 'indicators', 'treatments'],
        properties: {
          slug: { type: 'string' },
          name: { type: 'string' },
          family: { type: 'string' },
          delivery: { enum: ['board', 'national'] },
          description: { type: 'string' },
          measures: { type: 'array', items: { type: 'object' } },
          indicators: { type: 'array', items: { type: 'object' } },
          treatments: { type: 'array', items: { type: 'string' } },
        },
      },
      Coverage: {
        type: 'object',
        required: ['month', 'services'],
        properties: {
          month: { type: 'string' },
          services: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                slug: { type: 'string' },
                name: { type: 'string' },
                populationCoverage: { type: ['number', 'null'] },
                boards: { type: 'array', items: { type: 'object' } },
              },
            },
          },
        },
      },
    },
  },
} as const
