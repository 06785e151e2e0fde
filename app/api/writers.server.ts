// The three export formats. CSV and JSON are streamed: rows are written as the model reads each
// financial year, and a slow client holds back the reading (the stream is pulled, not pushed).
// XLSX is a zip whose parts are written at the end, so it is built in memory, up to Excel's row
// limit. Text cells are made spreadsheet-safe; numbers are written as numbers.
import { type Qualifier } from '#app/disclosure/activity-table.ts'
import { onWorkThread } from '#app/utils/threads.server.ts'
import { type ActivityMetadata, metadataSheetRows } from './metadata.ts'
import { safeText } from './spreadsheet-safety.ts'
import { type Cell } from './workbook.ts'

export type { Cell }
export type Record = { [column: string]: Cell }

/** Excel's limit is 1,048,576 rows, one of which is the header. */
export const XLSX_MAX_ROWS = 1_048_575

export class TooManyRowsError extends Error {
  override name = 'TooManyRowsError'
}

const encoder = new TextEncoder()

/**
 * A pulled byte stream over an async iterable: each read asks the source for the next chunk.
 * When `signal` aborts (the client went away), the source is stopped at its next chunk and the
 * stream ends: the HTTP adapter keeps reading a response body after its client has gone, so the
 * stream itself must stop asking the database for more.
 */
export function toByteStream(
  source: AsyncIterable<string | Uint8Array>,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (signal?.aborted) {
          await iterator.return?.()
          controller.close()
          return
        }
        const { value, done } = await iterator.next()
        if (done) controller.close()
        else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : value)
      } catch (error) {
        // The response is cut off instead of ending cleanly, so a partial file is never
        // mistaken for a whole one.
        controller.error(error)
      }
    },
    async cancel() {
      await iterator.return?.()
    },
  })
}

/** Records per CSV chunk: small enough to start sending at once, large enough to be cheap. */
const CSV_CHUNK_RECORDS = 1_000

/**
 * RFC 4180 CSV: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), CRLF line ends, a
 * header row, numbers unquoted, text spreadsheet-safe.
 *
 * Written here rather than by csv-stringify, whose per-field options, casts and checks cost more
 * than the rest of an export together; the output is the same bytes as csv-stringify's with
 * `record_delimiter: 'windows'`, `escape_formulas` and `safeText` as the cast of text (tests
 * compare the two): a field is quoted when it holds a comma or a double quote (doubled), and
 * safeText has already turned line breaks into spaces and put an apostrophe before a formula.
 */
export function csvStream(
  batches: AsyncIterable<Record[]>,
  columns: readonly string[],
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  return toByteStream(
    (async function* () {
      const field = csvFieldWriter()
      const header = `\uFEFF${columns.map((c) => field(c)).join(',')}\r\n`
      let first = true
      for await (const batch of batches) {
        let text = first ? header : ''
        first = false
        let records = 0
        for (const record of batch) {
          let line = ''
          for (let c = 0; c < columns.length; c++) {
            if (c > 0) line += ','
            line += field(record[columns[c]!] ?? null)
          }
          text += line + '\r\n'
          if (++records === CSV_CHUNK_RECORDS) {
            yield text
            text = ''
            records = 0
          }
        }
        if (text) yield text
      }
      // An export with no rows is still a CSV file: its header.
      if (first) yield header
    })(),
    signal,
  )
}

/** Text cells written once, kept for the next time: board names, codes, periods, measures repeat. */
const CSV_TEXT_MEMO = 4_096

/** A CSV field writer for one file, remembering the text it has written. */
function csvFieldWriter() {
  const memo = new Map<string, string>()
  return (cell: Cell): string => {
    if (cell === null) return ''
    if (typeof cell === 'number') return String(cell)
    let text = memo.get(cell)
    if (text === undefined) {
      text = csvText(cell)
      if (memo.size >= CSV_TEXT_MEMO) memo.clear()
      memo.set(cell, text)
    }
    return text
  }
}

function csvText(cell: string) {
  const safe = safeText(cell)
  return safe.includes(',') || safe.includes('"') ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** `{"metadata": {...}, "rows": [...]}`: the metadata first, then the rows as they are read. */
export function jsonStream(
  metadata: ActivityMetadata,
  batches: AsyncIterable<Record[]>,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  return toByteStream(
    (async function* () {
      yield `{"metadata":${JSON.stringify(metadata)},"rows":[`
      let first = true
      for await (const batch of batches) {
        if (batch.length === 0) continue
        yield (first ? '\n' : ',\n') + batch.map((row) => JSON.stringify(row)).join(',\n')
        first = false
      }
      yield '\n]}\n'
    })(),
    signal,
  )
}

/**
 * A workbook with a Data sheet (the rows) and a Metadata sheet, written on a work thread: the
 * rows are gathered here, as plain cells, up to Excel's limit.
 */
export async function xlsxBuffer(
  metadata: ActivityMetadata,
  batches: AsyncIterable<Record[]>,
  columns: readonly string[],
): Promise<Buffer> {
  const rows: Cell[][] = []
  for await (const batch of batches) {
    if (rows.length + batch.length > XLSX_MAX_ROWS) {
      throw new TooManyRowsError(`More than ${XLSX_MAX_ROWS.toLocaleString('en-GB')} rows: too many for a spreadsheet.`)
    }
    for (const record of batch) rows.push(columns.map((c) => record[c] ?? null))
  }
  const bytes = await onWorkThread('writeWorkbook', { columns, rows, metadata: metadataSheetRows(metadata) })
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

export interface WideSpec {
  /** Measure and indicator names, in column order. */
  measures: readonly string[]
  /** Whether a measure (or indicator) applies to a service. */
  applies: (service: string, measure: string) => boolean
  /** Columns that split a row further: `breakdown` and `category` for a broken-down export. */
  keys?: readonly string[]
}

export function wideColumns(spec: WideSpec): string[] {
  return [
    'period',
    'financial_year',
    'board_code',
    'board_name',
    'service',
    ...(spec.keys ?? []),
    ...spec.measures.flatMap((m) => [m, `${m}_qualifier`]),
  ]
}

interface LongRow {
  period: string
  financial_year: string
  board_code: string
  board_name: string
  service: string
  measure: string
  value: number | null
  qualifier: Qualifier | null
}

/**
 * Long rows (in period, service, board order) to wide rows: one per period, board and service,
 * a value and a qualifier column for each measure; `z` where a measure does not apply to the
 * service, `:` where it applies but has no figure.
 */
export async function* widen(batches: AsyncIterable<LongRow[]>, spec: WideSpec): AsyncGenerator<Record[]> {
  for await (const batch of batches) {
    const out: Record[] = []
    let current: Record | null = null
    let key = ''
    const finish = () => {
      if (!current) return
      for (const m of spec.measures) {
        if (current[`${m}_qualifier`] !== undefined) continue
        current[m] = null
        current[`${m}_qualifier`] = spec.applies(String(current.service), m) ? ':' : 'z'
      }
      out.push(current)
    }
    for (const row of batch) {
      const rowKey = [
        row.period,
        row.board_code,
        row.service,
        ...(spec.keys ?? []).map((k) => (row as unknown as Record)[k]),
      ].join('\u0000')
      if (rowKey !== key) {
        finish()
        key = rowKey
        current = {
          period: row.period,
          financial_year: row.financial_year,
          board_code: row.board_code,
          board_name: row.board_name,
          service: row.service,
        }
        for (const k of spec.keys ?? []) current[k] = (row as unknown as Record)[k]!
      }
      current![row.measure] = row.value
      current![`${row.measure}_qualifier`] = row.qualifier
    }
    finish()
    yield out.map((record) => {
      // Column order, whatever order the measures arrived in.
      const ordered: Record = {}
      for (const c of wideColumns(spec)) ordered[c] = record[c] ?? null
      return ordered
    })
  }
}
