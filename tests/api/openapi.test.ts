import { describe, expect, test } from 'vitest'
import { LONG_COLUMNS } from '#app/models/exports.server.ts'
import { QUALIFIERS } from '#app/disclosure/activity-table.ts'
import {
  ActivityParamsSchema,
  CoverageParamsSchema,
  FORMATS,
  LAYOUTS,
  parseActivityParams,
  parseCoverageParams,
  SDC_SETTINGS,
} from '#app/api/parameters.ts'
import { OPENAPI_DOCUMENT, SUBMISSION_EXAMPLES } from '#app/api/openapi.ts'
import {
  IDEMPOTENCY_KEY,
  JSON_FIELDS,
  parseSubmissionParams,
  REQUIRED_JSON_FIELDS,
  SubmissionParamsSchema,
} from '#app/api/submission-parameters.ts'
import { parseJsonRows } from '#app/api/submissions.server.ts'
import { FigureRowSchema } from '#app/returns/rules.ts'
import { parseUploadFile, UPLOAD_COLUMNS } from '#app/returns/upload-parse.server.ts'
import { GRAINS } from '#app/domain/periods.ts'

type Parameter = {
  name: string
  in: string
  description?: string
  schema: { enum?: string[]; default?: string; type?: string; pattern?: string; items?: { pattern?: string } }
  style?: string
  explode?: boolean
  example?: unknown
}
const document = JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)) as {
  openapi: string
  paths: Record<
    string,
    Partial<Record<'get' | 'post', { parameters?: Parameter[]; responses: Record<string, unknown> }>>
  >
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[]; enum?: unknown[] }>
  }
}
const activity = document.paths['/api/v1/activity']!.get!.parameters!

describe('the OpenAPI description stays in step with the API', () => {
  test('the activity parameters are exactly the schema’s, in its order, each described', () => {
    expect(activity.map((p) => p.name)).toEqual(Object.keys(ActivityParamsSchema.shape))
    expect(activity.map((p) => p.name)).toEqual([
      'from',
      'to',
      'board',
      'service',
      'measure',
      'breakdown',
      'grain',
      'layout',
      'format',
      'sdc',
      'asAt',
    ])
    for (const p of activity) {
      expect(p.in).toBe('query')
      expect(p.description?.length ?? 0, p.name).toBeGreaterThan(20)
    }
    expect(document.paths['/api/v1/activity/metadata']!.get!.parameters).toEqual(activity)
  })

  test('enumerations and defaults are the ones the parser applies', () => {
    const byName = Object.fromEntries(activity.map((p) => [p.name, p]))
    expect(byName.grain!.schema.enum).toEqual([...GRAINS])
    expect(byName.layout!.schema.enum).toEqual([...LAYOUTS])
    expect(byName.format!.schema.enum).toEqual([...FORMATS])
    expect(byName.sdc!.schema.enum).toEqual([...SDC_SETTINGS])
    // The documented defaults are what an empty query string parses to.
    const parsed = parseActivityParams(new URLSearchParams(''))
    if (!parsed.ok) throw new Error('an empty query string must parse')
    for (const name of ['grain', 'layout', 'format', 'sdc'] as const)
      expect(byName[name]!.schema.default).toBe(parsed.value[name])
  })

  test('list parameters are comma-separated arrays whose item pattern the parser enforces', () => {
    for (const name of ['board', 'service', 'measure']) {
      const p = activity.find((x) => x.name === name)!
      expect(p).toMatchObject({ style: 'form', explode: false, schema: { type: 'array' } })
      const pattern = new RegExp(p.schema.items!.pattern!)
      const example = String(p.example)
      for (const item of example.split(',')) expect(pattern.test(item), item).toBe(true)
      expect(parseActivityParams(new URLSearchParams({ [name]: example })).ok, `${name}=${example}`).toBe(true)
      expect(parseActivityParams(new URLSearchParams({ [name]: 'NOT VALID' })).ok).toBe(false)
      expect(pattern.test('NOT VALID')).toBe(false)
    }
  })

  test('every documented example is accepted, and the asAt and month patterns agree with the parser', () => {
    for (const p of activity) {
      if (p.example === undefined) continue
      const parsed = parseActivityParams(new URLSearchParams({ [p.name]: String(p.example) }))
      expect(parsed.ok, `${p.name}=${String(p.example)}`).toBe(true)
    }
    const asAt = new RegExp(activity.find((p) => p.name === 'asAt')!.schema.pattern!)
    for (const ok of ['2025-06-30', '2025-06-30T17:00', '2025-06-30T17:00:00Z', '2025-06-30T18:00:00.123+01:00']) {
      expect(asAt.test(ok), ok).toBe(true)
      expect(parseActivityParams(new URLSearchParams({ asAt: ok })).ok, ok).toBe(true)
    }
    for (const bad of ['30/06/2025', 'yesterday', '2025-06-30 17:00']) {
      expect(asAt.test(bad), bad).toBe(false)
      expect(parseActivityParams(new URLSearchParams({ asAt: bad })).ok, bad).toBe(false)
    }
  })

  test('coverage takes exactly its schema’s parameters', () => {
    const coverage = document.paths['/api/v1/coverage']!.get!.parameters!
    expect(coverage.map((p) => p.name)).toEqual(Object.keys(CoverageParamsSchema.shape))
    expect(parseCoverageParams(new URLSearchParams({ month: String(coverage[0]!.example) })).ok).toBe(true)
  })

  test('the row schema has the long layout’s columns and the qualifier codes', () => {
    const row = document.components.schemas.ActivityRow!
    expect(Object.keys(row.properties!)).toEqual([...LONG_COLUMNS])
    expect(row.required).toEqual([...LONG_COLUMNS])
    expect(document.components.schemas.Qualifier!.enum).toEqual([...QUALIFIERS.map((q) => q.code), null])
  })

  test('is OpenAPI 3.1 whose references all resolve, and every operation answers 200 and, where it takes parameters, 400', () => {
    expect(document.openapi).toBe('3.1.0')
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? []
    for (const ref of refs) {
      const name = ref.slice('"$ref":"#/components/schemas/'.length, -1)
      expect(document.components.schemas[name], ref).toBeDefined()
    }
    for (const [path, item] of Object.entries(document.paths)) {
      const operation = (item.get ?? item.post)!
      expect(operation.responses['200'], path).toBeDefined()
      if (path !== '/api/v1/openapi.json') expect(operation.responses['400'], path).toBeDefined()
    }
  })

  test('the submission takes exactly its schema’s parameters and the Idempotency-Key header', async () => {
    const post = document.paths['/api/v1/returns']!.post!
    const query = post.parameters!.filter((p) => p.in === 'query')
    expect(query.map((p) => p.name)).toEqual(Object.keys(SubmissionParamsSchema.shape))
    expect(query.map((p) => p.name)).toEqual(['dryRun', 'submit', 'reason'])
    for (const p of query) {
      expect(p.description?.length ?? 0, p.name).toBeGreaterThan(20)
      expect(parseSubmissionParams(new URLSearchParams({ [p.name]: String(p.example) })).ok, p.name).toBe(true)
    }
    // The documented default is what an empty query string parses to.
    const parsed = parseSubmissionParams(new URLSearchParams(''))
    if (!parsed.ok) throw new Error('an empty query string must parse')
    for (const p of query.filter((p) => p.schema.default !== undefined))
      expect(p.schema.default).toBe(parsed.value[p.name as 'dryRun' | 'submit'])
    const header = post.parameters!.find((p) => p.in === 'header')!
    expect(header.name).toBe('Idempotency-Key')
    expect(IDEMPOTENCY_KEY.test(String(header.example))).toBe(true)
    expect(Object.keys(post.responses).sort()).toEqual(['200', '400', '401', '403', '413', '415', '422', '429'])
  })

  test('the submission’s examples are rows the upload reads, with the fields the schema lists', async () => {
    const row = document.components.schemas.SubmissionRow!
    expect(Object.keys(row.properties!).sort()).toEqual([...UPLOAD_COLUMNS].sort())
    expect(Object.keys(JSON_FIELDS).sort()).toEqual([...UPLOAD_COLUMNS].sort())
    expect(row.required).toEqual([...REQUIRED_JSON_FIELDS])
    const fromJson = parseJsonRows(new TextEncoder().encode(JSON.stringify(SUBMISSION_EXAMPLES.json)))
    const fromCsv = (await parseUploadFile(new TextEncoder().encode(SUBMISSION_EXAMPLES.csv))).rows
    expect(fromJson).toHaveLength(3)
    expect(fromCsv).toHaveLength(3)
    for (const [i, r] of fromJson.entries()) {
      const a = FigureRowSchema.parse(r.values)
      const b = FigureRowSchema.parse(fromCsv[i]!.values)
      expect(a, `row ${i + 1}`).toEqual(b)
    }
  })
})
