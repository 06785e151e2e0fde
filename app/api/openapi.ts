// The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. The query parameters
// are generated from the zod schemas that parse them (app/api/parameters.ts), so the
// description cannot drift from what the API accepts; tests/utils/openapi.test.ts checks the rest.
import { z } from 'zod'
import { QUALIFIERS } from '#app/disclosure/activity-table.ts'
import { ActivityParamsSchema, CoverageParamsSchema } from './parameters.ts'
import { LONG_COLUMN_DESCRIPTIONS } from './metadata.ts'
import { ValueParamsSchema } from './value-parameters.ts'
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

const noStore = {
  'Cache-Control': { description: 'Always `no-store`.', schema: { type: 'string', const: 'no-store' } },
}

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
        description: 'An API token created in the app by an analyst or the national lead, shown once when created.',
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
