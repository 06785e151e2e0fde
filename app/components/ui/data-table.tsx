import type { ReactNode } from 'react'

export interface DataColumn<T> {
  header: ReactNode
  cell: (row: T) => ReactNode
  /** Right-aligned, as numbers are. */
  numeric?: boolean
}

/**
 * A table of records in the design system's style, in a region that scrolls sideways on a
 * narrow screen and can be reached and scrolled by keyboard. `caption` names the table (read
 * out, not shown); `rowHeader` makes the first column the row's header.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  rowHeader = false,
  rowClassName,
}: {
  caption: string
  columns: Array<DataColumn<T>>
  rows: T[]
  rowKey: (row: T, index: number) => string | number
  rowHeader?: boolean
  rowClassName?: (row: T) => string | undefined
}) {
  return (
    <div className="app-table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="ds_table app-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col" className={c.numeric ? 'app-numeric' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={rowKey(row, r)} className={rowClassName?.(row)}>
              {columns.map((c, i) =>
                i === 0 && rowHeader ? (
                  <th key={i} scope="row">
                    {c.cell(row)}
                  </th>
                ) : (
                  <td key={i} className={c.numeric ? 'app-numeric' : undefined}>
                    {c.cell(row)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
