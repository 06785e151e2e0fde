import { type ReactNode, type RefObject, useEffect, useRef, useState } from 'react'
import { CHART_SVG_SELECTOR } from '#app/components/charts/chart-config.ts'
import type { Figure } from '#app/domain/figure.ts'
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

/** The figure's `[data-chart]` box, once its chart has been drawn. */
function drawnChartBox(figure: Element | null | undefined): Element | null {
  const box = figure?.querySelector('[data-chart]')
  return box?.querySelector(CHART_SVG_SELECTOR) ? box : null
}

/**
 * Whether the figure around `inside` shows a drawn chart. Charts draw after hydration, when their
 * code has arrived, and again when the filters change, so this watches the figure.
 */
function useDrawnChart(inside: RefObject<HTMLElement>) {
  const [drawn, setDrawn] = useState(false)
  useEffect(() => {
    const figure = inside.current?.closest('.app-figure')
    if (!figure) return
    const check = () => setDrawn(drawnChartBox(figure) !== null)
    check()
    const observer = new MutationObserver(check)
    observer.observe(figure, { childList: true, subtree: true })
    return () => observer.disconnect()
  }, [inside])
  return drawn
}

/**
 * The downloads of a figure: its figures as CSV (a plain link, no JavaScript needed), the chart
 * as PNG and SVG once it is drawn (made in the browser from the chart on the page, by code loaded
 * on the first click), and the definitions of what it shows.
 */
export function FigureFooter({ figure, csvHref }: { figure: Figure; csvHref: string }) {
  const footer = useRef<HTMLDivElement>(null)
  const hydrated = useHydrated()
  const drawn = useDrawnChart(footer)
  const [problem, setProblem] = useState<string | null>(null)
  async function downloadChart(format: 'png' | 'svg') {
    const box = drawnChartBox(footer.current?.closest('.app-figure'))
    if (!box) return
    setProblem(null)
    try {
      const download = await import('#app/components/charts/chart-download.ts')
      await download.downloadChart(box, figure, format)
    } catch {
      setProblem(
        `Your browser could not save the chart as ${format.toUpperCase()}. Its figures are in the table and the CSV download.`,
      )
    }
  }
  return (
    <div className="app-figure__footer" ref={footer}>
      <a className="app-figure__download" href={csvHref} download>
        Download these figures (CSV)<span className="visually-hidden">: {figure.title}</span>
      </a>
      {hydrated && drawn ? (
        <>
          <button type="button" className="ds_link app-figure__download" onClick={() => void downloadChart('png')}>
            Download the chart (PNG)<span className="visually-hidden">: {figure.title}</span>
          </button>
          <button type="button" className="ds_link app-figure__download" onClick={() => void downloadChart('svg')}>
            Download the chart (SVG)<span className="visually-hidden">: {figure.title}</span>
          </button>
        </>
      ) : null}
      {problem ? (
        <p className="app-figure__download-problem" role="alert">
          {problem}
        </p>
      ) : null}
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
