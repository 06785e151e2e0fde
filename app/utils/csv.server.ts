// CSV files people open in spreadsheets: UTF-8 with a byte-order mark (so Excel reads accents and
// the en dash correctly), CRLF line ends, and every cell safe from formula injection.
import { stringify } from 'csv-stringify/sync'

const BOM = '\uFEFF'

/** Control characters a cell must not carry (tab, line feed and carriage return stay). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g

export function toCsv(rows: string[][]): string {
  const clean = rows.map((row) => row.map((cell) => cell.replace(CONTROL, '')))
  return BOM + stringify(clean, { escape_formulas: true, record_delimiter: 'windows' })
}

/** A download of `body` as `fileName`, never cached. */
export function csvResponse(body: string, fileName: string) {
  const safe = fileName.replace(/[^A-Za-z0-9._-]/g, '-')
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${safe}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
