// The control chart and funnel plot in chunks of their own, so a page that shows neither pays
// nothing for them. Unlike recharts they draw on the server too: the server renders the SVG, and
// hydration waits for the chunk while keeping that HTML on screen.
import { lazy, Suspense } from 'react'
import type { FunnelChartProps } from './funnel-chart.tsx'
import type { SpcChartProps } from './spc-chart.tsx'

const SpcChart = lazy(() => import('./spc-chart.tsx'))
const FunnelChart = lazy(() => import('./funnel-chart.tsx'))

function Loading() {
  return <p className="app-chart__placeholder">Drawing the chart…</p>
}

export function LazySpcChart(props: SpcChartProps) {
  return (
    <Suspense fallback={<Loading />}>
      <SpcChart {...props} />
    </Suspense>
  )
}

export function LazyFunnelChart(props: FunnelChartProps) {
  return (
    <Suspense fallback={<Loading />}>
      <FunnelChart {...props} />
    </Suspense>
  )
}
