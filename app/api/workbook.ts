// The XLSX workbook of an export, from plain rows, so that it can be written on a work thread
// (app/utils/threads.server.ts): a workbook is a zip whose parts are written at the end, and
// writing one of tens of thousands of rows holds a thread for seconds.
import writeXlsxFile, { type Row as XlsxRow } from 'write-excel-file/node'
import { safeText } from './spreadsheet-safety.ts'

export type Cell = string | number | null

export interface WorkbookJob {
  columns: readonly string[]
  /** The data rows, each cell in the order of `columns`. */
  rows: Cell[][]
  /** The Metadata sheet's rows. */
  metadata: Cell[][]
}

/** A workbook with a Data sheet (the rows) and a Metadata sheet. */
export async function writeWorkbook({ columns, rows, metadata }: WorkbookJob): Promise<Uint8Array> {
  const header = { fontWeight: 'bold' } as const
  const data: XlsxRow[] = [columns.map((c) => ({ value: xlsxText(c), type: String, ...header }))]
  for (const row of rows) data.push(row.map(xlsxCell))
  const meta: XlsxRow[] = metadata.map((row, i) =>
    row.map((cell) =>
      i === 0 || (typeof cell === 'string' && isHeading(row)) ? { ...xlsxCell(cell)!, ...header } : xlsxCell(cell),
    ),
  )
  const buffer = await writeXlsxFile([
    {
      data,
      sheet: 'Data',
      stickyRowsCount: 1,
      columns: columns.map((c) => ({ width: Math.max(10, Math.min(28, c.length + 2)) })),
    },
    { data: meta, sheet: 'Metadata', columns: [{ width: 24 }, { width: 120 }] },
  ]).toBuffer()
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

function isHeading(row: Cell[]) {
  return (
    ['Qualifier', 'Column', 'Measure', 'Indicator', 'Period'].includes(String(row[0])) &&
    ['Meaning', 'Description', 'Definition', 'In words'].includes(String(row[1]))
  )
}

function xlsxCell(cell: Cell) {
  if (cell === null) return null
  if (typeof cell === 'number') return { value: cell, type: Number }
  return { value: xlsxText(cell), type: String }
}

/**
 * write-excel-file 4.1.1 indexes its shared strings in a plain object, so a cell reading
 * "constructor", "valueOf" or another name Object.prototype has is written as an invalid cell
 * (and the workbook fails to open). Such text gets the same leading apostrophe as a neutralised
 * formula.
 */
function xlsxText(text: string) {
  const safe = safeText(text)
  return Object.prototype.hasOwnProperty.call(Object.prototype, safe) ? `'${safe}` : safe
}
