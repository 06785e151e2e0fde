import type { ReactNode } from 'react'
import { type Figure, formatCell } from '#app/domain/figure.ts'

/**
 * A figure's rows as an accessible table: a caption, column headers with their units, the first
 * column as row headers, numbers right-aligned. Exactly the figures of the chart and the CSV.
 */
export function FigureTable({
  figure,
  caption,
  rowHeader = 0,
  renderCell,
}: {
  figure: Figure
  caption?: ReactNode
  /** Index of the column that names each row. */
  rowHeader?: number
  /** Replaces a cell's text (e.g. a board's name with a link to its page). */
  renderCell?: (key: string, row: Figure['rows'][number]) => ReactNode | undefined
}) {
  return (
    <div className="app-table-scroll" tabIndex={0} role="region" aria-label={`${figure.title}: table`}>
      <table className="ds_table app-table">
        <caption className="ds_table__caption visually-hidden">{caption ?? figure.title}</caption>
        <thead>
          <tr>
            {figure.columns.map((c) => (
              <th key={c.key} scope="col" className={c.kind === 'text' ? undefined : 'app-numeric'}>
                {c.label}
                {c.unit ? <span className="app-table__unit"> ({c.unit})</span> : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {figure.rows.map((row, i) => (
            <tr key={i}>
              {figure.columns.map((c, j) => {
                const content = renderCell?.(c.key, row) ?? formatCell(row[c.key] ?? null, c.kind)
                const className = c.kind === 'text' ? undefined : 'app-numeric'
                return j === rowHeader ? (
                  <th key={c.key} scope="row" className={className}>
                    {content}
                  </th>
                ) : (
                  <td key={c.key} className={className}>
                    {content}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
