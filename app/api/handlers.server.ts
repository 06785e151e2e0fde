// The request handlers of /api/v1: a route authenticates the caller and passes the query string
// and the actor; these parse, authorise, read and write the response. Each returns a Response:
// the figures (streamed for CSV and JSON), or a problem document (RFC 9457) naming each problem.
import {
  type ActivityFilters,
  type ExportReference,
  LONG_COLUMNS,
  listReturnsNotReceived,
  loadExportReference,
  readActivity,
  resolveActivityFilters,
} from '#app/models/exports.server.ts'
import { BREAKDOWN_LONG_COLUMNS, readBreakdownActivity } from '#app/models/breakdown-exports.server.ts'
import { type BreakdownCatalogue, loadBreakdownCatalogue } from '#app/models/breakdowns.server.ts'
import { listServiceDirectory } from '#app/models/catalogue.server.ts'
import { getCoverageOfMonth } from '#app/models/coverage.server.ts'
import { listOrgUnitDirectory } from '#app/models/org-units.server.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { getDb } from '#app/utils/db.server.ts'
import { buildActivityMetadata, type ActivityMetadata } from './metadata.ts'
import {
  type ActivityRequest,
  type ParameterProblem,
  parseActivityParams,
  parseCoverageParams,
  parseNoParams,
  resolveActivityParams,
} from './parameters.ts'
import {
  csvStream,
  jsonStream,
  type Record,
  TooManyRowsError,
  wideColumns,
  widen,
  xlsxBuffer,
} from './writers.server.ts'
import { periodsBetween } from '#app/domain/periods.ts'
import { countExportRows } from '#app/utils/metrics.server.ts'
import { type Actor, can, exportableOrgUnitIds } from '#app/utils/permissions.ts'

export const API_BASE_PATH = '/api/v1'

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const

/** What the audit trail records of an export (the route writes it where accounts keep theirs). */
export interface ExportAuditEvent {
  action: 'export'
  actorId: number
  format: ActivityRequest['format']
  sdc: boolean
  asAt: string
  request: string
  boards: string[]
}

export interface ActivityExportArgs {
  /** The query string of the request. */
  params: URLSearchParams
  /** Who is asking, already authenticated by the route. */
  actor: Actor
  /** The moment of the request: the default "as at", and the limit of asAt. */
  now: Date
  /** Called once the export is allowed, before any figure is sent. */
  audit?: (event: ExportAuditEvent) => Promise<void>
  /** Aborts when the client goes away: a streamed export then stops reading. */
  signal?: AbortSignal
  /** SDC_THRESHOLD and RETURN_DEADLINE_DAY; from the configuration when not given. */
  threshold?: number
  deadlineDay?: number
  /** The reference data, when the route has started reading it already (it is the same for everyone). */
  reference?: Promise<ExportReference>
}

/** An export checked and allowed: what it reads, and for whom. */
interface CheckedExport {
  request: ActivityRequest
  filters: ActivityFilters
  /** The dimension figures are split by, when asked (`breakdown=`). */
  breakdown: { name: string; splits: (service: string, measure: string) => boolean } | null
  dimension: ReturnType<BreakdownCatalogue['dimensions']['get']> | null
  reference: ExportReference
  visible: number[] | null
  /** The units whose figures leave. */
  output: ExportReference['units']
  threshold: number
}

/** `GET /api/v1/activity`: the figures, as JSON, CSV or XLSX. */
export async function exportActivity(args: ActivityExportArgs): Promise<Response> {
  const prepared = await checkActivityExport(args)
  if (prepared instanceof Response) return prepared
  const { request } = prepared

  const options = {
    from: request.from,
    to: request.to,
    grain: request.grain,
    asAt: request.asAt,
    sdc: request.sdc ? { threshold: prepared.threshold } : null,
    filters: prepared.filters,
    visibleOrgUnitIds: prepared.visible,
    reference: prepared.reference,
  }
  const { breakdown } = prepared
  // The figures are read while the export is recorded and described: one round trip fewer
  // before the first figure. None is sent before the record is written; if that fails, the
  // reading stops.
  const long = readingAhead(
    breakdown ? readBreakdownActivity({ ...options, dimension: breakdown.name }) : readActivity(options),
  )
  let metadata: ActivityMetadata
  try {
    metadata = await describeActivityExport(prepared, args, { record: true })
  } catch (error) {
    await long.return().catch(() => {})
    throw error
  }
  const applies = (slug: string, name: string) => {
    const service = prepared.reference.services.find((s) => s.slug === slug)!
    const indicator = prepared.filters.indicators.find((i) => i.id === name)
    const counts = indicator ? [indicator.numerator, indicator.denominator] : [name]
    return counts.every((m) => service.measures.includes(m) && (!breakdown || breakdown.splits(slug, m)))
  }
  const names = [...prepared.filters.measures.map((m) => m.name), ...prepared.filters.indicators.map((i) => i.id)]
  const spec = {
    measures: breakdown ? names.filter((n) => prepared.filters.services.some((s) => applies(s.slug, n))) : names,
    applies,
    ...(breakdown ? { keys: ['breakdown', 'category'] } : {}),
  }
  const rows: AsyncIterable<Record[]> = countExportRows(
    request.format,
    request.layout === 'wide' ? widen(long, spec) : (long as AsyncIterable<Record[]>),
  )
  const columns =
    request.layout === 'wide' ? wideColumns(spec) : breakdown ? [...BREAKDOWN_LONG_COLUMNS] : [...LONG_COLUMNS]
  const headers = exportHeaders(request, metadata)

  if (request.format === 'csv') {
    headers.set('Link', `<${metadataUrl(metadata.request)}>; rel="describedby"; type="application/json"`)
    return new Response(csvStream(rows, columns, args.signal), { headers })
  }
  if (request.format === 'json') return new Response(jsonStream(metadata, rows, args.signal), { headers })
  try {
    const buffer = await xlsxBuffer(metadata, rows, columns)
    return new Response(new Uint8Array(buffer), { headers })
  } catch (error) {
    if (error instanceof TooManyRowsError) {
      return problemResponse(400, [
        { parameter: 'format', message: `${error.message} Ask for csv or json, or fewer figures.` },
      ])
    }
    throw error
  }
}

/** `GET /api/v1/activity/metadata`: the metadata of the same export, which a CSV links to. */
export async function exportActivityMetadata(args: ActivityExportArgs): Promise<Response> {
  const prepared = await checkActivityExport(args)
  if (prepared instanceof Response) return prepared
  return jsonResponse(await describeActivityExport(prepared, args))
}

/** The export's parameters checked, its filters resolved and the caller's rights to it checked. */
async function checkActivityExport(args: ActivityExportArgs): Promise<CheckedExport | Response> {
  const config = args.threshold === undefined || args.deadlineDay === undefined ? getConfig() : null
  const threshold = args.threshold ?? config!.SDC_THRESHOLD
  const deadlineDay = args.deadlineDay ?? config!.RETURN_DEADLINE_DAY

  const parsed = parseActivityParams(args.params)
  if (!parsed.ok) return problemResponse(400, parsed.problems)
  const resolved = resolveActivityParams(parsed.value, { now: args.now, deadlineDay })
  if (!resolved.ok) return problemResponse(400, resolved.problems)
  const request = resolved.value
  const reference = await (args.reference ?? loadExportReference())
  const found = resolveActivityFilters(request, reference)
  if (!found.ok) return problemResponse(400, found.problems)
  const filters = found.filters
  let breakdown: CheckedExport['breakdown'] = null
  let dimension: ReturnType<BreakdownCatalogue['dimensions']['get']> = undefined
  if (request.breakdown) {
    const catalogue = await loadBreakdownCatalogue(getDb())
    dimension = catalogue.dimensions.get(request.breakdown)
    if (!dimension) {
      return problemResponse(400, [
        {
          parameter: 'breakdown',
          message: `${request.breakdown} is not a breakdown: use ${[...catalogue.dimensions.keys()].join(', ')}`,
        },
      ])
    }
    const name = dimension.name
    const splits = (service: string, measure: string) =>
      catalogue.applies.get(`${service}|${measure}`)?.some((d) => d.name === name) ?? false
    const asked = [
      ...filters.measures.map((m) => [m.name]),
      ...filters.indicators.map((i) => [i.numerator, i.denominator]),
    ]
    if (!asked.some((counts) => filters.services.some((s) => counts.every((m) => splits(s.slug, m))))) {
      return problemResponse(400, [
        {
          parameter: 'breakdown',
          message: `none of the measures asked for is broken down by ${dimension.label} for the services asked for`,
        },
      ])
    }
    if (request.sdc && request.grain === 'month') {
      return problemResponse(400, [
        {
          parameter: 'grain',
          message:
            'with disclosure control, breakdowns are published by financial quarter or year (grain=fq or grain=fy): counts by category and month are mostly too small to show',
        },
      ])
    }
    breakdown = { name, splits }
  }

  // Authorisation: a board lead exports their own board; nobody turns disclosure control off
  // for figures they may not see unsuppressed. readActivity applies the same limit again.
  const visible = exportableOrgUnitIds(args.actor)
  const unitOf = (id: number) => reference.units.find((u) => u.id === id)!
  const forbidden = (filters.unitIds ?? []).filter((id) => !can.exportBoard(args.actor, { orgUnitId: id }))
  if (forbidden.length) {
    return problemResponse(403, [
      {
        parameter: 'board',
        message: `you may not export the figures of ${forbidden.map((id) => `${unitOf(id).code} (${unitOf(id).name})`).join(', ')}`,
      },
    ])
  }
  const output = reference.units.filter(
    (u) => (filters.unitIds ? filters.unitIds.includes(u.id) : true) && (visible ? visible.includes(u.id) : true),
  )
  if (!request.sdc) {
    const refused = output.filter((u) => !can.exportUnsuppressed(args.actor, { orgUnitId: u.id }))
    if (refused.length) {
      return problemResponse(403, [
        {
          parameter: 'sdc',
          message: `you may not export unsuppressed figures of ${refused.map((u) => u.code).join(', ')}`,
        },
      ])
    }
  }

  return { request, filters, breakdown, dimension: dimension ?? null, reference, visible, output, threshold }
}

/** The export's metadata; with `record`, the export is also recorded by `args.audit`. */
async function describeActivityExport(
  { request, filters, dimension, output, threshold }: CheckedExport,
  args: ActivityExportArgs,
  { record = false } = {},
): Promise<ActivityMetadata> {
  // Recorded while the returns not received are read: one round trip fewer before the figures.
  const [returnsNotReceived] = await Promise.all([
    listReturnsNotReceived({
      from: request.from,
      to: request.to,
      asAt: request.asAt,
      unitIds: output.map((u) => u.id),
      serviceIds: filters.services.map((s) => s.id),
    }),
    record
      ? args.audit?.({
          action: 'export',
          actorId: args.actor.id,
          format: request.format,
          sdc: request.sdc,
          asAt: request.asAt.toISOString(),
          request: canonicalRequest(request),
          boards: output.map((u) => u.code),
        })
      : undefined,
  ])
  return buildActivityMetadata({
    extractedAt: args.now,
    asAt: request.asAt,
    asAtRequested: request.asAtRequested,
    request: canonicalRequest(request),
    from: request.from,
    to: request.to,
    grain: request.grain,
    layout: request.layout,
    format: request.format,
    sdc: request.sdc,
    threshold,
    boards: output.map((u) => ({ code: u.code, name: u.name })),
    services: filters.services.map((s) => ({ slug: s.slug, name: s.name })),
    measures: filters.measures,
    indicators: filters.indicators,
    periods: periodsBetween(request.from, request.to, request.grain),
    returnsNotReceived,
    notes: filters.notes,
    breakdown: dimension,
  })
}

/**
 * Starts an export's reading at once, so that its first read runs while the caller does other
 * work, and gives its batches in order; `return()` ends the reading, read or not.
 */
function readingAhead<T>(source: AsyncGenerator<T>) {
  let first: Promise<IteratorResult<T>> | null = source.next()
  // Settled here if it fails before anyone reads it; the failure is thrown to whoever reads.
  first.catch(() => {})
  const rows = {
    next() {
      const step = first ?? source.next()
      first = null
      return step
    },
    async return() {
      first = null
      return source.return(undefined)
    },
    [Symbol.asyncIterator]() {
      return rows
    },
  }
  return rows
}

/** The export with every parameter explicit and the moment fixed. */
function canonicalRequest(request: ActivityRequest) {
  const params = new URLSearchParams()
  params.set('from', request.from)
  params.set('to', request.to)
  if (request.boards) params.set('board', request.boards.join(','))
  if (request.services) params.set('service', request.services.join(','))
  if (request.measures) params.set('measure', request.measures.join(','))
  if (request.breakdown) params.set('breakdown', request.breakdown)
  params.set('grain', request.grain)
  params.set('layout', request.layout)
  params.set('format', request.format)
  params.set('sdc', request.sdc ? 'on' : 'off')
  params.set('asAt', request.asAt.toISOString())
  return `${API_BASE_PATH}/activity?${params.toString().replaceAll('%2C', ',').replaceAll('%3A', ':')}`
}

function metadataUrl(request: string) {
  return request.replace(`${API_BASE_PATH}/activity?`, `${API_BASE_PATH}/activity/metadata?`)
}

function exportHeaders(request: ActivityRequest, metadata: ActivityMetadata) {
  const stamp = metadata.asAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  const name = `activity_${request.grain}_${request.from}_${request.to}_as-at-${stamp}.${request.format}`
  return new Headers({
    'Content-Type': CONTENT_TYPES[request.format],
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
  })
}

/** A problem document (RFC 9457) listing each problem with the parameter it concerns. */
export function problemResponse(status: 400 | 403, problems: ParameterProblem[]) {
  const title = status === 400 ? 'Bad Request' : 'Forbidden'
  const detail =
    status === 400
      ? 'The request has parameters the API does not accept: each problem below names its parameter.'
      : 'The request asks for figures you may not export.'
  return new Response(JSON.stringify({ title, status, detail, problems }), {
    status,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8', 'Cache-Control': 'no-store' },
  })
}

function jsonResponse(data: unknown) {
  return new Response(JSON.stringify(data), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  })
}

/** `GET /api/v1/boards` */
export async function apiBoards({ params }: { params: URLSearchParams }): Promise<Response> {
  const parsed = parseNoParams(params)
  if (!parsed.ok) return problemResponse(400, parsed.problems)
  return jsonResponse({ boards: await listOrgUnitDirectory() })
}

/** `GET /api/v1/services` */
export async function apiServices({ params }: { params: URLSearchParams }): Promise<Response> {
  const parsed = parseNoParams(params)
  if (!parsed.ok) return problemResponse(400, parsed.problems)
  return jsonResponse({ services: await listServiceDirectory() })
}

/** `GET /api/v1/coverage?month=YYYY-MM` */
export async function apiCoverage({ params, now }: { params: URLSearchParams; now: Date }): Promise<Response> {
  const parsed = parseCoverageParams(params)
  if (!parsed.ok) return problemResponse(400, parsed.problems)
  return jsonResponse(
    await getCoverageOfMonth({ month: parsed.value.month, now, deadlineDay: getConfig().RETURN_DEADLINE_DAY }),
  )
}
