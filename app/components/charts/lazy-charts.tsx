// The charts, loaded only in the browser and only when a page shows one: recharts is most of the
// dashboards' JavaScript, and draws nothing on the server anyway. Each wrapper keeps the box the
// page reserved while its chart's code arrives.
import { lazy, Suspense } from 'react'
import type { ComparisonChartProps } from './comparison-chart.tsx'
import type { SmallMultipleChartProps } from './small-multiple-chart.tsx'
import type { TrendChartProps } from './trend-chart.tsx'

const TrendChart = lazy(() => import('./trend-chart.tsx'))
const ComparisonChart = lazy(() => import('./comparison-chart.tsx'))
const SmallMultipleChart = lazy(() => import('./small-multiple-chart.tsx'))

function Loading() {
  return <p className="app-chart__placeholder">Drawing the chart…</p>
}

export function LazyTrendChart(props: TrendChartProps) {
  return (
    <Suspense fallback={<Loading />}>
      <TrendChart {...props} />
    </Suspense>
  )
}

export function LazyComparisonChart(props: ComparisonChartProps) {
  return (
    <Suspense fallback={<Loading />}>
      <ComparisonChart {...props} />
    </Suspense>
  )
}

export function LazySmallMultipleChart(props: SmallMultipleChartProps) {
  return (
    <Suspense fallback={null}>
      <SmallMultipleChart {...props} />
    </Suspense>
  )
}
