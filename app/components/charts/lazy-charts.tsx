// The charts, loaded only in the browser and only when a page shows one: recharts is most of the
// dashboards' JavaScript, and draws nothing on the server anyway; the control chart (plain SVG)
// comes in a chunk of its own. A chart only one page shows (the funnel plot, the small
// multiples) is loaded by that page's module with `lazyChart`, so the others pay nothing for it.
// Each wrapper keeps the box the page reserved while its chart's code arrives.
import { type ComponentType, lazy, Suspense } from 'react'
import type { ComparisonChartProps } from './comparison-chart.tsx'
import type { SpcChartProps } from './spc-chart.tsx'
import type { TrendChartProps } from './trend-chart.tsx'

function Loading() {
  return <p className="app-chart__placeholder">Drawing the chart…</p>
}

/** A chart component loaded on first use, with `fallback` (by default "Drawing the chart…") meanwhile. */
export function lazyChart<P extends object>(
  load: () => Promise<{ default: ComponentType<P> }>,
  fallback = <Loading />,
) {
  // Typed loosely inside: React's lazy types a component's props with its ref.
  const Chart = lazy(load) as unknown as ComponentType<P>
  return function LazyChart(props: P) {
    return (
      <Suspense fallback={fallback}>
        <Chart {...props} />
      </Suspense>
    )
  }
}

export const LazyTrendChart = lazyChart<TrendChartProps>(() => import('./trend-chart.tsx'))
export const LazyComparisonChart = lazyChart<ComparisonChartProps>(() => import('./comparison-chart.tsx'))
export const LazySpcChart = lazyChart<SpcChartProps>(() => import('./spc-chart.tsx'))
