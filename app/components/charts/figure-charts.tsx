// The chart of a figure, as its spec says (series, axes with units, standards and reference
// lines; see app/dashboards/figures/): the chart components load lazily.
import type { ReactNode } from 'react'
import type { Figure } from '#app/domain/figure.ts'
import { CHART_HEIGHT, comparisonChartHeight } from './chart-config.ts'
import { LazyComparisonChart, LazySpcChart, LazyTrendChart } from './lazy-charts.tsx'

/** The control chart scales with its width; this reserves about its height at full width. */
const SPC_HEIGHT = 360

/**
 * A figure's rows as a chart draws them: a figure withheld by disclosure control (`c`) is not
 * plotted, and its row is marked `__hidden` so the chart does not call it a missing return.
 */
export function chartRows(figure: Figure): Figure['rows'] {
  const numeric = figure.columns.filter((c) => c.kind !== 'text').map((c) => c.key)
  return figure.rows.map((row) => {
    const plotted: Figure['rows'][number] = { ...row }
    for (const key of numeric) {
      if (typeof plotted[key] !== 'string') continue
      plotted[key] = null
      plotted.__hidden = 'yes'
    }
    return plotted
  })
}

/**
 * The chart a figure's spec asks for, or undefined for a table-only figure. `highlight`,
 * `barHeight` and `labelWidth` adjust a comparison chart to its page.
 */
export function chartFor(
  figure: Figure,
  options: { highlight?: string; barHeight?: number; labelWidth?: number } = {},
): { render: () => ReactNode; height: number } | undefined {
  const spec = figure.chart
  if (!spec) return undefined
  if (spec.type === 'trend') {
    const { type: _type, ...props } = spec
    return {
      height: CHART_HEIGHT,
      render: () => <LazyTrendChart id={figure.id} data={chartRows(figure)} {...props} />,
    }
  }
  if (spec.type === 'spc') {
    const { type: _type, ...props } = spec
    return { height: SPC_HEIGHT, render: () => <LazySpcChart id={figure.id} {...props} /> }
  }
  // The funnel plot is drawn by its page (routes/variation.tsx), the only one that shows it.
  if (spec.type === 'funnel') return undefined
  const column = figure.columns.find((c) => c.key === spec.valueKey)!
  return {
    height: comparisonChartHeight(figure.rows.length, options.barHeight),
    render: () => (
      <LazyComparisonChart
        id={figure.id}
        data={chartRows(figure)}
        categoryKey={spec.categoryKey}
        valueKey={spec.valueKey}
        valueLabel={column.label}
        axisLabel={spec.axisLabel}
        kind={column.kind}
        reference={spec.reference}
        {...options}
      />
    ),
  }
}
