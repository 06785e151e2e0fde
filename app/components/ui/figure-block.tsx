import type { ReactNode } from 'react'
import type { Figure } from '#app/utils/figures.ts'
import { useHydrated } from '#app/utils/use-hydrated.ts'
import { FigureTable } from './figure-table.tsx'
import { NoScriptStyles } from './no-script-styles.tsx'

/**
 * One figure: its title and description, the chart (drawn in the browser, in a box of fixed
 * height so nothing moves when it appears), its figures as a table, notes on gaps and partial
 * periods, the definitions, and a CSV download of exactly the table's figures.
 */
export function FigureBlock({
  figure,
  csvHref,
  chart,
  chartHeight,
  headingLevel = 2,
  tableOpen = false,
  rowHeader,
  renderCell,
  children,
}: {
  figure: Figure
  csvHref: string
  /** The chart, rendered only after hydration; omit for a table-only figure. */
  chart?: () => ReactNode
  chartHeight?: number
  headingLevel?: 2 | 3
  /** Show the table without a "show" step (for tables that are the figure itself). */
  tableOpen?: boolean
  /** Index of the column that names each row (the first by default). */
  rowHeader?: number
  renderCell?: Parameters<typeof FigureTable>[0]['renderCell']
  children?: ReactNode
}) {
  const hydrated = useHydrated()
  const Heading = headingLevel === 2 ? 'h2' : 'h3'
  const headingId = `figure-${figure.id}`
  const table = <FigureTable figure={figure} rowHeader={rowHeader} renderCell={renderCell} />
  return (
    <section className="app-figure" aria-labelledby={headingId}>
      <Heading id={headingId} className={headingLevel === 2 ? 'ds_h3' : 'ds_h4'}>
        {figure.title}
      </Heading>
      <p className="app-figure__description">{figure.description}</p>
      {children}
      {chart ? <NoScriptStyles /> : null}
      {chart ? (
        <div className="app-chart" style={{ minHeight: chartHeight }} data-chart={figure.id}>
          {hydrated ? (
            chart()
          ) : (
            <p className="app-chart__placeholder">
              Your browser draws this chart with JavaScript. Its figures are in the table below.
            </p>
          )}
        </div>
      ) : null}
      {tableOpen ? (
        table
      ) : (
        <details className="ds_details app-figure__table">
          <summary className="ds_details__summary">Show the figures in a table</summary>
          <div className="ds_details__text">{table}</div>
        </details>
      )}
      <FigureNotes notes={figure.notes} />
      <FigureFooter figure={figure} csvHref={csvHref} />
    </section>
  )
}

/** Caveats under a figure: gaps, partial periods, incomplete reporting. */
export function FigureNotes({ notes }: { notes: string[] }) {
  if (notes.length === 0) return null
  return (
    <ul className="app-figure__notes">
      {notes.map((note) => (
        <li key={note}>{note}</li>
      ))}
    </ul>
  )
}

/** The CSV download of a figure and the definitions of what it shows. */
export function FigureFooter({ figure, csvHref }: { figure: Figure; csvHref: string }) {
  return (
    <div className="app-figure__footer">
      <a className="app-figure__download" href={csvHref} download>
        Download these figures (CSV)<span className="visually-hidden">: {figure.title}</span>
      </a>
      <details className="ds_details app-figure__definitions">
        <summary className="ds_details__summary">
          Definitions<span className="visually-hidden">: {figure.title}</span>
        </summary>
        <div className="ds_details__text">
          <dl className="app-definitions">
            {figure.definitions.map((d) => (
              <div key={d.label}>
                <dt>{d.label}</dt>
                <dd>{d.definition}</dd>
              </div>
            ))}
          </dl>
        </div>
      </details>
    </div>
  )
}
