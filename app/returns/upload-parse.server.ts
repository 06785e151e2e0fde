// Reading an uploaded CSV or XLSX file into rows of text, defensively: the size is capped before
// anything is parsed, an XLSX (a zip) has its entries counted and its unpacked size limited while
// it is inflated, text must be UTF-8, and formula cells are refused. Every problem names the row
// and the column.
import { parse } from 'csv-parse/sync'
import { Unzip, UnzipInflate } from 'fflate'
import { readSheet } from 'read-excel-file/node'

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024
export const MAX_XLSX_ENTRIES = 200
export const MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
export const MAX_UPLOAD_ROWS = 250_000

export const UPLOAD_COLUMNS = ['month', 'board_code', 'service', 'measure', 'breakdown', 'value', 'comment'] as const
const REQUIRED_COLUMNS = ['month', 'board_code', 'service', 'measure', 'value'] as const

export interface UploadProblem {
  /** The row in the file (the header is row 1); 0 for the file as a whole. */
  row: number
  column: string
  message: string
  /**
   * Set when the row is refused for who may change what rather than for its figures: another
   * board's figures (`other-board`), or a month approved and locked (`locked`). The API answers
   * the first with 403.
   */
  refusal?: 'other-board' | 'locked'
}

export class UploadRejected extends Error {
  constructor(readonly problems: UploadProblem[]) {
    super(problems.map((p) => `${p.row ? `Row ${p.row}, ${p.column}: ` : ''}${p.message}`).join('; '))
    this.name = 'UploadRejected'
  }
}

const fileProblem = (message: string) => new UploadRejected([{ row: 0, column: 'file', message }])

export interface UploadRow {
  row: number
  values: Record<string, string>
}

function normaliseHeader(header: string) {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
}

function checkHeaders(headers: string[]) {
  const missing = REQUIRED_COLUMNS.filter((c) => !headers.includes(c))
  if (missing.length > 0) {
    throw new UploadRejected(
      missing.map((column) => ({
        row: 1,
        column,
        message: `The column “${column}” is missing: the first row must name the columns ${UPLOAD_COLUMNS.join(', ')}`,
      })),
    )
  }
}

export interface ZipLimits {
  entries: number
  unpackedBytes: number
}
const ZIP_LIMITS: ZipLimits = { entries: MAX_XLSX_ENTRIES, unpackedBytes: MAX_XLSX_UNPACKED_BYTES }

/** Reads an upload's bytes as CSV or XLSX (told apart by their content, not their name). */
export async function parseUploadFile(
  bytes: Uint8Array,
  limits: ZipLimits = ZIP_LIMITS,
): Promise<{ format: 'csv' | 'xlsx'; rows: UploadRow[] }> {
  if (bytes.length === 0) throw fileProblem('The file is empty')
  if (bytes.length > MAX_UPLOAD_BYTES) throw fileProblem(`The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`)
  const rows = isZip(bytes) ? await parseXlsx(bytes, limits) : parseCsv(bytes)
  if (rows.length > MAX_UPLOAD_ROWS)
    throw fileProblem(`The file has more than ${MAX_UPLOAD_ROWS.toLocaleString('en-GB')} rows: split it`)
  if (rows.length === 0) throw fileProblem('The file has a header row but no figures')
  return { format: isZip(bytes) ? 'xlsx' : 'csv', rows }
}

function isZip(bytes: Uint8Array) {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
}

/** Signatures of files people upload by mistake, to say so plainly. */
function looksBinary(bytes: Uint8Array) {
  const head = bytes.subarray(0, 512)
  return head.includes(0) || (bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46)
}

function parseCsv(bytes: Uint8Array): UploadRow[] {
  if (looksBinary(bytes))
    throw fileProblem('The file is not a CSV or XLSX file: save the spreadsheet as CSV (UTF-8) or as an Excel workbook')
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw fileProblem('The file is not UTF-8 text: in Excel, save it as “CSV UTF-8 (comma delimited)”')
  }
  let records: string[][]
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false })
  } catch (error) {
    const e = error as { lines?: number; code?: string; message: string }
    const row = e.lines ?? 0
    const message =
      e.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'A quoted value is never closed: the file may have been cut short'
        : e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
          ? 'This row has a different number of columns from the header row'
          : e.message
    throw new UploadRejected([{ row, column: '(whole row)', message }])
  }
  const [header, ...body] = records
  if (!header) throw fileProblem('The file is empty')
  const headers = header.map(normaliseHeader)
  checkHeaders(headers)
  return body.map((cells, index) => ({
    row: index + 2,
    values: Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? ''])),
  }))
}

/**
 * Inflates the zip entry by entry, counting entries and bytes as they come out (declared sizes
 * can lie), and keeps the first worksheet's XML to look for formulas.
 */
function inspectZip(bytes: Uint8Array, limits: ZipLimits) {
  let entries = 0
  let unpacked = 0
  const finished = new Set<string>()
  const started = new Set<string>()
  const sheets = new Map<string, Uint8Array[]>()
  const unzip = new Unzip()
  unzip.register(UnzipInflate)
  unzip.onfile = (file) => {
    entries++
    if (entries > limits.entries)
      throw fileProblem(`The XLSX file holds more than ${limits.entries} parts: it is not a plain workbook`)
    if (file.originalSize !== undefined && file.originalSize > limits.unpackedBytes) throw tooBig(limits)
    started.add(file.name)
    const keep = /^xl\/worksheets\/sheet\d+\.xml$/.test(file.name)
    if (keep) sheets.set(file.name, [])
    file.ondata = (error, chunk, final) => {
      if (error) throw fileProblem('The XLSX file is damaged: save it again from Excel and upload it')
      unpacked += chunk.length
      if (unpacked > limits.unpackedBytes) {
        file.terminate()
        throw tooBig(limits)
      }
      if (keep) sheets.get(file.name)!.push(chunk)
      if (final) finished.add(file.name)
    }
    file.start()
  }
  try {
    unzip.push(bytes, true)
  } catch (error) {
    if (error instanceof UploadRejected) throw error
    throw fileProblem('The file is not a complete XLSX file (it may have been cut short): save it again and upload it')
  }
  if (entries === 0 || started.size !== finished.size) {
    throw fileProblem('The file is not a complete XLSX file (it may have been cut short): save it again and upload it')
  }
  const first = [...sheets.keys()].sort(
    (a, b) => Number(/(\d+)\.xml$/.exec(a)![1]) - Number(/(\d+)\.xml$/.exec(b)![1]),
  )[0]
  if (!first) throw fileProblem('The XLSX file has no worksheet')
  return Buffer.concat(sheets.get(first)!).toString('utf8')
}

function tooBig(limits: ZipLimits) {
  return fileProblem(
    `The XLSX file unpacks to more than ${Math.round(limits.unpackedBytes / 1024 / 1024)} MB: it is not a plain workbook of figures`,
  )
}

/** Cells of the worksheet XML that hold a formula, as [row, column index]. */
function formulaCells(sheetXml: string) {
  const cells: Array<{ row: number; column: number }> = []
  for (const match of sheetXml.matchAll(/<c\b[^>]*\br="([A-Z]+)(\d+)"[^>]*>(.*?)<\/c>/gs)) {
    if (/<f[\s>/]/.test(match[3]!)) cells.push({ row: Number(match[2]), column: columnIndex(match[1]!) })
  }
  return cells
}

function columnIndex(letters: string) {
  return [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) - 1
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString().slice(0, 7)
  return String(value)
}

async function parseXlsx(bytes: Uint8Array, limits: ZipLimits): Promise<UploadRow[]> {
  const sheetXml = inspectZip(bytes, limits)
  let data: unknown[][]
  try {
    data = (await readSheet(Buffer.from(bytes))) as unknown[][]
  } catch {
    throw fileProblem('The file is not a readable XLSX workbook: save it again from Excel and upload it')
  }
  const [header, ...body] = data
  if (!header) throw fileProblem('The worksheet is empty')
  const headers = header.map((h) => normaliseHeader(cellText(h)))
  checkHeaders(headers)
  const formulas = formulaCells(sheetXml)
  if (formulas.length > 0) {
    throw new UploadRejected(
      formulas.slice(0, 100).map((f) => ({
        row: f.row,
        column: headers[f.column] ?? `column ${f.column + 1}`,
        message: 'This cell holds a formula: copy the figures and paste them as values only',
      })),
    )
  }
  return body
    .map((cells, index) => ({
      row: index + 2,
      values: Object.fromEntries(headers.map((h, i) => [h, cellText(cells[i])])),
    }))
    .filter((r) => Object.values(r.values).some((v) => v.trim() !== ''))
}
