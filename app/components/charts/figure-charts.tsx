// Which chart draws which figure, and how: series, axes (with units), standards and reference
// lines. The figures come from app/dashboards/pages.server.ts; the charts load lazily.
import type { ReactNode } from 'react'
import type { Figure } from '#app/domain/figure.ts'
import type { Grain } from '#app/dashboards/filters.ts'
import { RATE_INDICATORS } from '#app/statistics/indicators.ts'
import { CHART_HEIGHT, comparisonChartHeight } from './chart-config.ts'
import { LazyComparisonChart, LazyTrendChart } from './lazy-charts.tsx'
import type { TrendChartProps } from './trend-chart.tsx'

const X_LABELS: Record<Grain, string> = { month: 'Month', fq: 'Financial quarter', fy: 'Financial year' }

type TrendSpec = Omit<TrendChartProps, 'id' | 'data' | 'xKey' | 'xLabel'>

const EIGHTEEN_WEEKS = RATE_INDICATORS.eighteenWeeks.standard
const RECOVERY = RATE_INDICATORS.recoveryRate.standard

/** The trend chart of each figure, by the part of its id after the page prefix. */
function trendSpec(kind: string, columns: Set<string>): TrendSpec | null {
  switch (kind) {
    case 'referrals':
      return {
        series: [
          { key: 'self_referrals', label: 'Self-referrals', type: 'bar', stack: 'referrals', style: 0 },
          {
            key: 'professional_referrals',
            label: 'Referred by a professional',
            type: 'bar',
            stack: 'referrals',
            style: 1,
          },
        ],
        left: { label: 'People referred', kind: 'count' },
      }
    case 'started':
      return {
        series: [
          { key: 'started', label: 'Started treatment (people, left axis)', type: 'bar', style: 0 },
          {
            key: 'eighteen_weeks',
            label: 'Started within 18 weeks (%, right axis)',
            type: 'line',
            axis: 'right',
            style: 1,
          },
          ...(columns.has('national_eighteen_weeks')
            ? [
                {
                  key: 'national_eighteen_weeks',
                  label: 'Scotland: within 18 weeks (%, right axis)',
                  type: 'line' as const,
                  axis: 'right' as const,
                  style: 3,
                },
              ]
            : []),
        ],
        left: { label: 'People who started', kind: 'count', headroom: 1.6 },
        right: { label: '% within 18 weeks', kind: 'percent' },
        references: [{ y: EIGHTEEN_WEEKS, axis: 'right', label: 'Standard: 90% within 18 weeks', kind: 'standard' }],
      }
    case 'video-sessions':
      return {
        series: [{ key: 'video_sessions', label: 'Video 1:1 sessions', type: 'bar', style: 0 }],
        left: { label: 'Sessions', kind: 'count' },
      }
    case 'group-sessions':
      return {
        series: [
          { key: 'group_sessions', label: 'Group sessions (left axis)', type: 'bar', style: 0 },
          { key: 'group_attendances', label: 'Attendances (right axis)', type: 'line', axis: 'right', style: 1 },
        ],
        left: { label: 'Sessions', kind: 'count', headroom: 1.6 },
        right: { label: 'Attendances', kind: 'count' },
      }
    case 'self-help-visits':
      return {
        series: [{ key: 'self_help_visits', label: 'Visits', type: 'bar', style: 0 }],
        left: { label: 'Visits', kind: 'count' },
      }
    case 'outcomes':
      return {
        series: [
          { key: 'recovery_rate', label: 'Recovery rate', type: 'line', style: 0 },
          { key: 'reliable_improvement_rate', label: 'Reliable improvement rate', type: 'line', style: 1 },
          ...(columns.has('national_recovery_rate')
            ? [
                { key: 'national_recovery_rate', label: 'Scotland: recovery rate', type: 'line' as const, style: 2 },
                {
                  key: 'national_reliable_improvement_rate',
                  label: 'Scotland: reliable improvement rate',
                  type: 'line' as const,
                  style: 3,
                },
              ]
            : []),
        ],
        left: { label: '% of people', kind: 'percent' },
        references: [{ y: RECOVERY, label: 'Standard: 50% recovery', kind: 'standard' }],
      }
    default:
      return null
  }
}

/** A service's national trend: its first count as bars, and the 18-week rate or its second count as a line. */
function serviceTrendSpec(figure: Figure): TrendSpec | null {
  const counts = figure.columns.filter((c) => c.kind === 'count')
  const first = counts[0]
  if (!first) return null
  const eighteen = figure.columns.find((c) => c.key === 'eighteen_weeks')
  const second = counts[1]
  const spec: TrendSpec = {
    series: [
      {
        key: first.key,
        label: `${first.label} (${first.unit ?? 'count'}${eighteen || second ? ', left axis' : ''})`,
        type: 'bar',
        style: 0,
      },
    ],
    left: { label: `${first.label} (${first.unit ?? 'count'})`, kind: 'count' },
  }
  if (eighteen) {
    spec.series.push({
      key: eighteen.key,
      label: 'Started within 18 weeks (%, right axis)',
      type: 'line',
      axis: 'right',
      style: 1,
    })
    spec.left.headroom = 1.6
    spec.right = { label: '% within 18 weeks', kind: 'percent' }
    spec.references = [{ y: EIGHTEEN_WEEKS, axis: 'right', label: 'Standard: 90% within 18 weeks', kind: 'standard' }]
  } else if (second) {
    spec.series.push({
      key: second.key,
      label: `${second.label} (${second.unit ?? 'count'}, right axis)`,
      type: 'line',
      axis: 'right',
      style: 1,
    })
    spec.left.headroom = 1.6
    spec.right = { label: `${second.label} (${second.unit ?? 'count'})`, kind: 'count' }
  }
  return spec
}

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

/** The chart of a trend figure (overview, board, service), or undefined for a table-only one. */
export function trendChartFor(figure: Figure, grain: Grain): { render: () => ReactNode; height: number } | undefined {
  const kind = figure.id.replace(/^(overview|board|service)-/, '')
  const spec =
    figure.id === 'service-trend'
      ? serviceTrendSpec(figure)
      : trendSpec(kind, new Set(figure.columns.map((c) => c.key)))
  if (!spec) return undefined
  return {
    height: CHART_HEIGHT,
    render: () => (
      <LazyTrendChart id={figure.id} data={chartRows(figure)} xKey="period" xLabel={X_LABELS[grain]} {...spec} />
    ),
  }
}

/** A horizontal bar chart of one column of a figure, one bar per row. */
export function comparisonChartFor(
  figure: Figure,
  options: {
    categoryKey: string
    valueKey: string
    axisLabel: string
    reference?: { value: number; label: string }
    highlight?: string
    barHeight?: number
    labelWidth?: number
  },
): { render: () => ReactNode; height: number } {
  const column = figure.columns.find((c) => c.key === options.valueKey)!
  return {
    height: comparisonChartHeight(figure.rows.length, options.barHeight),
    render: () => (
      <LazyComparisonChart
        id={figure.id}
        data={chartRows(figure)}
        categoryKey={options.categoryKey}
        valueKey={options.valueKey}
        valueLabel={column.label}
        axisLabel={options.axisLabel}
        kind={column.kind}
        reference={options.reference}
        highlight={options.highlight}
        barHeight={options.barHeight}
        labelWidth={options.labelWidth}
      />
    ),
  }
}
