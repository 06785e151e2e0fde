// `GET /api/v1/value`: costs, supporter hours and unit costs by financial year, board and service
// (DESIGN.md, "Resources and value"), as JSON, CSV or XLSX with their metadata. The same figures
// as /value, from the same model.
import writeXlsxFile, { type Row as XlsxRow } from 'write-excel-file/node'
import { readValue } from '#app/models/value.server.ts'
import {
  ALL_SERVICES,
  APPORTIONING_RULE,
  protectValueRow,
  THERAPIES,
  VALUE_MEASURE_DEFINITIONS,
  VALUE_MEASURES,
} from '#app/statistics/value.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { latestDueMonth, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import type { Actor } from '#app/utils/permissions.ts'
import { API_BASE_PATH, problemResponse } from './handlers.server.ts'
import { EXPORT_SOURCE } from './metadata.ts'
import { safeText } from './spreadsheet-safety.ts'
import { financialYearOf, parseValueParams, type ValueParams } from './value-parameters.ts'
import { csvStream, type Record } from './writers.server.ts'

export const VALUE_COLUMNS = [
  'financial_year',
  'board_code',
  'board_name',
  'service',
  'measure',
  'value',
  'qualifier',
] as const

export const VALUE_COLUMN_DESCRIPTIONS: { [K in (typeof VALUE_COLUMNS)[number]]: string } = {
  financial_year: 'The financial year (April to March), e.g. 2025/26.',
  board_code: 'GSS code of the board; S92000003 is Scotland.',
  board_name: 'Name of the board, or Scotland.',
  service:
    'The service by slug (see /api/v1/services); therapies is every cCBT and ieCBT service together, all every service together.',
  measure: `One of ${VALUE_MEASURES.join(', ')}: see measures.`,
  value:
    'The figure: money in pounds (totals to the pound, unit costs to the penny), hours (totals whole, per course to 2 decimal places). Empty when a qualifier says why.',
  qualifier: 'Empty, or one code: c suppressed, z not applicable, : not available. See qualifiers.',
}

export const VALUE_QUALIFIERS = [
  {
    code: 'c',
    name: 'suppressed',
    meaning: 'A unit cost of a count from 1 to the threshold: with the cost it would give the count.',
  },
  {
    code: 'z',
    name: 'not applicable',
    meaning:
      'The measure does not apply: a service that counts no courses has no cost per course, supporter hours are of cCBT and ieCBT together.',
  },
  {
    code: ':',
    name: 'not available',
    meaning:
      "A month of the financial year is not yet reported (or the year is not over), so a unit cost would divide a year's costs by less than a year's activity; or the board recorded no costs for the year. See notes.",
  },
] as const

export const NATIONAL_CODE = 'S92000003'

export interface ValueExportArgs {
  params: URLSearchParams
  actor: Actor
  now: Date
  audit?: (event: { format: string; sdc: boolean; asAt: string; request: string; boards: string[] }) => Promise<void>
  threshold?: number
  deadlineDay?: number
}

export type ValueRecord = { [K in (typeof VALUE_COLUMNS)[number]]: string | number | null }

/** A figure as the API gives it: totals to the pound or hour, per-unit figures to 2 decimal places. */
export function roundValue(measure: string, value: number | null) {
  if (value === null) return null
  if (measure === 'total_cost' || measure === 'supporter_hours') return Math.round(value)
  return Math.round(value * 100) / 100
}

/** `GET /api/v1/value` */
export async function exportValue(args: ValueExportArgs): Promise<Response> {
  const config = args.threshold === undefined || args.deadlineDay === undefined ? getConfig() : null
  const threshold = args.threshold ?? config!.SDC_THRESHOLD
  const deadlineDay = args.deadlineDay ?? config!.RETURN_DEADLINE_DAY
  const parsed = parseValueParams(args.params)
  if (!parsed.ok) return problemResponse(400, parsed.problems)
  const request = parsed.value
  const latestDue = latestDueMonth(args.now, deadlineDay)
  const fromYear = financialYearOf(request.from ?? PROGRAMME_START_MONTH)
  const toYear = financialYearOf(request.to ?? latestDue)
  if (fromYear > toYear)
    return problemResponse(400, [{ parameter: 'to', message: `must not be before from (${fromYear})` }])
  if (fromYear < financialYearOf(PROGRAMME_START_MONTH))
    return problemResponse(400, [
      {
        parameter: 'from',
        message: `must not be before the programme started (${financialYearOf(PROGRAMME_START_MONTH)})`,
      },
    ])
  if (toYear > financialYearOf(latestDue))
    return problemResponse(400, [
      {
        parameter: 'to',
        message: `must not be after the financial year of the latest month due (${financialYearOf(latestDue)})`,
      },
    ])

  const { rows, catalogue } = await readValue({
    from: `${fromYear.slice(0, 4)}-04`,
    to: `${toYear.slice(0, 4)}-04`,
    latestDue,
  })
  const units = new Map(catalogue.units.map((u) => [u.code, u]))
  const serviceKeys = new Set([...catalogue.services.map((s) => s.slug), THERAPIES, ALL_SERVICES])
  const problems = [
    ...(request.board ?? [])
      .filter((code) => !units.has(code))
      .map((code) => ({ parameter: 'board', message: `item ("${code}") is not a board's code` })),
    ...(request.service ?? [])
      .filter((slug) => !serviceKeys.has(slug))
      .map((slug) => ({ parameter: 'service', message: `item ("${slug}") is not a service` })),
  ]
  if (problems.length) return problemResponse(400, problems)

  // Roles: a board lead exports their own board's figures and Scotland's, never another board's.
  const own = args.actor.role === 'board_lead' ? catalogue.units.find((u) => u.id === args.actor.orgUnitId) : null
  const allowed = (code: string) => args.actor.role !== 'board_lead' || code === NATIONAL_CODE || code === own?.code
  const forbidden = (request.board ?? []).filter((code) => !allowed(code))
  if (forbidden.length)
    return problemResponse(403, [
      {
        parameter: 'board',
        message: `you may not export the costs of ${forbidden.map((c) => `${c} (${units.get(c)!.name})`).join(', ')}`,
      },
    ])
  const boards = request.board ?? catalogue.units.map((u) => u.code).filter(allowed)
  const services = request.service ?? [...catalogue.services.map((s) => s.slug), THERAPIES, ALL_SERVICES]

  const records: ValueRecord[] = []
  const notes = new Set<string>()
  for (const raw of rows) {
    const code = raw.board ?? NATIONAL_CODE
    if (!boards.includes(code) || !services.includes(raw.service)) continue
    const row = request.sdc === 'on' ? protectValueRow(raw, threshold) : raw
    if (row.note) notes.add(`${row.financialYear}, ${units.get(code)!.name}, ${row.service}: ${row.note}`)
    records.push({
      financial_year: row.financialYear,
      board_code: code,
      board_name: units.get(code)!.name,
      service: row.service,
      measure: row.measure,
      value: roundValue(row.measure, row.value),
      qualifier: row.qualifier,
    })
  }

  const canonical = canonicalValueRequest(request, fromYear, toYear)
  const metadata = {
    title: `Digital therapies resources and value, ${fromYear} to ${toYear}`,
    source: `${EXPORT_SOURCE} Costs as the national programme lead records them.`,
    extractedAt: args.now.toISOString(),
    request: canonical,
    filters: { from: fromYear, to: toYear, boards, services, format: request.format, sdc: request.sdc },
    columns: VALUE_COLUMNS.map((name) => ({ name, description: VALUE_COLUMN_DESCRIPTIONS[name] })),
    measures: VALUE_MEASURES.map((name) => ({ name, ...VALUE_MEASURE_DEFINITIONS[name] })),
    apportioning: APPORTIONING_RULE,
    qualifiers: VALUE_QUALIFIERS,
    disclosureControl: {
      applied: request.sdc === 'on',
      threshold,
      rule:
        request.sdc === 'on'
          ? `A unit cost whose count is from 1 to ${threshold} is withheld (c).`
          : 'Not applied: these figures include unit costs of small counts and are not for publication.',
    },
    notes: [...notes],
  }
  await args.audit?.({
    format: request.format,
    sdc: request.sdc === 'on',
    asAt: args.now.toISOString(),
    request: canonical,
    boards,
  })

  const name = `value_${fromYear.replace('/', '-')}_${toYear.replace('/', '-')}.${request.format}`
  const headers = new Headers({
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
  })
  if (request.format === 'csv') {
    headers.set('Content-Type', 'text/csv; charset=utf-8; header=present')
    return new Response(
      csvStream(
        (async function* () {
          yield records as Record[]
        })(),
        VALUE_COLUMNS,
      ),
      { headers },
    )
  }
  if (request.format === 'json') {
    headers.set('Content-Type', 'application/json; charset=utf-8')
    return new Response(JSON.stringify({ metadata, rows: records }), { headers })
  }
  headers.set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  const text = (value: string) => ({ value: safeText(value), type: String })
  const cell = (value: string | number | null) =>
    value === null ? null : typeof value === 'number' ? { value, type: Number } : text(value)
  const data: XlsxRow[] = [
    VALUE_COLUMNS.map((c) => ({ ...text(c), fontWeight: 'bold' as const })),
    ...records.map((r) => VALUE_COLUMNS.map((c) => cell(r[c]))),
  ]
  const meta: XlsxRow[] = [
    [text(metadata.title), null],
    [text('Source'), text(metadata.source)],
    [text('Extracted at'), text(metadata.extractedAt)],
    [text('Request'), text(metadata.request)],
    [text('Apportioning'), text(APPORTIONING_RULE)],
    [text('Disclosure control'), text(metadata.disclosureControl.rule)],
    ...metadata.notes.map((n) => [text('Note'), text(n)]),
    ...VALUE_QUALIFIERS.map((q) => [text(`Qualifier ${q.code}`), text(`${q.name}: ${q.meaning}`)]),
    ...metadata.columns.map((c) => [text(c.name), text(c.description)]),
    ...metadata.measures.map((m) => [text(m.name), text(`${m.label} (${m.unit}): ${m.definition}`)]),
  ]
  const buffer = await writeXlsxFile([
    { data, sheet: 'Data', stickyRowsCount: 1 },
    { data: meta, sheet: 'Metadata', columns: [{ width: 24 }, { width: 120 }] },
  ]).toBuffer()
  return new Response(new Uint8Array(buffer), { headers })
}

function canonicalValueRequest(request: ValueParams, fromYear: string, toYear: string) {
  const params = new URLSearchParams()
  params.set('from', fromYear)
  params.set('to', toYear)
  if (request.board) params.set('board', request.board.join(','))
  if (request.service) params.set('service', request.service.join(','))
  params.set('format', request.format)
  params.set('sdc', request.sdc)
  return `${API_BASE_PATH}/value?${params.toString().replaceAll('%2C', ',').replaceAll('%2F', '/')}`
}
